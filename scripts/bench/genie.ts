// Mock Genie server: tensor transfer throughput and per-op latency, local (in-process
// TypeScript reference) vs remote (HTTP to the mock on loopback), sizes 1 KiB -> 64 MiB
// in steps of 4x, with the break-even size where remote stops being slower.
//
//   npm run bench:genie -- [--max-mib 64] [--reps 3] [--ops identity,relu,sum]

import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { launchGenieServer } from '../../fixtures/genie/launch.ts';
import { measureOverhead } from '../../fixtures/genie/measure.ts';
import type { OverheadAnalysis } from '../../fixtures/genie/overhead.ts';
import { PortAllocator } from '../../fixtures/ports/port-allocator.ts';
import { ManagedProcess } from '../../fixtures/process/managed-process.ts';
import { buildStack } from '../../fixtures/build-stack.ts';

const { values } = parseArgs({
  options: {
    'max-mib': { type: 'string', default: '64' },
    reps: { type: 'string', default: '3' },
    ops: { type: 'string', default: 'identity,relu,sum' },
  },
});
const maxBytes = Number(values['max-mib']) * 1024 * 1024;
const reps = Number(values.reps);
if (!(maxBytes >= 1024)) throw new Error(`--max-mib: expected a number >= 1/1024, got ${values['max-mib']}`);
if (!Number.isInteger(reps) || reps < 1) throw new Error(`--reps: expected a positive integer, got ${values.reps}`);
const ops = values.ops.split(',').filter(Boolean);

const sizes: number[] = [];
for (let b = 1024; b <= maxBytes; b *= 4) sizes.push(b);

const fmtBytes = (b: number): string => (b >= 1 << 20 ? `${+(b / (1 << 20)).toFixed(1)} MiB` : `${+(b / 1024).toFixed(1)} KiB`);
const mbPerS = (bytes: number, ms: number): string => (bytes / 1e6 / (ms / 1e3)).toFixed(1);

function printTable(a: OverheadAnalysis): void {
  console.log(`\n### ${a.operation}\n`);
  console.log('| size | local ms | remote ms | overhead ms | overhead % | round-trip MB/s |');
  console.log('|---|---|---|---|---|---|');
  for (const r of a.sizes) {
    // identity and relu return a tensor as large as the input; reductions return a scalar.
    const moved = a.operation === 'sum' ? r.bytes : 2 * r.bytes;
    const pct = r.overheadPct === null ? 'n/a' : r.overheadPct.toFixed(0);
    console.log(`| ${fmtBytes(r.bytes)} | ${r.localMs.toFixed(3)} | ${r.remoteMs.toFixed(2)} | ${r.overheadMs.toFixed(2)} | ${pct} | ${mbPerS(moved, r.remoteMs)} |`);
  }
  console.log(`\nbreak-even: ${a.breakEvenBytes === null ? `none up to ${fmtBytes(a.sizes.at(-1)!.bytes)} (remote never faster)` : fmtBytes(a.breakEvenBytes)}`);
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
    { profile: 'mock', command: undefined, maxTensorBytes: maxBytes + 4096, readyTimeoutMs: 30_000, wire: 'npy' },
    'genie-bench',
  );
  console.log(`${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}; ${reps} reps per size, medians`);
  console.log(`mock Genie at ${server.url}, startup ${server.startupMs.toFixed(0)} ms`);
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
