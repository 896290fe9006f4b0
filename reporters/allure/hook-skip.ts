import type { TestStep } from '@playwright/test/reporter';

/**
 * The error `test.skip()` throws: `new SkipError('Test is skipped: ' + description)` in
 * packages/playwright/src/worker/testInfo.ts@1511d8643ea7bd2e72c4b80ff6f9b3b126d91e0f
 * (bundled in playwright 1.65's worker as TestSkipError, same message). Reporters see it as
 * the step's error message, prefixed with the error class.
 */
const SKIP_MESSAGE = /^(?:\w*Error: )?Test is skipped:/;

/** A hook step (or the root "Before Hooks" step) that ended because the test skipped itself. */
export function isHookSkip(step: TestStep): boolean {
  return step.category === 'hook' && step.error !== undefined && SKIP_MESSAGE.test(step.error.message ?? '');
}
