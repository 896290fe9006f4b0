import { countOutcomes } from './counts.ts';
import type { TestRecord } from './model.ts';
import { ms, table } from './text.ts';

function groupTable(title: string, keyHeader: string, groups: Map<string, TestRecord[]>): string {
  const rows = [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, tests]) => {
      const c = countOutcomes(tests);
      const duration = tests.reduce((sum, t) => sum + t.durationMs, 0);
      return [key, c.passed, c.failed, c.flaky, c.skipped, c.total, ms(duration)];
    });
  return [`### ${title}`, table([keyHeader, 'Passed', 'Failed', 'Flaky', 'Skipped', 'Total', 'Time'], rows)].join('\n\n');
}

function groupsOf(tests: TestRecord[], keys: (t: TestRecord) => string[]): Map<string, TestRecord[]> {
  const groups = new Map<string, TestRecord[]>();
  for (const test of tests) {
    for (const key of keys(test)) groups.set(key, [...(groups.get(key) ?? []), test]);
  }
  return groups;
}

/** A test that ran against stand-in executables counts in a row of its own: `@gpu_1` counts only real engines. */
export const STAND_IN_ROW = ' (stand-ins)';
const row = (test: TestRecord, key: string): string => (test.standIn ? `${key}${STAND_IN_ROW}` : key);

export function renderTables(tests: TestRecord[]): string | undefined {
  if (tests.length === 0) return undefined;
  const byTag = groupsOf(tests, (t) => (t.tags.length > 0 ? t.tags : ['(untagged)']).map((tag) => row(t, tag)));
  const byFolder = groupsOf(tests, (t) => [row(t, t.folder === '.' ? '(root)' : t.folder)]);
  return ['## Results by tag and folder', groupTable('By tag', 'Tag', byTag), groupTable('By folder', 'Folder', byFolder)].join(
    '\n\n',
  );
}
