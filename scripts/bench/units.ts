// Bring-up of the reference stack (local NATS+etcd, a frontend and two workers, until the
// frontend serves both) and of a mock Genie server (until GET /health answers), with their
// units as processes and as containers, and their teardown.
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
import { launchConfigFromEnv, launchGenieServer } from '../../fixtures/genie/launch.ts';
import { ManagedProcess } from '../../fixtures/process/managed-process.ts';
import { PortAllocator } from '../../fixtures/ports/port-allocator.ts';
import { containerUnits } from '../../fixtures/stack/units/container-units.ts';
import { genieUnitImage } from '../../fixtures/stack/units/unit-image.ts';
import type { StackUnit } from '../../fixtures/stack/units/unit.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs: expected a positive integer, got ${values.runs}`);
process.env.SERVICES = 'local';

function quantile(ms: number[], q: number): string {
  const sorted = [...ms].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!.toFixed(0);
}

type Units = 'process' | 'container';

/** Up to ready, then down; `runs` times. */
async function measure(what: string, units: Units, launch: (i: number) => Promise<() => Promise<void>>): Promise<void> {
  const up: number[] = [];
  const down: number[] = [];
  for (let i = 0; i < runs; i++) {
    const began = performance.now();
    const close = await launch(i);
    const ready = performance.now();
    await close();
    up.push(ready - began);
    down.push(performance.now() - ready);
  }
  console.log(`| ${what} | ${units} | ${runs} | ${quantile(up, 0.5)} | ${Math.max(...up).toFixed(0)} | ${quantile(down, 0.5)} |`);
}

function stack(units: Units, logDir: string): Promise<void> {
  return measure('stack: frontend + 2 workers', units, async (i) => {
    const launched = await launchStandaloneStack({ workers: 2, logDir: join(logDir, `${units}-${i}`), units });
    return () => launched.close();
  });
}

function genie(units: Units, logDir: string): Promise<void> {
  const ports = new PortAllocator();
  return measure('mock Genie server', units, async (i) => {
    const dir = join(logDir, `genie-${units}-${i}`);
    const containers = containerUnits(dir);
    const startProcess = (spec: Parameters<typeof ManagedProcess.start>[0]): Promise<StackUnit> =>
      units === 'container' ? containers.start(spec, genieUnitImage('mock', undefined)) : ManagedProcess.start(spec, dir);
    const server = await launchGenieServer({ allocatePort: () => ports.allocate(), startProcess }, launchConfigFromEnv({}), 'genie');
    return async () => {
      await server.proc?.stop();
      await containers.stopAll();
      await ports.releaseAll();
    };
  });
}

const logDir = mkdtempSync(join(tmpdir(), 'servewright-bench-units-'));
try {
  console.log(`${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.log('| what | units | runs | up median ms | up max ms | teardown median ms |');
  console.log('|---|---|---|---|---|---|');
  const runtime = await probeContainerRuntime();
  for (const bench of [stack, genie]) {
    await bench('process', logDir);
    if (runtime.reachable) await bench('container', logDir);
    else console.log(`| ${bench.name} | container | skipped: no container runtime (${runtime.reason}) | | | |`);
  }
} finally {
  rmSync(logDir, { recursive: true, force: true });
}
