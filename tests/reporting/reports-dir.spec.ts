// SERVEWRIGHT_REPORTS_DIR keeps a second suite's reports (the container suite in .ci/run)
// from overwriting the main run's summary and Allure results.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { test, expect } from '../../fixtures/index.ts';
import { REPO_ROOT } from '../../fixtures/state-dir.ts';

test('the project config writes its reports under SERVEWRIGHT_REPORTS_DIR', { tag: ['@e2e', '@reporting'] }, async ({}, testInfo) => {
  test.setTimeout(120_000);
  const reportsDir = testInfo.outputPath('reports');
  const mainSummary = join(REPO_ROOT, 'reports', 'summary.md');
  const mainBefore = existsSync(mainSummary) ? statSync(mainSummary).mtimeMs : undefined;
  const run = await execa(
    process.execPath,
    [join(REPO_ROOT, 'node_modules/@playwright/test/cli.js'), 'test', 'tests/framework/prometheus-parser.spec.ts', '--output', testInfo.outputPath('results')],
    { cwd: REPO_ROOT, env: { SERVEWRIGHT_REPORTS_DIR: reportsDir, CI: '' }, reject: false, all: true },
  );
  expect(run.exitCode, run.all).toBe(0);
  expect(readFileSync(join(reportsDir, 'summary.md'), 'utf8')).toMatch(/\| 4 \| 0 \| 0 \| 0 \| 4 \|/);
  expect(existsSync(join(reportsDir, 'run.json'))).toBe(true);
  expect(existsSync(join(reportsDir, 'allure-results'))).toBe(true);
  expect(existsSync(mainSummary) ? statSync(mainSummary).mtimeMs : undefined).toBe(mainBefore);
});
