// The open-loop sender's wait for a request's due time, on a fake clock: what it asks of
// timers, sleeps and event-loop turns, never how long a real wait took.

import { expect, test } from '@playwright/test';
import { SLEEP_SLICE_MS, TIMER_LEAD_MS, waitUntil, type Clock } from '../../workloads/send/clock.ts';

type Step = { timer: number } | { sleep: number } | 'turn';

/**
 * Time moves only when the waiter sleeps or a timer fires (`timerLateMs` after it was
 * asked to); timer and turn callbacks run one at a time from a queue, as an event loop
 * runs them. Returns the steps taken and the time at which the wait resolved.
 */
async function wait(startMs: number, targetMs: number, timerLateMs = 0): Promise<{ steps: Step[]; resolvedAt: number }> {
  let t = startMs;
  const steps: Step[] = [];
  const queue: (() => void)[] = [];
  const clock: Clock = {
    now: () => t,
    timer(fn, ms) {
      steps.push({ timer: ms });
      queue.push(() => {
        t += ms + timerLateMs;
        fn();
      });
    },
    turn(fn) {
      steps.push('turn');
      queue.push(fn);
    },
    sleep(ms) {
      steps.push({ sleep: ms });
      t += ms;
    },
  };
  let resolvedAt: number | undefined;
  const done = waitUntil(targetMs, clock).then(() => void (resolvedAt = t));
  for (let guard = 0; queue.length > 0; guard++) {
    if (guard > 10_000) throw new Error('the wait never ends: time does not move while it waits');
    queue.shift()!();
  }
  await done;
  return { steps, resolvedAt: resolvedAt! };
}

const close = (a: number, b: number): boolean => Math.abs(a - b) < 1e-9;

test.describe('open-loop sender clock', { tag: ['@e2e', '@workloads'] }, () => {
  test('a far target: one timer to TIMER_LEAD_MS before it, then sleeps of at most SLEEP_SLICE_MS with a turn between, ending on the target', async () => {
    const { steps, resolvedAt } = await wait(1000, 1010);
    expect(steps[0]).toEqual({ timer: 10 - TIMER_LEAD_MS });
    const rest = steps.slice(1);
    const sleeps = rest.filter((s): s is { sleep: number } => typeof s === 'object' && 'sleep' in s);
    // Spinning instead of sleeping is what this replaced: every turn follows a sleep.
    expect(sleeps.length).toBeGreaterThanOrEqual(Math.ceil(TIMER_LEAD_MS / SLEEP_SLICE_MS));
    for (const s of sleeps) expect(s.sleep).toBeLessThanOrEqual(SLEEP_SLICE_MS);
    rest.forEach((s, i) => expect(s === 'turn' ? rest[i - 1] : s).toHaveProperty('sleep'));
    expect(rest.at(-1)).toHaveProperty('sleep');
    expect(close(resolvedAt, 1010)).toBe(true);
  });

  test('a target within one slice: one sleep of exactly the time left, no timer, no turn', async () => {
    const { steps, resolvedAt } = await wait(1000, 1000.05);
    expect(steps).toHaveLength(1);
    expect(close((steps[0] as { sleep: number }).sleep, 0.05)).toBe(true);
    expect(close(resolvedAt, 1000.05)).toBe(true);
  });

  test('a target already past, or passed by a late timer, resolves without sleeping', async () => {
    expect((await wait(1000, 999)).steps).toEqual([]);
    const late = await wait(1000, 1010, 5);
    expect(late.steps).toEqual([{ timer: 10 - TIMER_LEAD_MS }]);
    expect(late.resolvedAt).toBe(1013.5);
  });
});
