// One time base for every thread of a run: epoch ms with sub-ms resolution. Worker
// threads have their own performance.now() origin, so raw now() values do not compare.

export const nowMs = (): number => performance.timeOrigin + performance.now();

/**
 * Resolves at `targetMs` with sub-ms precision: a timer sleeps to ~1.5 ms before the
 * target (timers are only ms-accurate and fire late under load), then setImmediate
 * turns poll until the target, which still lets I/O callbacks run in between.
 */
export function waitUntil(targetMs: number): Promise<void> {
  return new Promise((resolve) => {
    const step = (): void => {
      const left = targetMs - nowMs();
      if (left <= 0) resolve();
      else if (left > 2) setTimeout(step, left - 1.5);
      else setImmediate(step);
    };
    step();
  });
}
