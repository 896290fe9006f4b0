import { defineConfig } from '@playwright/test';
import { servewrightReporters } from './reporters/config.ts';

const sharded = process.argv.some((arg) => arg.startsWith('--shard'));

export default defineConfig({
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
    ...servewrightReporters({ markdown: { stepSummary: !sharded } }),
  ],
  projects: [{ name: 'default', testDir: 'tests' }],
});
