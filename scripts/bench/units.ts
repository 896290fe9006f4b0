// Bring-up of the reference stack (local NATS+etcd, a frontend and two workers, until the
// frontend serves both) with its units as processes and as containers, and its teardown.
// Containers need an engine: run under scripts/containers (DOCKER_HOST set, servewright/node:local
// built by build-stack-image.sh); without one the container rows are skipped with the reason.
//
//   npm run bench:units -- [--runs 5]

import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { launchStandaloneStack } from '../../fixtures/stack/launch.ts';
import { probeContainerRuntime } from '../../fixtures/services/container-runtime.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs: expected a positive integer, got ${values.runs}`);
process.env.SERVICES = 'local';

function quantile(ms: number[], q: number): string {
  const sorted = [...ms].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!.toFixed(0);
}

async function bench(units: 'process' | 'container', logDir: string): Promise<void> {
  const up: number[] = [];
  const down: number[] = [];
  for (let i = 0; i < runs; i++) {
    const began = performance.now();
    const launched = await launchStandaloneStack({ workers: 2, logDir: join(logDir, `${units}-${i}`), units });
    const ready = performance.now();
    await launched.close();
    up.push(ready - began);
    down.push(performance.now() - ready);
  }
  console.log(`| ${units} | ${runs} | ${quantile(up, 0.5)} | ${Math.max(...up).toFixed(0)} | ${quantile(down, 0.5)} |`);
}

const logDir = mkdtempSync(join(tmpdir(), 'servewright-bench-units-'));
try {
  console.log(`${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.log('| units | runs | up median ms | up max ms | teardown median ms |');
  console.log('|---|---|---|---|---|');
  await bench('process', logDir);
  const runtime = await probeContainerRuntime();
  if (runtime.reachable) await bench('container', logDir);
  else console.log(`| container | skipped: no container runtime (${runtime.reason}) | | | |`);
} finally {
  rmSync(logDir, { recursive: true, force: true });
}
