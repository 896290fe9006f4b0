import { defineConfig } from '@playwright/test';
import { servewrightReporters } from 'servewright/reporters';
import { standInEnv } from './tests/framework/stand-ins/env.ts';
import type { StackTestFixtures, StackWorkerFixtures } from './fixtures/stack/fixture.ts';

// One test of each scenario family, for the older impersonated Dynamo.
const STAND_IN_SMOKE = /completion streaming request completes after SIGKILL|(?<!non-)streaming: the client gets an error|client disconnect cancels on the worker: completion, chat, chat streaming in sequence/;

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
    // The same fault-tolerance specs on the real-engine profiles, with stand-in executables
    // in place of python3 -m dynamo.* and vllm serve, generated from the contract corpus
    // (tests/framework/stand-ins, contracts/): the newest Dynamo runs the whole folder, the
    // older Dynamo and vLLM V1 a smoke of each scenario family (push-tier time, issue #19).
    { name: 'dynamo-stand-in', testDir: 'tests/fault-tolerance', use: { stackProfile: 'dynamo', stackEnv: standInEnv(['dynamo/newest', 'vllm/v1']) } },
    {
      name: 'dynamo-0.8-stand-in',
      testDir: 'tests/fault-tolerance',
      grep: STAND_IN_SMOKE,
      use: { stackProfile: 'dynamo', stackEnv: standInEnv(['dynamo/0.8', 'vllm/v1']) },
    },
    { name: 'vllm-stand-in', testDir: 'tests/fault-tolerance', use: { stackProfile: 'vllm', stackEnv: standInEnv(['vllm/v1']) } },
    // Engines servewright does not ship, each a profile, a stand-in and its spec (examples/<engine>/).
    { name: 'examples', testDir: 'examples' },
  ],
});
