import { byMode } from './aggregate.ts';
import type { ScenarioMetrics } from './attachments.ts';
import { latencyChart } from './mermaid.ts';
import { ms, table } from './text.ts';

function throughput(tokens: number, durationMs: number): string {
  return durationMs === 0 ? '–' : (tokens / (durationMs / 1000)).toFixed(1);
}

function groupByScenario(metrics: ScenarioMetrics[]): Map<string, ScenarioMetrics[]> {
  const groups = new Map<string, ScenarioMetrics[]>();
  for (const m of metrics) groups.set(m.scenario, [...(groups.get(m.scenario) ?? []), m]);
  return groups;
}

function scenarioComparison(scenario: string, runs: ScenarioMetrics[]): string {
  const modes = byMode(runs);
  const bestAvg = Math.min(...modes.map((m) => m.latencyMs.avg));
  const rows = modes.map((m) => [
    m.name,
    m.runs,
    m.requests,
    ms(m.latencyMs.avg),
    ms(m.latencyMs.p95),
    ms(m.latencyMs.max),
    m.tokens,
    throughput(m.tokens, m.totalDurationMs),
    m.latencyMs.avg === bestAvg ? '1.00×' : `${(m.latencyMs.avg / bestAvg).toFixed(2)}×`,
  ]);
  // Per-run workloads must match for the latencies to be comparable; say so when they do not.
  const perRun = new Set(modes.map((m) => `${m.requests / m.runs}/${m.tokens / m.runs}`));
  const differs = perRun.size > 1 ? ['_⚠️ The modes did not run the same workload here (requests or tokens per run differ)._'] : [];
  return [
    `### ${scenario}`,
    ...differs,
    table(['Mode', 'Runs', 'Requests', 'Avg latency', 'p95', 'Max', 'Tokens', 'Tokens/s', 'Avg vs best'], rows),
    latencyChart(`${scenario}: latency per scheduling mode (bar: avg, line: p95)`, modes),
  ].join('\n\n');
}

/**
 * PLAS vs ATLAS vs FCFS (or whatever modes ran), like with like: only a scenario run under
 * two or more modes is compared, each within its own table.
 */
export function renderSchedulingComparison(metrics: ScenarioMetrics[]): string | undefined {
  const compared = [...groupByScenario(metrics.filter((m) => m.mode !== undefined)).entries()].filter(
    ([, runs]) => new Set(runs.map((r) => r.mode)).size >= 2,
  );
  if (compared.length === 0) return undefined;
  return [
    '## Scheduling mode comparison',
    '_Each table compares one scenario\'s workload under the modes it ran with; scenarios run under a single mode are not compared._',
    ...compared.map(([scenario, runs]) => scenarioComparison(scenario, runs)),
  ].join('\n\n');
}
