// What the reaper costs: its start (once per run, in global setup) and one registration
// (a process added and released: a /proc read, a registry line, a socket line), with and
// without the reaper connected.
//
//   npx tsx scripts/bench/registration.ts [--runs 2000]

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { markProcessGone, registerProcess } from '../../fixtures/process/pid-registry.ts';
import { startReaper } from '../../fixtures/process/reaper-launch.ts';
import { REAPER_SOCKET_ENV } from '../../fixtures/process/reaper-protocol.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '2000' } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs: expected a positive integer, got ${values.runs}`);

function perRegistration(pid: number): string {
  const began = performance.now();
  for (let i = 0; i < runs; i++) {
    registerProcess(pid, 'bench', { log: '/dev/null', test: 'bench' });
    markProcessGone(pid);
  }
  return `${(((performance.now() - began) * 1000) / runs).toFixed(1)} µs`;
}

const state = mkdtempSync(join(tmpdir(), 'servewright-bench-reaper-'));
process.env.SERVEWRIGHT_PID_REGISTRY = join(state, 'pids');
process.env.SERVEWRIGHT_REAPER_DIR = join(state, 'reaper');
delete process.env[REAPER_SOCKET_ENV];
const sleeper = spawn('sleep', ['300'], { stdio: 'ignore' });
try {
  console.log(`${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.log('| what | runs | cost each |');
  console.log('|---|---|---|');
  console.log(`| registration, pid registry only | ${runs} | ${perRegistration(sleeper.pid!)} |`);
  const began = performance.now();
  await startReaper('bench');
  console.log(`| reaper start (spawn to listening, once per run) | 1 | ${(performance.now() - began).toFixed(0)} ms |`);
  console.log(`| registration, registry + reaper socket | ${runs} | ${perRegistration(sleeper.pid!)} |`);
} finally {
  sleeper.kill('SIGKILL');
  // The reaper exits when this process (its runner) does; its records go with the state dir.
  process.on('exit', () => rmSync(state, { recursive: true, force: true }));
}
