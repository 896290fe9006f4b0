// Scheduler overhead: the time each policy adds to a request on the frontend's dispatch
// path (enqueue + the next() that picks it + dispatched + completed), measured
// in-process around the real Scheduler implementations. The dispatch loop is simulated
// as in the frontend: 4 workers with --max-num-seqs slots, least-loaded placement,
// open-loop arrivals at --rate on a virtual clock, workers at speedup 0 (a request
// completes before the next arrives). Log lines go through a synchronous write to
// /dev/null formatted like the frontend's, so the workload-aware policy pays for its
// [WA-ROUTING] lines as it does in production.
// A second measurement holds the queue at --backlog requests (saturated workers) and
// times next(), which must not grow with the queue (PLAS/ATLAS re-derive only the calls
// of programs that changed).
//
//   npm run bench:scheduler -- [--rate 1000] [--requests 20000] [--workers 4] [--max-num-seqs 256] [--backlog 1000]

import { closeSync, openSync, writeSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createScheduler, schedulerPolicies } from '../../stack/frontend/scheduler/create-scheduler.ts';
import type { QueuedRequest, Scheduler } from '../../stack/frontend/scheduler/scheduler.ts';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '1000' },
    requests: { type: 'string', default: '20000' },
    workers: { type: 'string', default: '4' },
    'max-num-seqs': { type: 'string', default: '256' },
    backlog: { type: 'string', default: '1000' },
  },
});

function positiveInt(flag: string, raw: string | undefined): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`scripts/bench/scheduler.ts: ${flag} must be a positive integer, got "${raw}"`);
  return n;
}

const rate = positiveInt('--rate', values.rate);
const requests = positiveInt('--requests', values.requests);
const workers = positiveInt('--workers', values.workers);
const maxNumSeqs = positiveInt('--max-num-seqs', values['max-num-seqs']);
const backlog = positiveInt('--backlog', values.backlog);
const TARGET_P99_MS = 1;

const PROGRAMS = 200;
const WORKLOADS = 8;
/** A small Autellix-style thread DAG per program: plan → two branches → aggregate. */
const THREADS: ReadonlyArray<{ id: string; parents: string[] }> = [
  { id: 'plan', parents: [] },
  { id: 'left', parents: ['plan'] },
  { id: 'right', parents: ['plan'] },
  { id: 'agg', parents: ['left', 'right'] },
];

function request(i: number, nowMs: number): QueuedRequest {
  const thread = THREADS[i % THREADS.length]!;
  const workload = i % WORKLOADS;
  return {
    requestId: `req-${i}`,
    arrivalMs: nowMs,
    promptTokens: 32,
    maxTokens: 4,
    programId: `program-${i % PROGRAMS}`,
    threadId: thread.id,
    parentThreadIds: thread.parents,
    workload: { workloadId: `workload-${workload}`, criticality: 1 + (workload % 5) },
  };
}

function frontendLikeLog(fd: number): (line: string) => void {
  return (line) => void writeSync(fd, `${new Date().toISOString()} frontend: ${line}\n`);
}

const timed = <T>(samples: number[], index: number, fn: () => T): T => {
  const t0 = performance.now();
  const out = fn();
  samples[index] = (samples[index] ?? 0) + performance.now() - t0;
  return out;
};

/** Per-request scheduler time (ms) under open-loop arrivals that never saturate the workers. */
function pacedRun(scheduler: Scheduler): number[] {
  const cost: number[] = new Array<number>(requests).fill(0);
  const inFlight = new Array<number>(workers).fill(0);
  const index = new Map<string, number>();
  for (let i = 0; i < requests; i++) {
    const now = (i * 1000) / rate;
    const r = request(i, now);
    index.set(r.requestId, i);
    timed(cost, i, () => scheduler.enqueue(r, now));
    for (;;) {
      const worker = inFlight.indexOf(Math.min(...inFlight));
      if (inFlight[worker]! >= maxNumSeqs) break;
      const start = performance.now();
      const next = scheduler.next(now);
      if (!next) break;
      const id = index.get(next.requestId)!;
      cost[id] = cost[id]! + performance.now() - start;
      inFlight[worker]!++;
      timed(cost, id, () => scheduler.dispatched(next, `worker-${worker}`, now));
      // speedup 0: the worker answers before the next arrival.
      timed(cost, id, () => scheduler.completed(next, { serviceMs: 0, completionTokens: 4, ok: true }, now));
      inFlight[worker]!--;
      index.delete(next.requestId);
    }
  }
  return cost;
}

/** next() time (ms) with the queue held at `backlog` requests. */
function backlogRun(scheduler: Scheduler): number[] {
  const samples: number[] = [];
  let i = 0;
  for (; i < backlog; i++) scheduler.enqueue(request(i, i), i);
  const rounds = Math.min(requests, 5_000);
  for (let k = 0; k < rounds; k++, i++) {
    scheduler.enqueue(request(i, i), i);
    const t0 = performance.now();
    const next = scheduler.next(i);
    samples.push(performance.now() - t0);
    if (next) {
      scheduler.dispatched(next, 'worker-0', i);
      scheduler.completed(next, { serviceMs: 1, completionTokens: 4, ok: true }, i + 1);
    }
  }
  return samples;
}

function quantiles(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? NaN;
  return { p50: q(0.5), p99: q(0.99), max: s.at(-1) ?? NaN };
}

const devNull = openSync('/dev/null', 'w');
try {
  const results: Record<string, { paced: ReturnType<typeof quantiles>; backlog: ReturnType<typeof quantiles> }> = {};
  for (const policy of schedulerPolicies()) {
    const log = frontendLikeLog(devNull);
    pacedRun(createScheduler(policy, {}, log)); // warm-up: JIT, allocation
    results[policy] = {
      paced: quantiles(pacedRun(createScheduler(policy, {}, log))),
      backlog: quantiles(backlogRun(createScheduler(policy, {}, log))),
    };
  }
  const us = (ms: number) => (ms * 1000).toFixed(1).padStart(9);
  console.log(
    `${requests} requests at ${rate}/s (virtual clock), ${workers} workers × max-num-seqs ${maxNumSeqs}, speedup 0; ` +
      `${PROGRAMS} programs × ${THREADS.length}-thread DAG, ${WORKLOADS} workloads`,
  );
  console.log(`added latency per request (µs)             | next() with ${backlog} queued (µs)`);
  console.log('policy              p50       p99       max |       p50       p99       max');
  for (const [policy, r] of Object.entries(results)) {
    console.log(`${policy.padEnd(15)}${us(r.paced.p50)} ${us(r.paced.p99)} ${us(r.paced.max)} | ${us(r.backlog.p50)} ${us(r.backlog.p99)} ${us(r.backlog.max)}`);
  }
  const worst = Math.max(...Object.values(results).map((r) => r.paced.p99));
  console.log(`target p99 <= ${TARGET_P99_MS} ms at ${rate} req/s: ${worst <= TARGET_P99_MS ? 'met' : 'MISSED'} (worst policy p99 ${(worst * 1000).toFixed(1)} µs)`);
  console.log(JSON.stringify({ rate, requests, workers, maxNumSeqs, backlog, results }));
} finally {
  closeSync(devNull);
}
