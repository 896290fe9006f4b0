import { defineConfig } from '@playwright/test';
import { servewrightReporters } from './reporters/config.ts';
import { standInEnv } from './tests/framework/stand-ins/env.ts';
import type { StackTestFixtures, StackWorkerFixtures } from './fixtures/stack/fixture.ts';

const sharded = process.argv.some((arg) => arg.startsWith('--shard'));
// A second suite run in the same checkout (the container suite in .ci/run) keeps its own
// reports instead of overwriting the main run's.
const reportsDir = process.env.SERVEWRIGHT_REPORTS_DIR ?? 'reports';

export default defineConfig<StackTestFixtures, StackWorkerFixtures>({
  testDir: 'tests',
  outputDir: 'test-results',
  globalSetup: './fixtures/global/setup.ts',
  globalTeardown: './fixtures/global/teardown.ts',
  retries: 0,
  workers: 2,
  // Generous: the suite shares small machines; specs themselves should take seconds.
  timeout: 60_000,
  expect: { timeout: 10_000 },
  forbidOnly: Boolean(process.env.CI),
  reporter: [
    ['list'],
    ...(sharded ? ([['blob']] as const) : []),
    // A shard's summary is partial: CI appends the merged one (merge-reports) instead.
    ...servewrightReporters({
      markdown: { stepSummary: !sharded, outputFile: `${reportsDir}/summary.md`, jsonFile: `${reportsDir}/run.json` },
      allure: { resultsDir: reportsDir === 'reports' ? 'allure-results' : `${reportsDir}/allure-results` },
    }),
  ],
  projects: [
    { name: 'default', testDir: 'tests' },
    // The same fault-tolerance specs on the dynamo profile, with stand-in executables in
    // place of python3 -m dynamo.* (tests/framework/stand-ins): proves the profile's paths.
    { name: 'dynamo-stand-in', testDir: 'tests/fault-tolerance', use: { stackProfile: 'dynamo', stackEnv: standInEnv() } },
  ],
});
