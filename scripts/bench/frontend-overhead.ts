// Added latency of the frontend: the same open-loop load (fixed rate, bounded duration)
// sent once straight to a mock worker's OpenAI API and once through the frontend, with
// the worker at --speedup 0 so the difference is routing, NATS and the extra HTTP hop.
// Latency is measured from each request's scheduled send time (no coordinated omission).
// Each target keeps one connection pool through its warm-up and measured run, so the
// measured run is not a storm of new TCP connections. Alongside latency it reports CPU ms
// per request of every process on the path (a steadier figure than latency on a shared
// machine), and with --repeat N the median of N runs, with the load average around them.
//
//   npx tsx scripts/bench/frontend-overhead.ts [--rate 1000] [--duration-s 5] [--max-tokens 4] [--repeat 1]

import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import { newNamespace } from '../../fixtures/services/namespace.ts';
import { localProvider } from '../../fixtures/services/local-provider.ts';
import { PortAllocator } from '../../fixtures/ports/port-allocator.ts';
import { ManagedProcess } from '../../fixtures/process/managed-process.ts';
import { BUILD_DIR } from '../../fixtures/state-dir.ts';
import { buildStack } from '../../fixtures/build-stack.ts';
import { childPid, processCpuMs } from './process-cpu.ts';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '1000' },
    'duration-s': { type: 'string', default: '5' },
    'warmup-s': { type: 'string', default: '1' },
    'max-tokens': { type: 'string', default: '4' },
    repeat: { type: 'string', default: '1' },
  },
});
const rate = Number(values.rate);
const durationS = Number(values['duration-s']);
const warmupS = Number(values['warmup-s']);
const maxTokens = Number(values['max-tokens']);
const repeat = Number(values.repeat);
if (!Number.isInteger(repeat) || repeat < 1) throw new Error('--repeat: expected a positive integer');
for (const [flag, v] of Object.entries({ '--rate': rate, '--duration-s': durationS, '--warmup-s': warmupS, '--max-tokens': maxTokens })) {
  if (!Number.isFinite(v) || v < 0 || (flag !== '--warmup-s' && v === 0)) throw new Error(`${flag}: expected a positive number`);
}
/** Enough connections that an open loop never waits for one; pipelining would hide queueing. */
const POOL_OPTIONS = { connections: 512, pipelining: 1 };
/** A request still unanswered this long after the load ends counts as a failure. */
const DRAIN_TIMEOUT_MS = 10_000;

interface Phase {
  latenciesMs: number[];
  errors: number;
  achievedRate: number;
}

async function openLoop(pool: Pool, seconds: number): Promise<Phase> {
  const body = JSON.stringify({ model: 'mock-model', prompt: 'measure the frontend overhead please', max_tokens: maxTokens, seed: 1 });
  const total = Math.round(rate * seconds);
  const latenciesMs: number[] = [];
  let errors = 0;
  const inflight: Promise<void>[] = [];
  const start = performance.now();
  let sent = 0;
  while (sent < total) {
    const now = performance.now();
    while (sent < total && start + (sent * 1000) / rate <= now) {
      const scheduled = start + (sent * 1000) / rate;
      sent++;
      inflight.push(
        pool
          .request({ path: '/v1/completions', method: 'POST', headers: { 'content-type': 'application/json' }, body })
          .then(async (res) => {
            await res.body.text();
            if (res.statusCode === 200) latenciesMs.push(performance.now() - scheduled);
            else errors++;
          })
          .catch(() => void errors++),
      );
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  const sendSeconds = (performance.now() - start) / 1000;
  await Promise.race([Promise.all(inflight), new Promise((r) => setTimeout(r, DRAIN_TIMEOUT_MS))]);
  return { latenciesMs, errors: errors + (total - latenciesMs.length - errors), achievedRate: total / sendSeconds };
}

const quantile = (sorted: number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;

type Summary = ReturnType<typeof summary>;

function summary(p: Phase, cpuMsPerRequest: Record<string, number>) {
  const s = [...p.latenciesMs].sort((a, b) => a - b);
  return { p50: quantile(s, 0.5), p90: quantile(s, 0.9), p99: quantile(s, 0.99), max: s.at(-1) ?? NaN, ok: s.length, errors: p.errors, achievedRate: p.achievedRate, cpuMsPerRequest };
}

const median = (values: number[]): number => quantile([...values].sort((a, b) => a - b), 0.5);

/** Field-wise median of several runs' summaries (each figure on its own, so not one run's row). */
function medianSummary(runs: Summary[]): Summary {
  const pick = (f: (r: Summary) => number): number => median(runs.map(f));
  return {
    p50: pick((r) => r.p50),
    p90: pick((r) => r.p90),
    p99: pick((r) => r.p99),
    max: pick((r) => r.max),
    ok: pick((r) => r.ok),
    errors: pick((r) => r.errors),
    achievedRate: pick((r) => r.achievedRate),
    cpuMsPerRequest: Object.fromEntries(Object.keys(runs[0]!.cpuMsPerRequest).map((n) => [n, pick((r) => r.cpuMsPerRequest[n] ?? NaN)])),
  };
}

/** CPU ms so far of each process on the path; `loadgen` is this process. */
function cpuMs(pids: Record<string, number>): Record<string, number> {
  const self = process.cpuUsage();
  return { ...Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, processCpuMs(pid)])), loadgen: (self.user + self.system) / 1000 };
}

async function measure(pool: Pool, pids: Record<string, number>): Promise<Summary> {
  const before = cpuMs(pids);
  const phase = await openLoop(pool, durationS);
  const after = cpuMs(pids);
  const requests = rate * durationS;
  return summary(phase, Object.fromEntries(Object.entries(after).map(([name, ms]) => [name, (ms - before[name]!) / requests])));
}

const loadLine = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');

async function main(): Promise<void> {
  const logDir = mkdtempSync(join(tmpdir(), 'servewright-bench-frontend-'));
  const ports = new PortAllocator();
  const services = await localProvider.start({ logDir, ports });
  const ns = newNamespace();
  const cluster = ['--nats', services.nats.url, '--etcd', services.etcd.endpoints.join(','), '--namespace', ns];
  const started: ManagedProcess[] = [];
  // The bundles, as the stack fixture runs them: no transpiler on the measured path.
  await buildStack();
  const launch = async (name: string, args: string[]): Promise<string> => {
    const proc = await ManagedProcess.start(
      { name, command: process.execPath, args: [join(BUILD_DIR, `${name}.mjs`), ...args], ready: { log: /listening on http/, timeoutMs: 60_000 } },
      logDir,
    );
    started.push(proc);
    return (await proc.log.waitFor(/listening on (http:\/\/\S+)/))[1]!;
  };
  try {
    const workerUrl = await launch('worker', ['--speedup', '0', '--max-num-seqs', '1024', '--max-waiting', '4096', ...cluster]);
    const frontendUrl = await launch('frontend', ['--max-queue', '100000', ...cluster]);
    for (;;) {
      const models = (await (await fetch(`${frontendUrl}/v1/models`)).json()) as { data: unknown[] };
      if (models.data.length > 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const pids = { 'nats-server': childPid('nats-server'), worker: started[0]!.pid, frontend: started[1]!.pid };
    const pools = { direct: new Pool(workerUrl, POOL_OPTIONS), frontend: new Pool(frontendUrl, POOL_OPTIONS) };
    const runs: Record<keyof typeof pools, Summary[]> = { direct: [], frontend: [] };
    const loadBefore = loadLine();
    try {
      for (let i = 0; i < repeat; i++) {
        for (const name of ['direct', 'frontend'] as const) {
          if (warmupS > 0) await openLoop(pools[name], warmupS);
          runs[name].push(await measure(pools[name], pids));
        }
      }
    } finally {
      await Promise.all(Object.values(pools).map((p) => p.close()));
    }
    const direct = medianSummary(runs.direct);
    const viaFrontend = medianSummary(runs.frontend);
    const fmt = (n: number) => n.toFixed(2).padStart(8);
    console.log(`rate ${rate}/s for ${durationS}s, max_tokens ${maxTokens}, worker --speedup 0 (latency ms from scheduled send)`);
    console.log(`${repeat === 1 ? 'one run' : `median of ${repeat} runs`}; load average before ${loadBefore}, after ${loadLine()} (${availableParallelism()} CPUs)`);
    console.log('            p50      p90      p99      max    ok  errors  achieved/s');
    for (const [name, r] of [['direct', direct], ['frontend', viaFrontend]] as const) {
      console.log(`${name.padEnd(8)}${fmt(r.p50)} ${fmt(r.p90)} ${fmt(r.p99)} ${fmt(r.max)} ${String(r.ok).padStart(5)} ${String(r.errors).padStart(7)} ${r.achievedRate.toFixed(0).padStart(11)}`);
    }
    console.log(`added   ${fmt(viaFrontend.p50 - direct.p50)} ${fmt(viaFrontend.p90 - direct.p90)} ${fmt(viaFrontend.p99 - direct.p99)}`);
    for (const [name, r] of [['direct', direct], ['frontend', viaFrontend]] as const) {
      console.log(`cpu ms/request via ${name.padEnd(8)} ${Object.entries(r.cpuMsPerRequest).map(([p, ms]) => `${p} ${ms.toFixed(3)}`).join('  ')}`);
    }
    console.log(JSON.stringify({ rate, durationS, maxTokens, repeat, loadBefore, direct, frontend: viaFrontend, addedP50Ms: viaFrontend.p50 - direct.p50, addedP99Ms: viaFrontend.p99 - direct.p99 }));
  } finally {
    for (const proc of started.reverse()) await proc.stop();
    await services.dispose();
    rmSync(logDir, { recursive: true, force: true });
  }
}

await main();
