import { byMode } from './aggregate.ts';
import type { ScenarioMetrics } from './attachments.ts';
import { latencyChart } from './mermaid.ts';
import { ms, table } from './text.ts';

function throughput(tokens: number, durationMs: number): string {
  return durationMs === 0 ? '–' : (tokens / (durationMs / 1000)).toFixed(1);
}

/** PLAS vs ATLAS vs FCFS (or whatever modes ran): only when two or more modes have metrics. */
export function renderSchedulingComparison(metrics: ScenarioMetrics[]): string | undefined {
  const modes = byMode(metrics);
  if (modes.length < 2) return undefined;
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
  return [
    '## Scheduling mode comparison',
    table(['Mode', 'Scenarios', 'Requests', 'Avg latency', 'p95', 'Max', 'Tokens', 'Tokens/s', 'Avg vs best'], rows),
    latencyChart('Latency per scheduling mode (bar: avg, line: p95)', modes),
  ].join('\n\n');
}
