// A team's own config, as tests/framework/package.spec.ts installs it next to the packed
// servewright: its global setup and teardown, its reporters, and a JSON report the spec reads.
import { defineConfig } from '@playwright/test';
import { servewrightReporters } from 'servewright/reporters';

export default defineConfig({
  testDir: 'tests',
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
