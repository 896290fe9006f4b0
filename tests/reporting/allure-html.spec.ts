import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from '@playwright/test';
import { expect, test } from '../framework/helpers/inline-test.ts';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const SPEC = `
import { test, expect } from '@playwright/test';
test('one', { tag: ['@e2e', '@framework'] }, async () => {});
test('two', { tag: ['@e2e', '@framework'] }, async () => {});
test('three', { tag: ['@e2e', '@framework'] }, async () => { expect(1, 'one is two').toBe(2); });
test('four', { tag: ['@gpu_1', '@framework'] }, async () => { test.skip(true, 'no GPU'); });
`;

test('npm run report builds an Allure HTML that shows the run totals in Chromium', { tag: ['@e2e', '@reporting'] }, async ({ inline }, testInfo) => {
  test.skip(!existsSync(CHROMIUM), `${CHROMIUM} is missing: run scripts/setup.d/chromium.sh (apt-get install -y chromium)`);
  testInfo.setTimeout(240_000);
  const run = await inline.run({ 'basic.spec.ts': SPEC });
  const dir = run.dir;
  expect(run.exitCode, run.output).toBe(1);

  for (const n of [1, 2]) {
    const report = await inline.report(dir);
    expect(report.exitCode, report.output).toBe(0);
    expect(report.output).toContain(`history: ${n} run(s)`);
  }
  expect(readFileSync(join(dir, 'reports/history.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);

  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    await page.goto(pathToFileURL(join(dir, 'allure-report/index.html')).href);
    const metric = (name: string) => page.getByTestId(`metadata-item-${name}`).getByTestId('metadata-value');
    await expect(metric('total')).toHaveText('4', { timeout: 30_000 });
    await expect(metric('passed')).toHaveText('2');
    await expect(metric('failed')).toHaveText('1');
    await expect(metric('skipped')).toHaveText('1');
    await expect(page.getByTestId('metadata-item').filter({ hasText: 'stack_profile' })).toContainText('reference');
  } finally {
    await browser.close();
  }
});
