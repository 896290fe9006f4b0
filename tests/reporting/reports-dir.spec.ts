// SERVEWRIGHT_REPORTS_DIR keeps a second suite's reports (the container suite in .ci/run)
// from overwriting the main run's summary and Allure results.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect } from '../framework/helpers/inline-test.ts';
import { REPO_ROOT } from '../../fixtures/state-dir.ts';

test('the project config writes its reports under SERVEWRIGHT_REPORTS_DIR', { tag: ['@e2e', '@reporting'] }, async ({ inline }, testInfo) => {
  test.setTimeout(120_000);
  const reportsDir = testInfo.outputPath('reports');
  const mainSummary = join(REPO_ROOT, 'reports', 'summary.md');
  const mainBefore = existsSync(mainSummary) ? statSync(mainSummary).mtimeMs : undefined;
  // The repository's own config, not an inline one: that config is what must honour the variable.
  const run = await inline.playwright(REPO_ROOT, ['test', 'tests/framework/prometheus-parser.spec.ts', '--output', testInfo.outputPath('results')], { SERVEWRIGHT_REPORTS_DIR: reportsDir });
  expect(run.exitCode, run.output).toBe(0);
  expect(readFileSync(join(reportsDir, 'summary.md'), 'utf8')).toMatch(/\| 4 \| 0 \| 0 \| 0 \| 4 \|/);
  expect(existsSync(join(reportsDir, 'run.json'))).toBe(true);
  expect(existsSync(join(reportsDir, 'allure-results'))).toBe(true);
  expect(existsSync(mainSummary) ? statSync(mainSummary).mtimeMs : undefined).toBe(mainBefore);
});
