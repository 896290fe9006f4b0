// Is the load generator ever the bottleneck? Runs the replay engine (workloads/replay.ts,
// the code the CLI and the fixture use) against servers in their own processes:
//   - the scripted zero-delay server (workloads/testing/serve.ts) on loopback
//   - the mock worker at --speedup 0 (prebuilt bundle)
// and reports, per phase: sustained req/s (closed loop), schedule delay and achieved vs
// requested rate (open loop), concurrent SSE streams held open, the sender's CPU per request
// (the whole process from the start of sending: thread loading excluded).
// Targets (issue 6): >= 10k req/s, >= 10k concurrent streams, delay p99 <= 1 ms at
// 1k req/s, rate within 1 %. Every phase is bounded in requests and time.
//
//   npm run bench:loadgen -- [--scale 1] [--threads 2] [--streams 10000] [--json out.json]
//   (--scale 0.2 for a quick look; figures on a shared 2-core machine are noisy)

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ManagedProcess } from '../../fixtures/process/managed-process.ts';
import { stackBundlePath } from '../../fixtures/state-dir.ts';
import { buildStack } from '../../fixtures/build-stack.ts';
import type { ArrivalProcess } from '../../workloads/arrival/processes.ts';
import { replay } from '../../workloads/replay.ts';
import type { Loop } from '../../workloads/send/runner.ts';
import { toRequest } from '../../workloads/trace/fields.ts';
import type { Trace } from '../../workloads/trace/types.ts';

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: '1' },
    threads: { type: 'string', default: '2' },
    streams: { type: 'string', default: '10000' },
    json: { type: 'string' },
  },
});
const scale = Number(values.scale);
const threads = Number(values.threads);
const streams = Number(values.streams);
if (!(scale > 0) || !Number.isInteger(threads) || threads < 1 || !Number.isInteger(streams) || streams < 1) {
  console.error('scripts/bench/loadgen.ts: --scale must be > 0, --threads and --streams positive integers');
  process.exit(2);
}
const count = (n: number): number => Math.max(100, Math.round(n * scale));
const logDir = mkdtempSync(join(tmpdir(), 'servewright-bench-loadgen-'));

function syntheticTrace(n: number, stream: boolean, maxTokens: number): Trace {
  const requests = Array.from({ length: n }, (_, i) =>
    toRequest({ id: `b${i}`, line: i + 2, offsetMs: 0, mode: 'interactive', priority: 'mid', model: 'mock-model' }, { prompt: 'benchmark prompt', max_tokens: maxTokens, stream }),
  );
  return { file: 'synthetic', format: 'csv', requests, skipped: [], skippedRows: 0 };
}

async function startServer(name: string, command: string, args: string[]): Promise<{ url: string; proc: ManagedProcess }> {
  const proc = await ManagedProcess.start({ name, command, args, ready: { log: /listening on http/ } }, logDir);
  const url = (await proc.log.waitFor(/listening on (http:\/\/\S+)/))[1]!;
  return { url, proc };
}

interface Phase {
  phase: string;
  requests: number;
  ok: number;
  seconds: number;
  reqPerS: number;
  cpuUsPerReq: number;
  delayP50Ms: number | null;
  delayP99Ms: number | null;
  delayP999Ms: number | null;
  rateRatio: number | null;
}

async function phase(name: string, url: string, trace: Trace, loop: Loop, arrival: ArrivalProcess, phaseThreads: number, maxDurationS = 120): Promise<Phase> {
  const started = performance.now();
  // Connections are per sender thread: enough for every held stream across the threads, and
  // no more, or a backed-up open loop opens sockets until it runs out of descriptors (EMFILE).
  const connections = Math.max(1024, Math.ceil(streams / phaseThreads) + 100);
  const { summary, senderCpuMs } = await replay({ trace, apiBase: url, loop, arrival, threads: phaseThreads, maxDurationMs: maxDurationS * 1000, connections });
  const seconds = (performance.now() - started) / 1000;
  const d = summary.schedule.delayMs;
  const result: Phase = {
    phase: name,
    requests: summary.run.requests,
    ok: summary.overall.succeeded,
    seconds,
    reqPerS: summary.overall.throughput.requestsPerS,
    cpuUsPerReq: (senderCpuMs * 1000) / summary.run.requests,
    delayP50Ms: d.p50,
    delayP99Ms: d.p99,
    delayP999Ms: d.p999,
    rateRatio: summary.schedule.rateRatio,
  };
  const f = (v: number | null, digits = 2) => (v === null ? '-' : v.toFixed(digits));
  console.log(
    `${name.padEnd(52)} ok ${result.ok}/${result.requests}  ${f(result.reqPerS, 0)} req/s  cpu ${f(result.cpuUsPerReq, 0)} us/req  ` +
      `delay p50 ${f(d.p50, 3)} p99 ${f(d.p99, 3)} p99.9 ${f(d.p999, 3)} ms  rate ${result.rateRatio === null ? '-' : (result.rateRatio * 100).toFixed(2) + '%'}`,
  );
  if (Object.keys(summary.errors).length > 0) console.log(`  errors: ${JSON.stringify(summary.errors)}`);
  return result;
}

const closed = (concurrency: number): Loop => ({ kind: 'closed', concurrency });
const open: Loop = { kind: 'open' };
const constant = (rate: number): ArrivalProcess => ({ kind: 'constant', rate });
const asFast: ArrivalProcess = { kind: 'trace', timeScale: 1 };

async function main(): Promise<void> {
  await buildStack();
  const phases: Phase[] = [];
  const tsx = ['--import', 'tsx', 'workloads/testing/serve.ts'];
  const zero = await startServer('zero-delay', process.execPath, [...tsx, '--tokens', '4']);
  try {
    for (const t of [1, threads]) {
      phases.push(await phase(`zero-delay, non-streaming, closed 256, ${t} thread(s)`, zero.url, syntheticTrace(count(30_000), false, 4), closed(256), asFast, t));
      phases.push(await phase(`zero-delay, streaming 4 tokens, closed 256, ${t} thread(s)`, zero.url, syntheticTrace(count(30_000), true, 4), closed(256), asFast, t));
    }
    phases.push(await phase('zero-delay, open loop 1k req/s, 1 thread', zero.url, syntheticTrace(count(5_000), false, 4), open, constant(1000), 1));
    phases.push(await phase(`zero-delay, open loop 10k req/s, ${threads} thread(s)`, zero.url, syntheticTrace(count(30_000), false, 4), open, constant(10_000), threads));
  } finally {
    await zero.proc.stop();
  }

  const held = await startServer('held-streams', process.execPath, [...tsx, '--tokens', '2', '--hold-until', String(streams)]);
  try {
    const mark = held.proc.log.mark();
    const p = await phase(`${streams} concurrent SSE streams, ${threads} thread(s)`, held.url, syntheticTrace(streams, true, 2), open, constant(20_000), threads, 60);
    const released = held.proc.log.matchesSince(mark, /(\d+) streams open; releasing/).length > 0;
    console.log(`  server saw ${streams} streams open at once: ${released ? 'yes' : 'NO'}`);
    phases.push(p);
  } finally {
    await held.proc.stop();
  }

  const worker = await startServer('mock-worker', process.execPath, [stackBundlePath('worker'), '--port', '0', '--speedup', '0', '--max-num-seqs', '512', '--max-waiting', '100000']);
  try {
    phases.push(await phase(`mock worker speedup 0, non-streaming, closed 128, ${threads} thread(s)`, worker.url, syntheticTrace(count(20_000), false, 8), closed(128), asFast, threads));
    phases.push(await phase(`mock worker speedup 0, streaming 8 tokens, closed 128, ${threads} thread(s)`, worker.url, syntheticTrace(count(20_000), true, 8), closed(128), asFast, threads));
  } finally {
    await worker.proc.stop();
  }
  if (values.json) writeFileSync(values.json, `${JSON.stringify({ scale, threads, streams, phases }, null, 2)}\n`);
}

// The servers' logs are scratch: the figures are printed (and written with --json).
await main().finally(() => rmSync(logDir, { recursive: true, force: true }));
