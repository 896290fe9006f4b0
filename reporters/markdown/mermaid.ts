import type { ScenarioAggregate } from './aggregate.ts';
import type { Counts } from './counts.ts';
import { fence } from './text.ts';

/** Mermaid labels live inside double quotes; GitHub's renderer has no escape for them. */
function label(text: string): string {
  return `"${text.replace(/"/g, "'").replace(/[\r\n]+/g, ' ')}"`;
}

function num(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

export function pie(title: string, slices: [string, number][]): string {
  const lines = slices.filter(([, v]) => v > 0).map(([name, v]) => `  ${label(name)} : ${num(v)}`);
  return fence([`pie showData title ${title}`, ...lines].join('\n'), 'mermaid');
}

export function outcomePie(counts: Counts): string {
  return pie('Test outcomes', [
    ['passed', counts.passed],
    ['failed', counts.failed],
    ['flaky', counts.flaky],
    ['skipped', counts.skipped],
  ]);
}

/** Bars for average latency, a line for p95, one x position per aggregate. */
export function latencyChart(title: string, aggregates: ScenarioAggregate[]): string {
  const top = Math.max(...aggregates.map((a) => a.latencyMs.p95), ...aggregates.map((a) => a.latencyMs.avg), 1);
  return fence(
    [
      'xychart-beta',
      `  title ${label(title)}`,
      `  x-axis [${aggregates.map((a) => label(a.name)).join(', ')}]`,
      `  y-axis "latency (ms)" 0 --> ${num(Math.ceil(top * 1.1))}`,
      `  bar [${aggregates.map((a) => num(a.latencyMs.avg)).join(', ')}]`,
      `  line [${aggregates.map((a) => num(a.latencyMs.p95)).join(', ')}]`,
    ].join('\n'),
    'mermaid',
  );
}
