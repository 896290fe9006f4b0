import { existsSync, writeFileSync } from 'node:fs';
import { test } from 'servewright';

// The chaos self-test crashes this worker, at whatever point it has reached, by creating this
// file. The runner loads this file too, to list the tests: only a worker has TEST_WORKER_INDEX.
const crashFile = process.env.CHAOS_CRASH_FILE;
if (crashFile && process.env.TEST_WORKER_INDEX !== undefined) {
  setInterval(() => {
    if (existsSync(crashFile)) process.exit(1);
  }, 10).unref();
}

test.use({ stackOptions: { workers: 1 } });

test('brings up services and a small stack, then waits to be killed', async ({ stack }) => {
  // Finite: a stop that reaches the worker between dispatch and the test's start does not
  // interrupt the test (Playwright 1.65 only interrupts the current test), so it runs to its timeout.
  test.setTimeout(60_000);
  writeFileSync(process.env.CHAOS_READY_FILE!, String(stack.workers.length));
  await new Promise(() => undefined);
});
