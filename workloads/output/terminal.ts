// What the CLI prints: a live progress line and the end-of-run digest.

import type { Distribution } from '../metrics/histogram.ts';
import type { GroupSummary, RunSummary } from '../metrics/summary.ts';
import type { ProgressSnapshot } from '../replay.ts';

const ms = (v: number | null): string => (v === null ? '-' : v < 10 ? v.toFixed(2) : v.toFixed(0));
const pct = (v: number): string => `${(v * 100).toFixed(1)}%`;

export function progressLine(p: ProgressSnapshot): string {
  const eta = Number.isFinite(p.etaS) ? `${Math.ceil(p.etaS)}s` : '?';
  return `[replay] ${p.sent}/${p.total} sent  ${p.rate.toFixed(1)} req/s  in flight ${p.inFlight}  done ${p.done}  errors ${p.errors}  ETA ${eta}`;
}

function distLine(name: string, d: Distribution): string {
  return `  ${name.padEnd(18)} n=${String(d.count).padEnd(6)} p50 ${ms(d.p50)}  p90 ${ms(d.p90)}  p95 ${ms(d.p95)}  p99 ${ms(d.p99)}  p99.9 ${ms(d.p999)}  max ${ms(d.max)}`;
}

function groupLines(title: string, groups: Record<string, GroupSummary>): string[] {
  const width = Math.max(16, ...Object.keys(groups).map((k) => k.length));
  return [
    title,
    ...Object.entries(groups).map(
      ([k, g]) =>
        `  ${k.padEnd(width)} n=${String(g.requests).padEnd(6)} failed ${g.failed}  TTFT p50 ${ms(g.ttftMs.p50)} p99 ${ms(g.ttftMs.p99)}  E2E p50 ${ms(g.e2eMs.p50)} p99 ${ms(g.e2eMs.p99)}  SLO ${pct(g.slo.compliance)}`,
    ),
  ];
}

export function digest(s: RunSummary): string {
  const o = s.overall;
  const t = o.throughput;
  const rate = s.schedule.rateRatio === null ? '' : `  achieved/requested ${pct(s.schedule.rateRatio)}`;
  return [
    `trace ${s.run.trace} (${s.run.arrival}, ${s.run.loop}) against ${s.run.apiBase}`,
    `requests ${s.run.requests}  sent ${s.run.sent}  ok ${o.succeeded}  failed ${o.failed}  skipped rows ${s.run.skippedRows}  duration ${s.run.durationS.toFixed(2)} s`,
    `throughput ${t.requestsPerS.toFixed(2)} req/s  ${t.outputTokensPerS.toFixed(1)} out tok/s  goodput ${t.goodputRequestsPerS.toFixed(2)} req/s  SLO compliance ${pct(o.slo.compliance)}`,
    `latency (ms, from scheduled send time)`,
    distLine('TTFT', o.ttftMs),
    distLine('TPOT', o.tpotMs),
    distLine('ITL', o.itlMs),
    distLine('E2E', o.e2eMs),
    distLine('client duration', o.clientDurationMs),
    distLine('queue (server)', o.queueMs),
    distLine('schedule delay', s.schedule.delayMs) + rate,
    ...groupLines('by priority', s.byPriority),
    ...groupLines('by mode', s.byMode),
    ...groupLines('by model (as in the trace)', s.byModel),
    ...groupLines(
      'by provider and served model',
      Object.fromEntries(Object.entries(s.byProvider).flatMap(([provider, models]) => Object.entries(models).map(([model, g]) => [`${provider}  ${model}`, g]))),
    ),
    ...(Object.keys(s.errors).length > 0 ? ['errors', ...Object.entries(s.errors).map(([k, n]) => `  ${k}: ${n}`)] : []),
  ].join('\n');
}
