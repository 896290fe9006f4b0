import { writeFileSync } from 'node:fs';
import { test } from '../../../fixtures/index.ts';

test('starts a process tree and waits to be killed', async ({ procs }) => {
  test.setTimeout(0);
  const proc = await procs.start({
    name: 'leaky',
    command: 'bash',
    args: ['-c', 'sleep 300 & echo "child pid $!"; echo ready; wait'],
    ready: { log: /ready/ },
  });
  const child = Number(proc.log.lastMatchSince(0, /child pid (\d+)/)![1]);
  writeFileSync(process.env.LEAK_PIDS_FILE!, JSON.stringify([proc.pid, child]));
  await new Promise(() => undefined);
});
