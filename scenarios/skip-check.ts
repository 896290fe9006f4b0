// A check the profile's engine cannot support is skipped with the profile's reason, as a
// test annotation the reports show; the rest of the scenario still runs.

import { test } from '../fixtures/index.ts';

export const SKIPPED_CHECK = 'skipped-check';

/** Records that one check was skipped and why; returns undefined so callers can skip the value. */
export function skipCheck(reason: string): undefined {
  const { annotations } = test.info();
  if (!annotations.some((a) => a.type === SKIPPED_CHECK && a.description === reason)) annotations.push({ type: SKIPPED_CHECK, description: reason });
  return undefined;
}
