import type { ScenarioMetrics, SystemStatistics } from './attachments.ts';
import { table } from './text.ts';

type Counters = Record<string, number>;

const PARTS: [keyof Omit<SystemStatistics, 'engines'>, string][] = [
  ['frontend', 'Frontend'],
  ['scheduler', 'Scheduler'],
  ['loadBalancer', 'Load balancer'],
];

function value(v: number | undefined): string | number {
  if (v === undefined) return '–';
  return Number.isInteger(v) ? v : v.toFixed(1);
}

/** One table: a row per labelled set of counters, a column per counter name any row has. */
function countersTable(first: string, rows: [string[], Counters][]): string {
  const names = [...new Set(rows.flatMap(([, c]) => Object.keys(c)))];
  const width = rows[0]![0].length;
  const header = [first, ...(width > 1 ? ['Engine'] : []), ...names];
  return table(header, rows.map(([labels, c]) => [...labels, ...names.map((n) => value(c[n]))]));
}

/**
 * The seed's "System Statistics": frontend, scheduler, load-balancer and engine counters as
 * each scenario left them, one row per scenario run (counters are per run, not summed).
 */
export function renderSystemStatistics(metrics: ScenarioMetrics[]): string | undefined {
  const runs: [string, SystemStatistics][] = [];
  const seen = new Map<string, number>();
  for (const m of metrics) {
    if (!m.system) continue;
    const title = m.mode === undefined ? m.scenario : `${m.scenario} (${m.mode})`;
    const n = (seen.get(title) ?? 0) + 1;
    seen.set(title, n);
    runs.push([n === 1 ? title : `${title} #${n}`, m.system]);
  }
  if (runs.length === 0) return undefined;
  const engineRows = runs.flatMap(([title, s]) =>
    Object.entries(s.engines)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([engine, c]): [string[], Counters] => [[title, engine], c]),
  );
  return [
    '## System statistics',
    ...PARTS.flatMap(([part, heading]) => [`### ${heading}`, countersTable('Scenario', runs.map(([title, s]) => [[title], s[part]]))]),
    ...(engineRows.length === 0 ? [] : ['### Engines', countersTable('Scenario', engineRows)]),
  ].join('\n\n');
}
