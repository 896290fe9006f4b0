import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, readAllureResults, test } from '../framework/helpers/inline-test.ts';

const spec = (title: string) => `
import { test } from '@playwright/test';
test(${JSON.stringify(title)}, { tag: ['@e2e', '@framework'] }, async () => {});
`;

test('a new run replaces the last run’s reports; --list leaves them alone', { tag: ['@e2e', '@reporting'] }, async ({ inline }, testInfo) => {
  testInfo.setTimeout(240_000);
  await inline.run({ 'first.spec.ts': spec('first') });
  const second = await inline.run({ 'first.spec.ts': spec('second') });
  const dir = second.dir;
  expect(second.allure.map((r) => r.name)).toEqual(['second']);
  expect(second.run!.tests.map((t) => t.title)).toEqual(['second']);

  const listed = await inline.playwright(dir, ['test', '--list']);
  expect(listed.output).toContain('second');
  expect(readFileSync(join(dir, 'reports/summary.md'), 'utf8')).toBe(second.markdown);
  expect(readAllureResults(dir).map((r) => r.name)).toEqual(['second']);
});
