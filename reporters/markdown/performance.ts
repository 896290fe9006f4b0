import { byScenario, type ScenarioAggregate } from './aggregate.ts';
import type { ScenarioMetrics } from './attachments.ts';
import { latencyChart, pie } from './mermaid.ts';
import { ms, pct, table } from './text.ts';

function engineTable(distribution: Record<string, number>): string {
  const total = Object.values(distribution).reduce((a, b) => a + b, 0);
  const rows = Object.entries(distribution)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([engine, n]) => [engine, n, pct(n, total)]);
  return table(['Engine', 'Requests', 'Percentage'], rows);
}

function scenarioTitle(a: ScenarioAggregate): string {
  return a.mode ? `${a.name} (${a.mode})` : a.name;
}

function scenarioBlock(a: ScenarioAggregate): string {
  const facts = [
    `- **Runs:** ${a.runs}`,
    `- **Total duration:** ${ms(a.totalDurationMs)}`,
    `- **Requests:** ${a.requests}`,
    `- **Tokens:** ${a.tokens}`,
    ...(a.serviceTimeMs === undefined ? [] : [`- **Service time:** ${ms(a.serviceTimeMs)}`]),
  ];
  const parts = [`### ${scenarioTitle(a)}`, facts.join('\n')];
  if (Object.keys(a.engineDistribution).length > 0) {
    parts.push('#### Engine distribution', engineTable(a.engineDistribution));
  }
  return parts.join('\n\n');
}

function latencyTable(aggregates: ScenarioAggregate[]): string {
  return table(
    ['Scenario', 'Mode', 'Requests', 'Min', 'Avg', 'Max', 'p95', 'Tokens'],
    aggregates.map((a) => [
      a.name,
      a.mode ?? '–',
      a.requests,
      ms(a.latencyMs.min),
      ms(a.latencyMs.avg),
      ms(a.latencyMs.max),
      ms(a.latencyMs.p95),
      a.tokens,
    ]),
  );
}

function cacheTable(aggregates: ScenarioAggregate[]): string | undefined {
  const withCache = aggregates.filter((a) => a.cache);
  if (withCache.length === 0) return undefined;
  return [
    '### Cache statistics',
    table(
      ['Scenario', 'Hits', 'Lookups', 'Hit rate'],
      withCache.map((a) => [scenarioTitle(a), a.cache!.hits, a.cache!.lookups, pct(a.cache!.hits, a.cache!.lookups)]),
    ),
  ].join('\n\n');
}

function overallEngines(aggregates: ScenarioAggregate[]): [string, number][] {
  const total = new Map<string, number>();
  for (const a of aggregates) {
    for (const [engine, n] of Object.entries(a.engineDistribution)) total.set(engine, (total.get(engine) ?? 0) + n);
  }
  return [...total.entries()].sort(([a], [b]) => a.localeCompare(b));
}

/** The "Performance" section: every scenario-metrics attachment of the run, folded per scenario. */
export function renderPerformance(metrics: ScenarioMetrics[]): string | undefined {
  if (metrics.length === 0) return undefined;
  const aggregates = byScenario(metrics);
  const engines = overallEngines(aggregates);
  const parts = [
    '## Performance',
    '_p95 of a scenario seen in several runs is the largest per-run p95 (raw samples are not attached)._',
    latencyTable(aggregates),
    latencyChart('Latency per scenario (bar: avg, line: p95)', aggregates),
    cacheTable(aggregates),
    engines.length > 0 ? pie('Requests per engine (all scenarios)', engines) : undefined,
    ...aggregates.map(scenarioBlock),
  ];
  return parts.filter((p): p is string => p !== undefined).join('\n\n');
}
