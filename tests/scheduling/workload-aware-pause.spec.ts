// E2E_PAUSE_ON_EXIT: the stack stays up after the scenario, with its URLs and log paths
// printed, until a key (here a pseudo-stdin) or the timeout.

import { PassThrough } from 'node:stream';
import { expect, test } from 'servewright';
import { parsePauseDuration, pause, pauseIfAsked } from '../../fixtures/workload/pause-on-exit.ts';

const tags = { tag: ['@e2e', '@scheduling'] };

function collector(): { out: PassThrough; text(): string } {
  const out = new PassThrough();
  let text = '';
  out.on('data', (c: Buffer) => (text += c.toString()));
  return { out, text: () => text };
}

test('durations: 30m, 90s, 1h, 500ms, bare seconds; anything else is a clear error', tags, () => {
  expect(parsePauseDuration('30m')).toBe(1_800_000);
  expect(parsePauseDuration('90s')).toBe(90_000);
  expect(parsePauseDuration('1h')).toBe(3_600_000);
  expect(parsePauseDuration('500ms')).toBe(500);
  expect(parsePauseDuration('2')).toBe(2_000);
  expect(parsePauseDuration(undefined)).toBeUndefined();
  expect(parsePauseDuration('')).toBeUndefined();
  expect(() => parsePauseDuration('soon')).toThrow('E2E_PAUSE_ON_EXIT="soon": expected a duration like 30m, 90s, 1h or 500ms');
});

test('a key on the input ends the pause; without one the timeout does', tags, async () => {
  const keyed = collector();
  const input = new PassThrough();
  const ended = pause({ durationMs: 60_000, banner: 'the banner', input, out: keyed.out });
  await expect.poll(keyed.text).toContain('press any key to continue, or wait 60 s');
  input.write('x');
  expect(await ended).toBe('key');
  expect(keyed.text()).toContain('the banner');
  expect(keyed.text()).toContain('key pressed, tearing down');

  const timed = collector();
  expect(await pause({ durationMs: 200, banner: 'b', input: new PassThrough(), out: timed.out })).toBe('timeout');
  expect(timed.text()).toContain('time is up, tearing down');
  const noTerminal = collector();
  expect(await pause({ durationMs: 50, banner: 'b', input: undefined, out: noTerminal.out })).toBe('timeout');
  expect(noTerminal.text()).toContain('no terminal to read a key from: waiting 0.05 s');
});

test.describe('on a stack', () => {
  test.use({ stackOptions: { frontend: { scheduler: 'workload-aware' }, workers: 1 } });

  test('the stack answers during the pause, and its URLs and log paths are printed', tags, async ({ stack }, testInfo) => {
    expect(await pauseIfAsked(testInfo, stack, { env: {} })).toBeUndefined();
    const { out, text } = collector();
    const input = new PassThrough();
    const before = testInfo.timeout;
    const paused = pauseIfAsked(testInfo, stack, { env: { E2E_PAUSE_ON_EXIT: '2m' }, input, out });
    await expect.poll(text).toContain('=== E2E_PAUSE_ON_EXIT: the stack stays up');
    expect(testInfo.timeout).toBe(before + 120_000);
    // Still serving while paused.
    const health = await fetch(`${stack.frontend.url}/v1/models`);
    expect(health.status).toBe(200);
    for (const expected of [
      stack.frontend.url,
      `${stack.frontend.url}/debug/scheduler`,
      stack.frontend.proc.log.path,
      stack.workers[0]!.url,
      stack.workers[0]!.proc.log.path,
      `grep "\\[WA-ROUTING\\]" ${stack.frontend.proc.log.path}`,
      `npm run wa-client -- --api-base ${stack.frontend.url} --scenario all --output results.json`,
    ]) {
      expect(text()).toContain(expected);
    }
    input.write('\n');
    expect(await paused).toBe('key');
  });
});
