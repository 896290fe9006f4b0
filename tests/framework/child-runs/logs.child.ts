import { test } from 'servewright';

test('fails after starting a chatty process and one that cannot start', async ({ procs }) => {
  await procs.start({ name: 'chatty', command: 'bash', args: ['-c', 'for i in $(seq 1 100); do echo "chatty line $i"; done; echo done; exec sleep 300'], ready: { log: /done/ } });
  await procs.start({ name: 'broken', command: 'bash', args: ['-c', 'echo "cannot bind"; exit 1'], ready: { port: 1 } });
});
