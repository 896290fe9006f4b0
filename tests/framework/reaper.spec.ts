import { fileURLToPath } from 'node:url';
import { expect, test } from 'servewright';
import { tsxChild } from './helpers/tsx-child.ts';
import { isRunning } from './helpers/pids.ts';

const tag = ['@e2e', '@framework'];
const REAPER_MAIN = fileURLToPath(new URL('../../fixtures/process/reaper-main.ts', import.meta.url));

test.describe('reaper', () => {
  test('a reaper whose runner died before connecting exits instead of waiting for it', { tag }, async () => {
    // The "runner" spawns the reaper in its own session and dies at once, as a runner killed during global setup does.
    const runner = await tsxChild(
      [
        `import { spawn } from 'node:child_process';`,
        `const reaper = spawn(process.execPath, ['--import', 'tsx', ${JSON.stringify(REAPER_MAIN)}, '@servewright-reaper-test-' + process.pid, 'test-run', String(process.pid)], { detached: true, stdio: 'ignore', env: { ...process.env, SERVEWRIGHT_REAPER_DIR: ${JSON.stringify(test.info().outputPath('reaper'))} } });`,
        `console.log('reaper pid ' + reaper.pid);`,
        `reaper.unref();`,
      ].join('\n'),
      process.env,
    );
    const pid = Number(/reaper pid (\d+)/.exec(runner.all ?? '')?.[1]);
    expect(pid, runner.all).toBeGreaterThan(0);
    // It would otherwise wait its 60 s for a runner; the test's own timeout is the bound.
    await expect.poll(() => isRunning(pid), { timeout: 30_000 }).toBe(false);
  });
});
