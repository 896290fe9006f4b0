// A team's own config, as tests/framework/package.spec.ts installs it next to the packed
// servewright (in place of the one `servewright init` wrote): its global setup and teardown,
// its reporters, and a JSON report the spec reads. testDir '.' runs init's e2e/ spec too.
import { defineConfig } from '@playwright/test';
import { servewrightReporters } from 'servewright/reporters';

export default defineConfig({
  testDir: '.',
  globalSetup: 'servewright/global-setup',
  globalTeardown: 'servewright/global-teardown',
  workers: 1,
  retries: 0,
  timeout: 90_000,
  reporter: [
    ['list'],
    ...servewrightReporters(),
    // The Markdown reporter alone, named as a module like any reporter.
    ['servewright/reporters', { outputFile: 'reports/markdown-only.md', jsonFile: null }],
    ['json', { outputFile: 'inline-report.json' }],
  ],
});
