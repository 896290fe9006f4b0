// Genie tensor transfer and per-op latency, local (in-process TypeScript reference) vs remote
// (HTTP on loopback), sizes 1 KiB -> 64 MiB in steps of 4x, with where the remote time goes
// (encode / HTTP exchange / decode / server compute) and the break-even size.
//
//   npm run bench:genie -- [--max-mib 64] [--reps 3] [--ops identity,relu,sum] [--server mock|torch]
//
// --server torch runs stack/genie/torch_server.py (real torch, the simple_server v0.1 contract,
// torch.save on the wire) with the first Python that has torch; its ops are the eight unary ones.

import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { launchConfigFromEnv, launchGenieServer, type GenieLaunchConfig } from '../../fixtures/genie/launch.ts';
import { measureOverhead } from '../../fixtures/genie/measure.ts';
import type { OverheadAnalysis } from '../../fixtures/genie/overhead.ts';
import { findTorchPython } from '../../fixtures/genie/torch-python.ts';
import { PortAllocator } from '../../fixtures/ports/port-allocator.ts';
import { ManagedProcess } from '../../fixtures/process/managed-process.ts';
import { buildStack } from '../../fixtures/build-stack.ts';

const { values } = parseArgs({
  options: {
    'max-mib': { type: 'string', default: '64' },
    reps: { type: 'string', default: '3' },
    ops: { type: 'string' },
    server: { type: 'string', default: 'mock' },
  },
});
const maxBytes = Number(values['max-mib']) * 1024 * 1024;
const reps = Number(values.reps);
if (!(maxBytes >= 1024)) throw new Error(`--max-mib: expected a number >= 1/1024, got ${values['max-mib']}`);
if (!Number.isInteger(reps) || reps < 1) throw new Error(`--reps: expected a positive integer, got ${values.reps}`);
if (values.server !== 'mock' && values.server !== 'torch') throw new Error(`--server: expected mock or torch, got ${values.server}`);
const ops = (values.ops ?? (values.server === 'torch' ? 'relu' : 'identity,relu,sum')).split(',').filter(Boolean);

const sizes: number[] = [];
for (let b = 1024; b <= maxBytes; b *= 4) sizes.push(b);

const fmtBytes = (b: number): string => (b >= 1 << 20 ? `${+(b / (1 << 20)).toFixed(1)} MiB` : `${+(b / 1024).toFixed(1)} KiB`);

function printTable(a: OverheadAnalysis): void {
  console.log(`\n### ${a.operation} on ${a.device}\n`);
  console.log('| size | local ms | remote ms | encode ms | HTTP ms | decode ms | server ms | overhead ms | overhead % | HTTP MB/s |');
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const r of a.sizes) {
    const pct = r.overheadPct === null ? 'n/a' : r.overheadPct.toFixed(0);
    const server = r.serverMs === null ? 'n/a' : r.serverMs.toFixed(2);
    console.log(
      `| ${fmtBytes(r.bytes)} | ${r.localMs.toFixed(3)} | ${r.remoteMs.toFixed(2)} | ${r.encodeMs.toFixed(2)} | ${r.httpMs.toFixed(2)} | ` +
        `${r.decodeMs.toFixed(2)} | ${server} | ${r.overheadMs.toFixed(2)} | ${pct} | ${r.throughputMBps.toFixed(1)} |`,
    );
  }
  console.log(`\nbreak-even: ${a.breakEvenBytes === null ? `none up to ${fmtBytes(a.sizes.at(-1)!.bytes)} (remote never faster)` : fmtBytes(a.breakEvenBytes)}`);
  for (const r of a.recommendations) console.log(`- ${r}`);
}

async function serverConfig(): Promise<GenieLaunchConfig> {
  const base = { ...launchConfigFromEnv({}), maxTensorBytes: maxBytes + 4096 };
  if (values.server === 'mock') return base;
  const torch = await findTorchPython();
  if (torch.python === undefined) throw new Error(`--server torch: ${torch.reason}`);
  return { ...base, profile: 'real', command: `${torch.python} stack/genie/torch_server.py --host {host} --port {port}`, readyTimeoutMs: 120_000, wire: 'torch' };
}

await buildStack();
const logDir = mkdtempSync(join(tmpdir(), 'servewright-bench-genie-'));
const ports = new PortAllocator();
const started: ManagedProcess[] = [];
try {
  const server = await launchGenieServer(
    {
      allocatePort: () => ports.allocate(),
      startProcess: async (spec) => {
        const proc = await ManagedProcess.start(spec, logDir);
        started.push(proc);
        return proc;
      },
    },
    await serverConfig(),
    'genie-bench',
  );
  console.log(`${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}; ${reps} reps per size, medians`);
  console.log(`${values.server} Genie at ${server.url} (${server.client.wire.name} wire), startup ${server.startupMs?.toFixed(0)} ms`);
  for (const op of ops) {
    const { analysis, comparisons } = await measureOverhead(server.client, op, sizes, reps);
    const bad = comparisons.find((c) => !c.within);
    if (bad) throw new Error(`${op}: remote result differs from the local reference: ${bad.reason}`);
    printTable(analysis);
  }
} finally {
  await Promise.allSettled(started.map((p) => p.stop()));
  await ports.releaseAll();
  rmSync(logDir, { recursive: true, force: true });
}
