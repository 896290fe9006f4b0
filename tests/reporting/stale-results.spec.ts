import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { readAllureResults, runInline, runPlaywright } from './inline-run.ts';

const spec = (title: string) => `
import { test } from '@playwright/test';
test(${JSON.stringify(title)}, { tag: ['@e2e', '@framework'] }, async () => {});
`;

test('a new run replaces the last run’s reports; --list leaves them alone', { tag: ['@e2e', '@reporting'] }, async ({}, testInfo) => {
  testInfo.setTimeout(240_000);
  const dir = testInfo.outputPath('stale');
  await runInline(dir, { 'first.spec.ts': spec('first') });
  const second = await runInline(dir, { 'first.spec.ts': spec('second') });
  expect(second.allure.map((r) => r.name)).toEqual(['second']);
  expect(second.run.tests.map((t) => t.title)).toEqual(['second']);

  const listed = await runPlaywright(dir, ['test', '--list']);
  expect(listed.output).toContain('second');
  expect(readFileSync(join(dir, 'reports/summary.md'), 'utf8')).toBe(second.markdown);
  expect(readAllureResults(dir).map((r) => r.name)).toEqual(['second']);
});
