// Aggregates per-request results into the run summary (summary.json): distributions,
// rates, throughput, goodput, SLO compliance, and the same per model, priority and mode.

import type { RequestResult } from '../send/result.ts';
import { requestMetrics, type RequestMetrics, type SloTargets } from './definitions.ts';
import { distribution, type Distribution } from './histogram.ts';

export interface GroupSummary {
  requests: number;
  succeeded: number;
  failed: number;
  ttftMs: Distribution;
  tpotMs: Distribution;
  itlMs: Distribution;
  e2eMs: Distribution;
  clientDurationMs: Distribution;
  queueMs: Distribution;
  slo: {
    /** Requests that succeeded and met every SLO that applies. */
    met: number;
    /** met / requests (failed requests count as misses). */
    compliance: number;
    /** Per metric: share of succeeded requests with a value that met that metric's SLO. */
    perMetric: { e2e?: number; ttft?: number; tpot?: number };
  };
  throughput: { requestsPerS: number; outputTokensPerS: number; totalTokensPerS: number; goodputRequestsPerS: number };
}

export interface RunSummary {
  run: {
    trace: string;
    arrival: string;
    loop: string;
    startedAt: string;
    durationS: number;
    requests: number;
    sent: number;
    skippedRows: number;
    apiBase: string;
  };
  /** The load generator's own accuracy: how late requests went out, and the rate achieved. */
  schedule: { delayMs: Distribution; requestedRps: number | null; achievedRps: number | null; rateRatio: number | null };
  slo: SloTargets;
  overall: GroupSummary;
  byModel: Record<string, GroupSummary>;
  byPriority: Record<string, GroupSummary>;
  byMode: Record<string, GroupSummary>;
  errors: Record<string, number>;
}

export interface RunInfo {
  trace: string;
  arrival: string;
  loop: string;
  apiBase: string;
  skippedRows: number;
  /** Epoch ms of offset 0. */
  startMs: number;
}

export interface Measured {
  result: RequestResult;
  metrics: RequestMetrics;
}

const ratio = (a: number, b: number): number => (b === 0 ? 0 : a / b);

/** Spread of times: (n − 1) intervals over (last − first), null when it is undefined. */
function rateOf(times: number[]): number | null {
  if (times.length < 2) return null;
  const sorted = [...times].sort((a, b) => a - b);
  const span = sorted[sorted.length - 1]! - sorted[0]!;
  return span > 0 ? ((sorted.length - 1) * 1000) / span : null;
}

function perMetricCompliance(ok: Measured[], pick: (m: RequestMetrics) => number | undefined, target: number | undefined | ((m: RequestMetrics) => number | undefined)): number | undefined {
  const targetOf = typeof target === 'function' ? target : () => target;
  const measured = ok.filter((x) => pick(x.metrics) !== undefined && targetOf(x.metrics) !== undefined);
  if (measured.length === 0) return undefined;
  return ratio(measured.filter((x) => pick(x.metrics)! <= targetOf(x.metrics)!).length, measured.length);
}

function groupSummary(items: Measured[], slo: SloTargets, durationS: number): GroupSummary {
  const ok = items.filter((x) => x.metrics.ok);
  const values = (pick: (m: RequestMetrics) => number | undefined): number[] =>
    ok.flatMap((x) => {
      const v = pick(x.metrics);
      return v === undefined ? [] : [v];
    });
  const met = items.filter((x) => x.metrics.sloMet).length;
  const outputTokens = ok.reduce((s, x) => s + x.metrics.outputTokens, 0);
  const promptTokens = ok.reduce((s, x) => s + (x.metrics.promptTokens ?? 0), 0);
  const perMetric: GroupSummary['slo']['perMetric'] = {};
  const e2e = perMetricCompliance(ok, (m) => m.e2eMs, (m) => m.e2eSloMs);
  const ttft = perMetricCompliance(ok, (m) => m.ttftMs, slo.ttftMs);
  const tpot = perMetricCompliance(ok, (m) => m.tpotMs, slo.tpotMs);
  if (e2e !== undefined) perMetric.e2e = e2e;
  if (ttft !== undefined) perMetric.ttft = ttft;
  if (tpot !== undefined) perMetric.tpot = tpot;
  return {
    requests: items.length,
    succeeded: ok.length,
    failed: items.length - ok.length,
    ttftMs: distribution(values((m) => m.ttftMs)),
    tpotMs: distribution(values((m) => m.tpotMs)),
    itlMs: distribution(ok.flatMap((x) => x.metrics.itlMs)),
    e2eMs: distribution(values((m) => m.e2eMs)),
    clientDurationMs: distribution(values((m) => m.clientDurationMs)),
    queueMs: distribution(values((m) => m.queueMs)),
    slo: { met, compliance: ratio(met, items.length), perMetric },
    throughput: {
      requestsPerS: ratio(ok.length, durationS),
      outputTokensPerS: ratio(outputTokens, durationS),
      totalTokensPerS: ratio(outputTokens + promptTokens, durationS),
      goodputRequestsPerS: ratio(met, durationS),
    },
  };
}

function groupBy(items: Measured[], key: (r: RequestResult) => string, slo: SloTargets, durationS: number): Record<string, GroupSummary> {
  const groups = new Map<string, Measured[]>();
  for (const x of items) {
    const k = key(x.result);
    let g = groups.get(k);
    if (!g) groups.set(k, (g = []));
    g.push(x);
  }
  return Object.fromEntries([...groups].sort(([a], [b]) => a.localeCompare(b)).map(([k, g]) => [k, groupSummary(g, slo, durationS)]));
}

const sentResults = (results: readonly RequestResult[]): RequestResult[] => results.filter((r) => !r.error?.startsWith('not sent'));

export function measure(results: readonly RequestResult[], slo: SloTargets): Measured[] {
  return results.map((result) => ({ result, metrics: requestMetrics(result, slo) }));
}

export function summarize(results: readonly RequestResult[], slo: SloTargets, info: RunInfo): RunSummary {
  const sent = sentResults(results);
  const items = measure(sent, slo);
  const endMs = sent.reduce((m, r) => Math.max(m, r.endMs), info.startMs);
  const durationS = (endMs - info.startMs) / 1000;
  const errors: Record<string, number> = {};
  for (const r of results) {
    if (r.error === undefined) continue;
    const kind = r.error.split(':')[0]!;
    errors[kind] = (errors[kind] ?? 0) + 1;
  }
  const requestedRps = rateOf(results.map((r) => r.scheduledMs));
  const achievedRps = rateOf(sent.map((r) => r.sentMs));
  return {
    run: {
      trace: info.trace,
      arrival: info.arrival,
      loop: info.loop,
      startedAt: new Date(info.startMs).toISOString(),
      durationS,
      requests: results.length,
      sent: sent.length,
      skippedRows: info.skippedRows,
      apiBase: info.apiBase,
    },
    schedule: {
      delayMs: distribution(items.map((x) => x.metrics.scheduleDelayMs)),
      requestedRps,
      achievedRps,
      rateRatio: requestedRps !== null && achievedRps !== null ? achievedRps / requestedRps : null,
    },
    slo,
    overall: groupSummary(items, slo, durationS),
    byModel: groupBy(items, (r) => r.model, slo, durationS),
    byPriority: groupBy(items, (r) => r.priority, slo, durationS),
    byMode: groupBy(items, (r) => r.mode, slo, durationS),
    errors,
  };
}
