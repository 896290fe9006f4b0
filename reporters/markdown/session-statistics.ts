import type { ScenarioMetrics } from './attachments.ts';
import { ms, table } from './text.ts';

interface SessionRow {
  scenario: string;
  mode?: string;
  runs: number;
  serviceTimeMs?: number;
  totalCalls?: number;
  activeThreads?: number;
}

const add = (a: number | undefined, b: number | undefined): number | undefined => (b === undefined ? a : (a ?? 0) + b);

/**
 * The seed's "Session Statistics" of each scenario: the service its program attained and,
 * from the frontend's process table, its calls and threads. Runs of a scenario add up
 * their service and calls; threads are the most any run had.
 */
export function renderSessionStatistics(metrics: ScenarioMetrics[]): string | undefined {
  const rows = new Map<string, SessionRow>();
  for (const m of metrics) {
    if (m.session === undefined && m.serviceTimeMs === undefined) continue;
    const key = JSON.stringify([m.scenario, m.mode ?? null]);
    const row = rows.get(key) ?? { scenario: m.scenario, ...(m.mode === undefined ? {} : { mode: m.mode }), runs: 0 };
    row.runs++;
    row.serviceTimeMs = add(row.serviceTimeMs, m.serviceTimeMs);
    row.totalCalls = add(row.totalCalls, m.session?.totalCalls);
    if (m.session) row.activeThreads = Math.max(row.activeThreads ?? 0, m.session.activeThreads);
    rows.set(key, row);
  }
  if (rows.size === 0) return undefined;
  const dash = (v: number | undefined, f: (n: number) => string | number = (n) => n) => (v === undefined ? '–' : f(v));
  return [
    '### Session statistics',
    table(
      ['Scenario', 'Mode', 'Runs', 'Service time', 'Total calls', 'Active threads'],
      [...rows.values()].map((r) => [r.scenario, r.mode ?? '–', r.runs, dash(r.serviceTimeMs, ms), dash(r.totalCalls), dash(r.activeThreads)]),
    ),
  ].join('\n\n');
}
