// Time to ready: a local NATS+etcd pair (both started in parallel, as the services fixture
// does) and a minimal ManagedProcess (spawn → log readiness). Each sample includes the
// teardown-free path only; teardown happens between samples, untimed.
//
//   npm run bench:services -- [--runs 30]

import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { ManagedProcess } from '../../fixtures/process/managed-process.ts';
import { PortAllocator } from '../../fixtures/ports/port-allocator.ts';
import { localProvider } from '../../fixtures/services/local-provider.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '30' } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs: expected a positive integer, got ${values.runs}`);

async function sample(label: string, once: () => Promise<() => Promise<void>>): Promise<void> {
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const began = performance.now();
    const teardown = await once();
    ms.push(performance.now() - began);
    await teardown();
  }
  ms.sort((a, b) => a - b);
  const at = (q: number): string => ms[Math.min(ms.length - 1, Math.ceil(q * ms.length) - 1)]!.toFixed(1);
  console.log(`| ${label} | ${runs} | ${at(0.5)} | ${at(0.95)} | ${ms[0]!.toFixed(1)} | ${ms.at(-1)!.toFixed(1)} |`);
}

const logDir = mkdtempSync(join(tmpdir(), 'servewright-bench-'));
const ports = new PortAllocator();
try {
  console.log(`${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.log('| ready | runs | median ms | p95 ms | min ms | max ms |');
  console.log('|---|---|---|---|---|---|');
  await sample('NATS + etcd (local provider)', async () => {
    const services = await localProvider.start({ logDir, ports });
    return async () => {
      await services.dispose();
      await ports.releaseAll();
    };
  });
  await sample('ManagedProcess (sh, log readiness)', async () => {
    const proc = await ManagedProcess.start({ name: 'bench', command: 'sh', args: ['-c', 'echo ready; exec sleep 60'], ready: { log: /ready/ } }, logDir);
    return () => proc.stop();
  });
} finally {
  rmSync(logDir, { recursive: true, force: true });
}
