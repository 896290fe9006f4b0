import type { Outcome, TestRecord } from './model.ts';

export type Counts = Record<Outcome, number> & { total: number };

export function countOutcomes(tests: TestRecord[]): Counts {
  const counts: Counts = { passed: 0, failed: 0, flaky: 0, skipped: 0, total: tests.length };
  for (const test of tests) counts[test.outcome] += 1;
  return counts;
}
