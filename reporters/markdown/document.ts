import { renderAttachmentProblems, renderFailures } from './failures.ts';
import { renderGenie } from './genie.ts';
import type { RunRecord } from './model.ts';
import { renderPerformance } from './performance.ts';
import { renderSchedulingComparison } from './scheduling.ts';
import { renderSessionStatistics } from './session-statistics.ts';
import { renderSummary } from './summary.ts';
import { renderSystemStatistics } from './system-statistics.ts';
import { renderTables } from './tables.ts';

export function renderDocument(run: RunRecord, title = 'servewright test summary'): string {
  const metrics = run.tests.flatMap((t) => t.scenarioMetrics);
  const sections = [
    `# ${title}`,
    renderSummary(run),
    renderTables(run.tests),
    renderFailures(run.tests, run.globalErrors),
    renderPerformance(metrics),
    renderSessionStatistics(metrics),
    renderSchedulingComparison(metrics),
    renderSystemStatistics(metrics),
    renderGenie(run.tests.flatMap((t) => t.genieResults)),
    renderAttachmentProblems(run.tests),
  ];
  return `${sections.filter((s): s is string => s !== undefined).join('\n\n')}\n`;
}
