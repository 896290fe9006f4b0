import { expect, test } from '@playwright/test';
import { allureCategories, ASSERTION_CATEGORY, INFRASTRUCTURE_CATEGORY, TIMEOUT_CATEGORY } from '../../reporters/allure/categories.ts';

/** First matching category, the way Allure 3 reads the rules (status, then a search in the message). */
function categoryOf(status: string, message: string): string | undefined {
  return allureCategories.find(
    (c) => (c.matchedStatuses as string[]).includes(status) && (c.messageRegex === undefined || new RegExp(c.messageRegex).test(message)),
  )?.name;
}

/** Allure 2 (Java `matches`) needs the pattern to cover the whole, multi-line message. */
function wholeMessageMatches(regex: string, message: string): boolean {
  return new RegExp(`^(?:${regex})$`).test(message);
}

const CASES: [status: string, message: string, category: string | undefined][] = [
  ['broken', 'worker-0 (pid 12) exited before logging /listening/ (code 1)\n--- last 20 lines of /tmp/w.log ---\nboom', INFRASTRUCTURE_CATEGORY],
  ['broken', 'not ready after 30000 ms; still waiting for: port 8000', INFRASTRUCTURE_CATEGORY],
  ['failed', 'connect ECONNREFUSED 127.0.0.1:4222', INFRASTRUCTURE_CATEGORY],
  ['failed', 'Test timeout of 60000ms exceeded.', TIMEOUT_CATEGORY],
  ['broken', 'timed out after 5000 ms waiting for /New Request ID/ in worker.log', TIMEOUT_CATEGORY],
  ['failed', 'expect(received).toBe(expected)\n\nExpected: 2\nReceived: 1', ASSERTION_CATEGORY],
  ['broken', 'TypeError: cannot read properties of undefined', undefined],
];

test.describe('Allure failure categories', { tag: ['@e2e', '@reporting'] }, () => {
  for (const [status, message, category] of CASES) {
    test(`${status}: ${message.split('\n')[0]} → ${category ?? 'no category'}`, () => {
      expect(categoryOf(status, message)).toBe(category);
      const rule = allureCategories.find((c) => c.name === category);
      if (rule?.messageRegex) expect(wholeMessageMatches(rule.messageRegex, message)).toBe(true);
    });
  }
});
