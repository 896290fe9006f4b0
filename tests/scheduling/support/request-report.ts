// The seed's console report of a scenario (one line per request, then the scenario's
// duration and average latency), written as a text attachment so it reaches the HTML,
// Allure and Markdown reports instead of interleaving with the list reporter's output.

import type { ScenarioMetrics } from '../../../reporters/markdown/attachments.ts';

const seconds = (ms: number | null): string => (ms === null ? '–' : `${(ms / 1000).toFixed(3)}s`);

export function requestReport(metrics: ScenarioMetrics): string {
  const lines = metrics.perRequest ?? [];
  const width = String(lines.length).length;
  const title = metrics.mode === undefined ? metrics.scenario : `${metrics.scenario} (${metrics.mode})`;
  return [
    `SCENARIO: ${title}`,
    ...lines.map(
      (r, i) =>
        `Request ${String(i + 1).padStart(width)}/${lines.length}: latency=${seconds(r.latencyMs)}, tokens=${r.tokens}, ` +
        `engine=${r.engine}, priority=${r.priority ?? '–'}, service=${seconds(r.serviceTimeMs)}, ` +
        `waiting=${seconds(r.waitingTimeMs)}, thread=${r.threadId ?? '–'}, id=${r.requestId}`,
    ),
    `Scenario completed in ${seconds(metrics.totalDurationMs)}`,
    `Average latency: ${seconds(metrics.latencyMs.avg)}`,
    '',
  ].join('\n');
}

export function requestReportName(metrics: ScenarioMetrics): string {
  return `requests ${metrics.scenario}${metrics.mode === undefined ? '' : ` (${metrics.mode})`}.txt`;
}
