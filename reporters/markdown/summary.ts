import { countOutcomes } from './counts.ts';
import { outcomePie } from './mermaid.ts';
import type { RunRecord } from './model.ts';
import { ms, table } from './text.ts';

const STATUS_BADGE: Record<RunRecord['status'], string> = {
  passed: '✅ passed',
  failed: '❌ failed',
  timedout: '⏱️ timed out',
  interrupted: '⛔ interrupted',
};

/** Distinct values the tests recorded for an annotation, else the environment's fallback. */
function recorded(run: RunRecord, field: 'servicesProvider' | 'stackProfile', fallback: string): string {
  const seen = [...new Set(run.tests.flatMap((t) => (t[field] ? [t[field]] : [])))];
  return seen.length > 0 ? seen.join(', ') : fallback;
}

function skipReasons(run: RunRecord): string | undefined {
  const reasons = new Map<string, number>();
  for (const test of run.tests) {
    if (test.outcome !== 'skipped') continue;
    const reason = test.skipReason ?? '(no reason given)';
    reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  }
  if (reasons.size === 0) return undefined;
  return table(
    ['Skip reason', 'Tests'],
    [...reasons.entries()].sort((a, b) => b[1] - a[1]).map(([reason, n]) => [reason, n]),
  );
}

function standIns(run: RunRecord): string | undefined {
  const tests = run.tests.filter((t) => t.standIn !== undefined);
  if (tests.length === 0) return undefined;
  const what = [...new Set(tests.map((t) => t.standIn))].join(', ');
  return (
    `**Stand-ins:** ${tests.length} test(s) ran against stand-in executables (${what}), not real engines. ` +
    `The tables count them in rows of their own (\`… (stand-ins)\`), so no GPU tier counts them.`
  );
}

export function renderSummary(run: RunRecord): string {
  const counts = countOutcomes(run.tests);
  const parts = [
    '## Executive summary',
    `**Run:** ${STATUS_BADGE[run.status]} · started ${run.startedAt} · took ${ms(run.durationMs)}` +
      (run.shard ? ` · **partial: shard ${run.shard.current} of ${run.shard.total}**` : ''),
    table(
      ['Passed', 'Failed', 'Flaky', 'Skipped', 'Total'],
      [[counts.passed, counts.failed, counts.flaky, counts.skipped, counts.total]],
    ),
    table(
      ['Stack profile', 'Services provider', 'Machine', 'Node'],
      [[recorded(run, 'stackProfile', run.environment.stack), recorded(run, 'servicesProvider', run.environment.servicesFallback), run.environment.machine, run.environment.node]],
    ),
    standIns(run),
    skipReasons(run),
    counts.total > 0 ? outcomePie(counts) : undefined,
  ];
  return parts.filter((p): p is string => p !== undefined).join('\n\n');
}
