// What `servewright init` writes into a project. Every file imports the package by its public
// entries only (`servewright`, `servewright/scenarios`, `servewright/reporters`,
// `servewright/global-setup`), as a project that installed it from npm does.

/**
 * `.ts` in an ES-module project; `.mts` in a CommonJS one, since servewright is an ES module
 * and an `.mts` file is one whatever the package's "type" (Playwright picks up both).
 */
export const configFile = (ext: 'ts' | 'mts'): string => `playwright.config.${ext}`;
export const specFile = (ext: 'ts' | 'mts'): string => `e2e/migration.spec.${ext}`;
export const SCRIPT_NAME = 'test:e2e';
export const SCRIPT = 'playwright test';

/** Every name Playwright looks for a config under: another one already there is a conflict too. */
export const CONFIG_NAMES = ['ts', 'js', 'mts', 'mjs', 'cts', 'cjs'].map((ext) => `playwright.config.${ext}`);

export const CONFIG = `import { defineConfig } from '@playwright/test';
import { servewrightReporters } from 'servewright/reporters';

// servewright's global setup starts the run's process reaper and builds the reference stack
// when a spec uses it; its teardown leaves nothing running. The reporters write
// reports/summary.md and allure-results/.
export default defineConfig({
  testDir: './e2e',
  globalSetup: 'servewright/global-setup',
  globalTeardown: 'servewright/global-teardown',
  timeout: 60_000,
  retries: 0,
  reporter: [['list'], ...servewrightReporters()],
});
`;

export const SPEC = `import { test, lacks } from 'servewright';
import { survivesWorkerDeath } from 'servewright/scenarios';

// Two workers behind a frontend that may migrate a broken stream up to three times. The
// stack is the bundled reference stack unless STACK=<profile> or
// test.use({ stackProfile: defineProfile({ ... }) }) names your engine.
test.use({ stackOptions: { frontend: { routerMode: 'round-robin', migrationLimit: 3 }, workers: 2 } });

test('a streaming completion survives SIGKILL of its worker', { tag: ['@e2e', '@fault-tolerance'] }, async ({ stack, client, profile }) => {
  const missing = lacks(profile, 'migration');
  test.skip(missing !== undefined, missing);
  await survivesWorkerDeath(stack, client, { api: 'completion', streaming: true, signal: 'SIGKILL', longTokens: 2_000, timeoutMs: 30_000 });
});
`;
