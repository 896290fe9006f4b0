import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'servewright';
import { registerTempDir } from '../../../fixtures/process/pid-registry.ts';

test('starts a process tree, makes a temp dir and waits to be killed', async ({ procs }) => {
  test.setTimeout(0);
  const proc = await procs.start({
    name: 'leaky',
    command: 'bash',
    args: ['-c', 'sleep 300 & echo "child pid $!"; echo ready; wait'],
    ready: { log: /ready/ },
  });
  const child = Number(proc.log.lastMatchSince(0, /child pid (\d+)/)![1]);
  const dir = mkdtempSync(join(tmpdir(), 'servewright-leak-'));
  registerTempDir(dir);
  writeFileSync(process.env.LEAK_PIDS_FILE!, JSON.stringify({ pids: [proc.pid, child], dir }));
  await new Promise(() => undefined);
});
