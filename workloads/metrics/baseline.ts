// `--baseline <summary.json>`: the run against an earlier run's summary, metric by metric,
// so CI can fail on a regression. A metric regresses when it is worse by more than the
// threshold (relative) and, for times, by more than an absolute floor too: on a quiet
// server a p50 going from 0.20 to 0.30 ms is +50% and means nothing.

import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { RunSummary } from './summary.ts';

export interface BaselineOptions {
  /** Relative worsening allowed, in percent. */
  thresholdPct: number;
  /** Time metrics must also be worse by more than this many ms to count. */
  minDeltaMs: number;
}

export interface MetricDelta {
  metric: string;
  unit: 'ms' | '/s' | 'share';
  baseline: number | null;
  current: number | null;
  /** current − baseline; null when either is missing. */
  delta: number | null;
  /** Relative change in percent of the baseline; null when undefined. */
  changePct: number | null;
  regression: boolean;
}

const nullableNumber = z.number().nullable();
const dist = z.object({ p50: nullableNumber, p99: nullableNumber });
/** The part of summary.json (RunSummary) a comparison reads; the rest may differ between versions. */
const baselineShape = z.object({
  overall: z.object({
    requests: z.number(),
    succeeded: z.number(),
    ttftMs: dist,
    tpotMs: dist,
    e2eMs: dist,
    clientDurationMs: dist,
    slo: z.object({ compliance: z.number() }),
    throughput: z.object({ requestsPerS: z.number(), outputTokensPerS: z.number(), goodputRequestsPerS: z.number() }),
  }),
});
type Comparable = z.infer<typeof baselineShape>;

export class BaselineError extends Error {
  override name = 'BaselineError';
}

export async function loadBaseline(file: string): Promise<Comparable> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new BaselineError(`${file}: cannot read the baseline: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new BaselineError(`${file}: the baseline is not JSON: ${(err as Error).message}`);
  }
  const parsed = baselineShape.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new BaselineError(`${file}: not a replay summary.json: field "${issue.path.join('.')}": ${issue.message}`);
  }
  return parsed.data;
}

type Direction = 'lower' | 'higher';
const METRICS: Array<{ metric: string; unit: MetricDelta['unit']; better: Direction; of: (s: Comparable) => number | null }> = [
  { metric: 'TTFT p50', unit: 'ms', better: 'lower', of: (s) => s.overall.ttftMs.p50 },
  { metric: 'TTFT p99', unit: 'ms', better: 'lower', of: (s) => s.overall.ttftMs.p99 },
  { metric: 'TPOT p50', unit: 'ms', better: 'lower', of: (s) => s.overall.tpotMs.p50 },
  { metric: 'TPOT p99', unit: 'ms', better: 'lower', of: (s) => s.overall.tpotMs.p99 },
  { metric: 'E2E p50', unit: 'ms', better: 'lower', of: (s) => s.overall.e2eMs.p50 },
  { metric: 'E2E p99', unit: 'ms', better: 'lower', of: (s) => s.overall.e2eMs.p99 },
  { metric: 'client duration p50', unit: 'ms', better: 'lower', of: (s) => s.overall.clientDurationMs.p50 },
  { metric: 'client duration p99', unit: 'ms', better: 'lower', of: (s) => s.overall.clientDurationMs.p99 },
  { metric: 'throughput', unit: '/s', better: 'higher', of: (s) => s.overall.throughput.requestsPerS },
  { metric: 'output tokens', unit: '/s', better: 'higher', of: (s) => s.overall.throughput.outputTokensPerS },
  { metric: 'goodput', unit: '/s', better: 'higher', of: (s) => s.overall.throughput.goodputRequestsPerS },
  { metric: 'SLO compliance', unit: 'share', better: 'higher', of: (s) => s.overall.slo.compliance },
  { metric: 'success rate', unit: 'share', better: 'higher', of: (s) => (s.overall.requests === 0 ? null : s.overall.succeeded / s.overall.requests) },
];

export function compareToBaseline(baseline: Comparable, current: RunSummary, o: BaselineOptions): MetricDelta[] {
  return METRICS.map(({ metric, unit, better, of }) => {
    const b = of(baseline);
    const c = of(current);
    if (b === null || c === null) return { metric, unit, baseline: b, current: c, delta: null, changePct: null, regression: false };
    const delta = c - b;
    const changePct = b === 0 ? (delta === 0 ? 0 : null) : (delta / Math.abs(b)) * 100;
    const worsePct = better === 'lower' ? changePct : changePct === null ? null : -changePct;
    // From a zero baseline any worsening is unbounded in percent: it counts past the floor.
    const pastThreshold = worsePct === null ? (better === 'lower' ? delta > 0 : delta < 0) : worsePct > o.thresholdPct;
    const pastFloor = unit !== 'ms' || delta > o.minDeltaMs;
    return { metric, unit, baseline: b, current: c, delta, changePct, regression: pastThreshold && pastFloor };
  });
}

const fmt = (v: number | null, unit: MetricDelta['unit']): string =>
  v === null ? '-' : unit === 'share' ? `${(v * 100).toFixed(1)}%` : unit === 'ms' ? `${v.toFixed(2)} ms` : `${v.toFixed(2)}/s`;

export function formatDeltas(file: string, deltas: readonly MetricDelta[], o: BaselineOptions): string {
  const lines = deltas.map((d) => {
    const change = d.changePct === null ? '   n/a' : `${d.changePct >= 0 ? '+' : ''}${d.changePct.toFixed(1)}%`;
    return `  ${d.metric.padEnd(20)} ${fmt(d.baseline, d.unit).padStart(12)} → ${fmt(d.current, d.unit).padStart(12)}  ${change.padStart(8)}${d.regression ? '  REGRESSION' : ''}`;
  });
  const n = deltas.filter((d) => d.regression).length;
  const verdict = n === 0 ? 'no regression' : `${n} metric(s) regressed`;
  return [`against baseline ${file} (threshold ${o.thresholdPct}%, times also > ${o.minDeltaMs} ms): ${verdict}`, ...lines].join('\n');
}
