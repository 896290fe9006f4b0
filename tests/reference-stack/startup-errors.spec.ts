// A stack process that cannot start for a reason the operator can fix (its port is taken,
// NATS does not answer) says so in one line that names what it tried, and exits 1; no
// stack trace.

import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { test, expect } from 'servewright';
import { stackBundlePath } from '../../fixtures/state-dir.ts';

const tags = { tag: ['@e2e', '@reference-stack'] };

interface Run {
  status: number | null;
  stderr: string;
}

/** Runs a stack bundle to its exit (async, so this worker's event loop keeps serving the port holder). */
function run(bundle: 'worker' | 'frontend' | 'genie', args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [stackBundlePath(bundle), ...args], { env: { ...process.env, NATS_SERVER: '', ETCD_ENDPOINTS: '', ...env } });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.resume();
    child.once('error', reject);
    child.once('exit', (status) => resolve({ status, stderr }));
  });
}

async function holdPort(port: number): Promise<Server> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}

const inUse = (program: string, port: number) => `${program}: cannot listen on 127.0.0.1:${port}: the address is already in use (EADDRINUSE)\n`;

test('worker, frontend and genie: a port in use is one line and exit 1', tags, async ({ ports, services }) => {
  const port = await ports.allocate();
  const holder = await holdPort(port);
  try {
    expect(await run('worker', ['--port', String(port)])).toEqual({ status: 1, stderr: inUse('worker', port) });
    expect(await run('genie', ['--port', String(port)])).toEqual({ status: 1, stderr: inUse('genie', port) });
    const cluster = ['--nats', services.nats.url, '--etcd', services.etcd.endpoints.join(',')];
    expect(await run('frontend', ['--http-port', String(port), ...cluster])).toEqual({ status: 1, stderr: inUse('frontend', port) });
  } finally {
    holder.close();
  }
});

test('worker and frontend: NATS that does not answer is one line naming its URL, exit 1', tags, async ({ ports, services }) => {
  // A reserved port nobody listens on: connection refused at once.
  const deadNats = `nats://127.0.0.1:${await ports.allocate()}`;
  const etcd = services.etcd.endpoints.join(',');
  const worker = await run('worker', ['--port', '0', '--nats', deadNats, '--etcd', etcd]);
  expect(worker.status).toBe(1);
  expect(worker.stderr).toMatch(new RegExp(`^worker: cannot reach NATS at ${deadNats}: \\S.*\\n$`));
  const frontend = await run('frontend', ['--nats', deadNats, '--etcd', etcd]);
  expect(frontend.status).toBe(1);
  expect(frontend.stderr).toMatch(new RegExp(`^frontend: cannot reach NATS at ${deadNats}: \\S.*\\n$`));
});
