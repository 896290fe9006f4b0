// A throwaway runner that framework self-tests start as a child process (see registry-reaping.spec.ts).
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: '.',
  testMatch: '*.child.ts',
  outputDir: process.env.CHILD_OUTPUT_DIR,
  globalSetup: '../../../fixtures/global/setup.ts',
  globalTeardown: '../../../fixtures/global/teardown.ts',
  workers: 1,
  retries: 0,
  reporter: [['list']],
});
