// One time base for every thread of a run: epoch ms with sub-ms resolution. Worker
// threads have their own performance.now() origin, so raw now() values do not compare.

export const nowMs = (): number => performance.timeOrigin + performance.now();

/** What waitUntil needs of time; a spec passes a fake one. */
export interface Clock {
  now(): number;
  /** Calls `fn` after about `ms` (a timer: ms-accurate at best, late under load). */
  timer(fn: () => void, ms: number): void;
  /** Calls `fn` on the next event-loop turn, after pending I/O callbacks. */
  turn(fn: () => void): void;
  /** Blocks this thread for `ms` (sub-ms) without using the CPU. */
  sleep(ms: number): void;
}

const sleepCell = new Int32Array(new SharedArrayBuffer(4));

export const realClock: Clock = {
  now: nowMs,
  timer: (fn, ms) => void setTimeout(fn, ms),
  turn: (fn) => void setImmediate(fn),
  // Nobody ever notifies the cell, so this is a timed futex wait: µs-precise and idle.
  sleep: (ms) => void Atomics.wait(sleepCell, 0, 0, ms),
};

/** A timer is asked to fire this long before the target, as timers fire late. */
export const TIMER_LEAD_MS = 1.5;
/**
 * Longest block before I/O gets a turn: a response that arrives meanwhile is timestamped at
 * most this late, and the sender sleeps instead of spinning (a spin on setImmediate kept
 * a sender at ~100 % of a core at 10k req/s, which on 2 cores is the sink's CPU).
 */
export const SLEEP_SLICE_MS = 0.2;

/**
 * Resolves at `targetMs` with sub-ms precision: a timer sleeps to TIMER_LEAD_MS before the
 * target, then the thread sleeps in slices of SLEEP_SLICE_MS with an event-loop turn
 * between slices (so I/O callbacks still run), and resolves right after the slice that
 * reaches the target.
 */
export function waitUntil(targetMs: number, clock: Clock = realClock): Promise<void> {
  return new Promise((resolve) => {
    const step = (): void => {
      const left = targetMs - clock.now();
      if (left > TIMER_LEAD_MS + SLEEP_SLICE_MS) return clock.timer(step, left - TIMER_LEAD_MS);
      if (left > 0) clock.sleep(Math.min(left, SLEEP_SLICE_MS));
      if (clock.now() >= targetMs) resolve();
      else clock.turn(step);
    };
    step();
  });
}
