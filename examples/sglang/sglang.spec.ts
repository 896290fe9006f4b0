// The migration and cancellation scenarios on SGLang, through the stand-in of
// `python3 -m sglang.launch_server` (./stand-in): the profile is ./profile.ts, its facts
// ./contract.json. With SGLANG_REAL=1 the same scenarios run on the python3 of PATH, a real
// SGLang (README.md).

import { spawnSync } from 'node:child_process';
import { test, expect, lacks, loggedSince, parsePrometheus, type StackProfile } from 'servewright';
import { survivesWorkerDeath, failsWithoutMigration, cancelInSequence, cancelOnClientTimeout, SKIPPED_CHECK } from 'servewright/scenarios';
import { SGLANG_CONTRACT as CONTRACT } from './contract.ts';
import { sglangProfile } from './profile.ts';
import { sglangStandInEnv } from './stand-in/env.ts';

// Long enough that a request cancelled promptly has produced well under a quarter of it.
const CASE = { maxTokens: 8_000, timeoutMs: 10_000 };
const LONG_TOKENS = 2_000;

const REAL = process.env.SGLANG_REAL === '1';

test.use({ stackProfile: sglangProfile, stackEnv: REAL ? {} : sglangStandInEnv(), stackOptions: { workers: 1 } });

function skipUnless(profile: StackProfile, capability: 'migration'): void {
  const missing = lacks(profile, capability);
  test.skip(missing !== undefined, missing);
}

test.describe('SGLang: request migration', { tag: ['@e2e', '@fault-tolerance'] }, () => {
  test.beforeEach(({ profile }) => skipUnless(profile, 'migration'));

  test('a streaming completion survives SIGKILL of its worker', async ({ stack, client }) => {
    await survivesWorkerDeath(stack, client, { api: 'completion', streaming: true, signal: 'SIGKILL', longTokens: LONG_TOKENS, timeoutMs: 30_000 });
  });

  test('with migration disabled the client gets an error, not a hang', async ({ stack, client }) => {
    await failsWithoutMigration(stack, client, { api: 'chat', streaming: true, longTokens: LONG_TOKENS, timeoutMs: 30_000 });
  });
});

test.describe('SGLang: request cancellation', { tag: ['@e2e', '@fault-tolerance'] }, () => {
  test('client disconnect aborts on the server: completion, chat, chat streaming in sequence', async ({ stack, client }, testInfo) => {
    await cancelInSequence(stack, client, CASE);
    // Everything else was checked, the server's abort counter included: the frontend's Kill line
    // and a separate worker's counter have no SGLang counterpart (one process is both).
    expect(testInfo.annotations.filter((a) => a.type === SKIPPED_CHECK).map((a) => a.description)).toEqual([
      expect.stringMatching(/^worker cancellation counter check: profile sglang: the frontend is the worker/),
      'frontend Kill line: profile sglang has no frontend that sends one',
    ]);
  });

  test('a client timeout aborts the request on the server', async ({ stack, client }) => {
    await cancelOnClientTimeout(stack, client, { ...CASE, clientTimeoutMs: 200 });
  });
});

test.describe('SGLang stand-in against its contract', { tag: ['@e2e', '@framework'] }, () => {
  test.skip(REAL, 'SGLANG_REAL=1: these check the stand-in, and a real SGLang exposes more than the contract lists');

  test('the profile\'s patterns read the contract\'s lines and their request ids; a health check is no request', () => {
    const { newRequest, abortedRequest } = sglangProfile.build(undefined).patterns;
    const { receivedRequest, abortRunningRequest, abortQueuedRequest } = CONTRACT.logs;
    expect(newRequest.exec(receivedRequest!.line)?.[1]).toBe(receivedRequest!.requestId);
    expect(abortedRequest.exec(abortRunningRequest!.line)?.[1]).toBe(abortRunningRequest!.requestId);
    expect(abortedRequest.exec(abortQueuedRequest!.line)?.[1]).toBe(abortQueuedRequest!.requestId);
    expect(newRequest.test(receivedRequest!.line.replace(receivedRequest!.requestId!, 'HEALTH_CHECK_1764931200.5'))).toBe(false);
  });

  test('an unknown flag or a level outside the choices exits as argparse does; the import probe reports the contract\'s version', () => {
    const env = { ...process.env, ...sglangStandInEnv() };
    const bad = spawnSync('python3', ['-m', 'sglang.launch_server', '--model-path', 'm', '--migration-limit', '3'], { env, encoding: 'utf8' });
    expect(bad.status).toBe(CONTRACT.commands.launch_server!.unknownFlag.exitCode);
    expect(bad.stderr).toContain('error: unrecognized arguments: --migration-limit 3');
    const level = spawnSync('python3', ['-m', 'sglang.launch_server', '--model-path', 'm', '--log-requests-level', '7'], { env, encoding: 'utf8' });
    expect([level.status, level.stderr]).toEqual([2, expect.stringContaining('argument --log-requests-level: invalid choice')]);
    const probe = spawnSync('python3', ['-c', 'import importlib\nm = importlib.import_module("sglang")'], { env, encoding: 'utf8' });
    expect(probe.stdout.trim()).toBe(CONTRACT.sampleVersion);
  });

  test('a served request is logged and measured under the contract\'s names and labels only', async ({ stack, client }) => {
    const server = stack.workers[0]!;
    const mark = server.proc.log.mark();
    const done = await client.completions({ prompt: 'Hello there', max_tokens: 8 });
    expect(done.status).toBe(200);
    expect(done.body.nvext).toBeUndefined();
    expect(loggedSince(server.proc.log, mark, sglangProfile.build(undefined).patterns.newRequest, String(done.body.id))).toBe(true);
    const health = await fetch(`${server.url}/health`);
    expect([health.status, await health.text()]).toEqual([CONTRACT.health.ready!.status, CONTRACT.health.ready!.body]);

    const contract = parsePrometheus(CONTRACT.metrics.server!.exposition);
    const served = (await server.metrics()).samples;
    expect(served.length).toBeGreaterThan(0);
    for (const sample of served) {
      expect(contract.map((s) => s.name), sample.name).toContain(sample.name);
      expect(Object.keys(sample.labels).sort()).toEqual(Object.keys(contract.find((s) => s.name === sample.name)!.labels).sort());
    }
    // Nothing was aborted yet, and a labelled counter shows no sample before its first increment.
    expect(served.some((s) => s.name === 'sglang:num_aborted_requests_total')).toBe(false);
  });
});
