// The replay engine: trace → arrival times → prepared requests → send → summary.
// Used by the CLI, the workload fixture and the load generator benchmark.

import { Pool } from 'undici';
import { listModels, UNLISTED_PROVIDER, type ModelOwners } from './api/models.ts';
import { arrivalOffsets, describeArrival, type ArrivalProcess } from './arrival/processes.ts';
import type { SloTargets } from './metrics/definitions.ts';
import { servedModelOf, summarize, type RunSummary } from './metrics/summary.ts';
import { nowMs } from './send/clock.ts';
import { apiPathPrefix, type Wire } from './send/http-request.ts';
import { RunCounters } from './send/progress.ts';
import type { RequestResult } from './send/result.ts';
import { runPlan, type Loop, type PlannedRequest } from './send/runner.ts';
import { runInThreads } from './send/threads.ts';
import { loadTrace } from './trace/load.ts';
import type { Trace } from './trace/types.ts';

export interface ReplayOptions {
  /** A trace file, or a trace already loaded. */
  trace: string | Trace;
  apiBase: string;
  apiKey?: string;
  /** Send every request with this model instead of the trace's (results keep the trace's). */
  servedModel?: string;
  /** The server's /v1/models (model → owned_by), for the provider of each result; listed once before the run when absent. */
  models?: ModelOwners;
  arrival?: ArrivalProcess;
  loop?: Loop;
  slo?: SloTargets;
  /** Replays only the first N requests. */
  limit?: number;
  skipInvalid?: boolean;
  /** Hard bound on the whole run; default 10 minutes. */
  maxDurationMs?: number;
  /** Per request: longest wait for response headers, and longest silence between body chunks. */
  requestTimeoutMs?: number;
  /** Most open connections (per sender thread). */
  connections?: number;
  /** Sender threads; above 1 the requests are dealt round-robin to worker threads. */
  threads?: number;
  onProgress?: (p: ProgressSnapshot) => void;
  progressIntervalMs?: number;
}

export interface ProgressSnapshot {
  total: number;
  sent: number;
  done: number;
  inFlight: number;
  errors: number;
  elapsedS: number;
  /** Requests sent per second over the run so far. */
  rate: number;
  /** Seconds until the last request is due (open loop), or an estimate from the rate (closed loop). */
  etaS: number;
}

export interface ReplayOutcome {
  trace: Trace;
  results: RequestResult[];
  summary: RunSummary;
  /** Epoch ms of offset 0; detailed output times are relative to it. */
  startMs: number;
  /** CPU ms this process (every sender thread) used from the start of sending to the last result. */
  senderCpuMs: number;
}

const DEFAULTS = { maxDurationMs: 10 * 60_000, requestTimeoutMs: 5 * 60_000, connections: 16_384, threads: 1, progressIntervalMs: 1000 };
const START_LEAD_MS = 50;

/** The API base as it may appear in outputs: no userinfo, no query. */
export function displayApiBase(apiBase: URL): string {
  return `${apiBase.protocol}//${apiBase.host}${apiBase.pathname}`;
}

/** A server may echo credentials in an error body; outputs must never carry the key. */
function redact(results: RequestResult[], apiKey: string | undefined): void {
  if (!apiKey) return;
  for (const r of results) if (r.error?.includes(apiKey)) r.error = r.error.split(apiKey).join('***');
}

export function describeLoop(loop: Loop): string {
  return loop.kind === 'open' ? 'open loop' : `closed loop, concurrency ${loop.concurrency}`;
}

export async function replay(options: ReplayOptions): Promise<ReplayOutcome> {
  const o = { ...DEFAULTS, ...options };
  const trace = typeof o.trace === 'string' ? await loadTrace(o.trace, { skipInvalid: o.skipInvalid ?? false }) : o.trace;
  const requests = o.limit === undefined ? trace.requests : trace.requests.slice(0, o.limit);
  const arrival = o.arrival ?? { kind: 'trace', timeScale: 1 };
  const loop = o.loop ?? { kind: 'open' };
  const apiBase = new URL(o.apiBase);
  const wire: Wire = { pathPrefix: apiPathPrefix(apiBase) };
  if (o.apiKey !== undefined) wire.apiKey = o.apiKey;
  if (o.servedModel !== undefined) wire.servedModel = o.servedModel;
  const offsets = arrivalOffsets(
    requests.map((r) => r.offsetMs),
    arrival,
  );
  const plan: PlannedRequest[] = requests.map((request, i) => ({ request, offsetMs: offsets[i]! }));
  // A server without a listing still gets replayed; its results say the provider is unknown.
  const owners = o.models ?? (await listModels(apiBase, o.apiKey).catch((): ModelOwners => ({})));
  const counters = new RunCounters();
  let startMs = nowMs() + START_LEAD_MS;
  const lastOffsetMs = offsets[offsets.length - 1] ?? 0;
  const report = (): void => o.onProgress?.(snapshot(counters, plan.length, startMs, startMs + lastOffsetMs, loop));
  const timer = o.onProgress && setInterval(report, o.progressIntervalMs);
  const poolOptions = { connections: o.connections, pipelining: 1, headersTimeout: o.requestTimeoutMs, bodyTimeout: o.requestTimeoutMs };
  const runOptions = { loop, wire, maxDurationMs: o.maxDurationMs };
  let results: RequestResult[];
  // Sender threads load for a while before the clock starts; that is not sending.
  let cpuAtStart = process.cpuUsage();
  try {
    if (o.threads > 1) {
      const begin = (): number => {
        cpuAtStart = process.cpuUsage();
        return (startMs = nowMs() + START_LEAD_MS);
      };
      results = await runInThreads(plan, apiBase.origin, poolOptions, runOptions, o.threads, counters, begin);
    } else {
      const pool = new Pool(apiBase.origin, poolOptions);
      try {
        results = await runPlan(plan, pool, { ...runOptions, startMs, counters });
      } finally {
        await pool.destroy();
      }
    }
  } finally {
    if (timer) clearInterval(timer);
  }
  const cpu = process.cpuUsage(cpuAtStart);
  redact(results, o.apiKey);
  for (const r of results) r.provider = owners[servedModelOf(r)] ?? UNLISTED_PROVIDER;
  report();
  const summary = summarize(results, o.slo ?? {}, {
    trace: trace.file,
    arrival: describeArrival(arrival),
    loop: describeLoop(loop),
    apiBase: displayApiBase(apiBase),
    skippedRows: trace.skippedRows,
    startMs,
  });
  return { trace, results, summary, startMs, senderCpuMs: (cpu.user + cpu.system) / 1000 };
}

function snapshot(c: RunCounters, total: number, startMs: number, lastDueMs: number, loop: Loop): ProgressSnapshot {
  const now = nowMs();
  const elapsedS = Math.max(0, (now - startMs) / 1000);
  const rate = elapsedS > 0 ? c.sent / elapsedS : 0;
  const etaS = loop.kind === 'open' ? Math.max(0, (lastDueMs - now) / 1000) : rate > 0 ? (total - c.sent) / rate : Infinity;
  return { total, sent: c.sent, done: c.done, inFlight: c.inFlight, errors: c.errors, elapsedS, rate, etaS };
}
