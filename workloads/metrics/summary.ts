// Aggregates per-request results into the run summary (summary.json): distributions,
// rates, throughput, goodput, SLO compliance, and the same per model, priority and mode,
// and per provider and served model.

import { UNLISTED_PROVIDER } from '../api/models.ts';
import type { RequestResult } from '../send/result.ts';
import { requestMetrics, type RequestMetrics, type SloTargets } from './definitions.ts';
import { distribution, type Distribution } from './histogram.ts';

/**
 * Compliance with one metric's SLO, over the succeeded requests that have a value for the
 * metric and a target: a non-streaming request has no TTFT, and counting it as meeting
 * (or missing) a TTFT SLO would say something nobody measured. `withoutValue` counts the
 * requests left out, so a ratio over 3 of 100 requests cannot pass for one over 100.
 */
export interface MetricCompliance {
  compliance: number;
  met: number;
  measured: number;
  withoutValue: number;
}

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
    /** Per metric with a target: see MetricCompliance. */
    perMetric: { e2e?: MetricCompliance; ttft?: MetricCompliance; tpot?: MetricCompliance };
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
  /** Provider (the server's owned_by of the model) → served model → summary. */
  byProvider: Record<string, Record<string, GroupSummary>>;
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

function perMetricCompliance(
  ok: Measured[],
  pick: (m: RequestMetrics) => number | undefined,
  target: number | undefined | ((m: RequestMetrics) => number | undefined),
): MetricCompliance | undefined {
  const targetOf = typeof target === 'function' ? target : () => target;
  const targeted = ok.filter((x) => targetOf(x.metrics) !== undefined);
  if (targeted.length === 0) return undefined;
  const measured = targeted.filter((x) => pick(x.metrics) !== undefined);
  const met = measured.filter((x) => pick(x.metrics)! <= targetOf(x.metrics)!).length;
  return { compliance: ratio(met, measured.length), met, measured: measured.length, withoutValue: targeted.length - measured.length };
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

function partition<T>(items: T[], key: (x: T) => string): Array<[string, T[]]> {
  const groups = new Map<string, T[]>();
  for (const x of items) {
    const k = key(x);
    let g = groups.get(k);
    if (!g) groups.set(k, (g = []));
    g.push(x);
  }
  return [...groups].sort(([a], [b]) => a.localeCompare(b));
}

function groupBy(items: Measured[], key: (r: RequestResult) => string, slo: SloTargets, durationS: number): Record<string, GroupSummary> {
  return Object.fromEntries(partition(items, (x) => key(x.result)).map(([k, g]) => [k, groupSummary(g, slo, durationS)]));
}

/** The model that answered: as the server reports it, else the model the request named. */
export const servedModelOf = (r: RequestResult): string => r.servedModel ?? r.model;

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
    byProvider: Object.fromEntries(
      partition(items, (x) => x.result.provider ?? UNLISTED_PROVIDER).map(([provider, g]) => [provider, groupBy(g, servedModelOf, slo, durationS)]),
    ),
    errors,
  };
}
