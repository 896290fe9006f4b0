import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunRecord } from '../../reporters/markdown/model.ts';
import { expect, readAllureResults, test } from '../framework/helpers/inline-test.ts';

/** Six tests over two files, so each of two shards gets some. */
const spec = (file: string) => `
import { test, expect } from '@playwright/test';
for (const n of [1, 2, 3]) {
  test('${file} test ' + n, { tag: ['@e2e', '@framework'] }, async ({}, testInfo) => {
    await testInfo.attach('scenario-metrics', { contentType: 'application/json', body: JSON.stringify({
      scenario: '${file}', totalDurationMs: 100, requests: 1, latencyMs: { min: n, avg: n, max: n, p95: n },
      tokens: 10, engineDistribution: { e0: 1 } }) });
    expect(n).toBeLessThan(3);
  });
}
`;

test('two blob shards merge into one summary and one Allure report', { tag: ['@e2e', '@reporting'] }, async ({ inline }, testInfo) => {
  testInfo.setTimeout(240_000);
  const dir = inline.write({ 'a.spec.ts': spec('a'), 'b.spec.ts': spec('b') }, {
    config: { fullyParallel: true },
    reporter: `[['blob', { outputDir: process.env.BLOB_DIR }], ...servewrightReporters({ markdown: { stepSummary: false } })]`,
  });
  // The blob reporter empties its folder, so each shard writes its own, as on separate CI machines.
  const shard1 = await inline.playwright(dir, ['test', '--shard=1/2'], { BLOB_DIR: 'shard-1' });
  const firstShardRun = JSON.parse(readFileSync(join(dir, 'reports/run.json'), 'utf8')) as RunRecord;
  const shard2 = await inline.playwright(dir, ['test', '--shard=2/2'], { BLOB_DIR: 'shard-2' });
  expect(shard1.exitCode, shard1.output).toBe(1);
  expect(shard2.exitCode, shard2.output).toBe(1);
  expect(firstShardRun.shard).toEqual({ current: 1, total: 2 });
  expect(firstShardRun.tests.length).toBeLessThan(6);
  mkdirSync(join(dir, 'blob-report'));
  for (const shard of ['shard-1', 'shard-2']) {
    for (const zip of readdirSync(join(dir, shard))) cpSync(join(dir, shard, zip), join(dir, 'blob-report', zip));
  }

  const report = await inline.report(dir, ['--no-history']);
  expect(report.exitCode, report.output).toBe(0);
  expect(report.output).toContain('merged from 2 blob report(s)');
  const markdown = readFileSync(join(dir, 'reports/summary.md'), 'utf8');
  expect(markdown).toContain('| Passed | Failed | Flaky | Skipped | Total |\n| --- | --- | --- | --- | --- |\n| 4 | 2 | 0 | 0 | 6 |');
  expect(markdown).toContain('| a | – | 3 | 1.00 ms | 2.00 ms | 3.00 ms | 3.00 ms | 30 |');
  expect(markdown).toContain('| b | – | 3 | 1.00 ms | 2.00 ms | 3.00 ms | 3.00 ms | 30 |');

  const allure = readAllureResults(dir);
  expect(allure.map((r) => r.name).sort()).toEqual(['a test 1', 'a test 2', 'a test 3', 'b test 1', 'b test 2', 'b test 3']);
  expect(existsSync(join(dir, 'allure-report/index.html'))).toBe(true);
});
