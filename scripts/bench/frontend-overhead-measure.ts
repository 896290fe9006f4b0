// The measuring part of the frontend-overhead benchmark, shared by the bench script
// (scripts/bench/frontend-overhead.ts) and the @slow budget spec
// (tests/scheduling/workload-aware-overhead.spec.ts): the same open-loop load (fixed rate,
// bounded duration) sent once straight to a mock worker's OpenAI API and once through the
// frontend, with the worker at --speedup 0 so the difference is routing, scheduling, NATS
// and the extra HTTP hop. Latency is measured from each request's scheduled send time (no
// coordinated omission). Each target's load comes from a worker thread of its own
// (open-loop-thread.ts), which keeps one connection pool through its warm-up and measured
// run, so the measured run is not a storm of new TCP connections. Alongside
// latency it reports CPU ms per request of every process on the path (a steadier figure
// than latency on a shared machine), and with repeat N the median of N runs, with the load
// average around them.

import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { newNamespace } from '../../fixtures/services/namespace.ts';
import { localProvider } from '../../fixtures/services/local-provider.ts';
import { PortAllocator } from '../../fixtures/ports/port-allocator.ts';
import { ManagedProcess } from '../../fixtures/process/managed-process.ts';
import { BUILD_DIR } from '../../fixtures/state-dir.ts';
import { buildStack } from '../../fixtures/build-stack.ts';
import { childPid, processCpuMs } from './process-cpu.ts';
import type { LoopRequest, Phase } from './open-loop-thread.ts';

export interface OverheadOptions {
  /** Requests per second of the open loop. */
  rate: number;
  durationS: number;
  warmupS: number;
  maxTokens: number;
  /** Runs per target; the result is the field-wise median. */
  repeat: number;
  /** Extra frontend flags, e.g. ['--scheduler', 'workload-aware']. */
  frontendArgs: string[];
  /** Sent with every request on both paths, e.g. an X-Workload-Context. */
  requestHeaders: Record<string, string>;
  /** Where the frontend writes a V8 CPU profile (node --cpu-prof) when it exits; none when unset. */
  cpuProfDir?: string;
}

/** The load generator of one target, in its own worker thread (open-loop-thread.ts). */
class LoadThread {
  private readonly worker: Worker;

  constructor(origin: string) {
    this.worker = new Worker(new URL('./open-loop-thread-entry.mjs', import.meta.url), { workerData: { origin } });
  }

  run(o: OverheadOptions, seconds: number): Promise<Phase> {
    const body = JSON.stringify({ model: 'mock-model', prompt: 'measure the frontend overhead please', max_tokens: o.maxTokens, seed: 1 });
    const request: LoopRequest = { rate: o.rate, seconds, body, headers: o.requestHeaders };
    return new Promise((resolve, reject) => {
      const fail = (err: Error): void => reject(err);
      this.worker.once('error', fail);
      this.worker.once('message', (phase: Phase) => {
        this.worker.off('error', fail);
        resolve(phase);
      });
      this.worker.postMessage(request);
    });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

const quantile = (sorted: number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;

export interface OverheadSummary {
  p50: number;
  p90: number;
  p99: number;
  max: number;
  ok: number;
  errors: number;
  achievedRate: number;
  cpuMsPerRequest: Record<string, number>;
}

function summary(p: Phase, cpuMsPerRequest: Record<string, number>): OverheadSummary {
  const s = [...p.latenciesMs].sort((a, b) => a - b);
  return { p50: quantile(s, 0.5), p90: quantile(s, 0.9), p99: quantile(s, 0.99), max: s.at(-1) ?? NaN, ok: s.length, errors: p.errors, achievedRate: p.achievedRate, cpuMsPerRequest };
}

const median = (values: number[]): number => quantile([...values].sort((a, b) => a - b), 0.5);

/** Field-wise median of several runs' summaries (each figure on its own, so not one run's row). */
function medianSummary(runs: OverheadSummary[]): OverheadSummary {
  const pick = (f: (r: OverheadSummary) => number): number => median(runs.map(f));
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

/** CPU ms so far of each process on the path; `loadgen` is this process, its load threads included. */
function cpuMs(pids: Record<string, number>): Record<string, number> {
  const self = process.cpuUsage();
  return { ...Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, processCpuMs(pid)])), loadgen: (self.user + self.system) / 1000 };
}

async function measureOnce(load: LoadThread, pids: Record<string, number>, o: OverheadOptions): Promise<OverheadSummary> {
  const before = cpuMs(pids);
  const phase = await load.run(o, o.durationS);
  const after = cpuMs(pids);
  const requests = o.rate * o.durationS;
  return summary(phase, Object.fromEntries(Object.entries(after).map(([name, ms]) => [name, (ms - before[name]!) / requests])));
}

const loadLine = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');

export interface OverheadResult {
  options: OverheadOptions;
  cpus: number;
  loadBefore: string;
  loadAfter: string;
  direct: OverheadSummary;
  frontend: OverheadSummary;
  addedP50Ms: number;
  addedP99Ms: number;
}

/** Starts NATS, etcd, one mock worker and the frontend, measures both paths, stops everything. */
export async function measureFrontendOverhead(o: OverheadOptions): Promise<OverheadResult> {
  const logDir = mkdtempSync(join(tmpdir(), 'servewright-bench-frontend-'));
  const ports = new PortAllocator();
  const services = await localProvider.start({ logDir, ports });
  const ns = newNamespace();
  const cluster = ['--nats', services.nats.url, '--etcd', services.etcd.endpoints.join(','), '--namespace', ns];
  const started: ManagedProcess[] = [];
  // The bundles, as the stack fixture runs them: no transpiler on the measured path.
  await buildStack();
  const launch = async (name: string, args: string[], nodeArgs: string[] = []): Promise<string> => {
    const proc = await ManagedProcess.start(
      { name, command: process.execPath, args: [...nodeArgs, join(BUILD_DIR, `${name}.mjs`), ...args], ready: { log: /listening on http/, timeoutMs: 60_000 } },
      logDir,
    );
    started.push(proc);
    return (await proc.log.waitFor(/listening on (http:\/\/\S+)/))[1]!;
  };
  try {
    const workerUrl = await launch('worker', ['--speedup', '0', '--max-num-seqs', '1024', '--max-waiting', '4096', ...cluster]);
    const profile = o.cpuProfDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', o.cpuProfDir];
    const frontendUrl = await launch('frontend', ['--max-queue', '100000', ...o.frontendArgs, ...cluster], profile);
    for (;;) {
      const models = (await (await fetch(`${frontendUrl}/v1/models`)).json()) as { data: unknown[] };
      if (models.data.length > 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const pids = { 'nats-server': childPid('nats-server'), worker: started[0]!.pid, frontend: started[1]!.pid };
    const loads = { direct: new LoadThread(workerUrl), frontend: new LoadThread(frontendUrl) };
    const runs: Record<keyof typeof loads, OverheadSummary[]> = { direct: [], frontend: [] };
    const loadBefore = loadLine();
    try {
      for (let i = 0; i < o.repeat; i++) {
        for (const name of ['direct', 'frontend'] as const) {
          if (o.warmupS > 0) await loads[name].run(o, o.warmupS);
          runs[name].push(await measureOnce(loads[name], pids, o));
        }
      }
    } finally {
      await Promise.all(Object.values(loads).map((l) => l.close()));
    }
    const direct = medianSummary(runs.direct);
    const frontend = medianSummary(runs.frontend);
    return { options: o, cpus: availableParallelism(), loadBefore, loadAfter: loadLine(), direct, frontend, addedP50Ms: frontend.p50 - direct.p50, addedP99Ms: frontend.p99 - direct.p99 };
  } finally {
    for (const proc of started.reverse()) await proc.stop();
    await services.dispose();
    rmSync(logDir, { recursive: true, force: true });
  }
}

/** The bench's table: latency per path, the added latency, CPU per request. */
export function formatOverhead(r: OverheadResult): string {
  const o = r.options;
  const fmt = (n: number) => n.toFixed(2).padStart(8);
  const lines = [
    `rate ${o.rate}/s for ${o.durationS}s, max_tokens ${o.maxTokens}, worker --speedup 0, frontend ${o.frontendArgs.join(' ') || '(defaults)'} (latency ms from scheduled send)`,
    `${o.repeat === 1 ? 'one run' : `median of ${o.repeat} runs`}; load average before ${r.loadBefore}, after ${r.loadAfter} (${r.cpus} CPUs)`,
    '            p50      p90      p99      max    ok  errors  achieved/s',
  ];
  for (const [name, s] of [['direct', r.direct], ['frontend', r.frontend]] as const) {
    lines.push(`${name.padEnd(8)}${fmt(s.p50)} ${fmt(s.p90)} ${fmt(s.p99)} ${fmt(s.max)} ${String(s.ok).padStart(5)} ${String(s.errors).padStart(7)} ${s.achievedRate.toFixed(0).padStart(11)}`);
  }
  lines.push(`added   ${fmt(r.frontend.p50 - r.direct.p50)} ${fmt(r.frontend.p90 - r.direct.p90)} ${fmt(r.frontend.p99 - r.direct.p99)}`);
  for (const [name, s] of [['direct', r.direct], ['frontend', r.frontend]] as const) {
    lines.push(`cpu ms/request via ${name.padEnd(8)} ${Object.entries(s.cpuMsPerRequest).map(([p, ms]) => `${p} ${ms.toFixed(3)}`).join('  ')}`);
  }
  return lines.join('\n');
}
