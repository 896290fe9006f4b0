import type { TestRecord } from './model.ts';
import { fence } from './text.ts';

function location(test: TestRecord): string {
  return `${test.file}:${test.line}`;
}

export function testName(test: TestRecord): string {
  return [...test.describes, test.title].join(' › ');
}

function failureBlock(test: TestRecord): string {
  const heading = `### ${test.outcome === 'flaky' ? '🔁' : '❌'} ${testName(test)}`;
  const meta = `\`${location(test)}\` · ${test.tags.join(' ') || 'untagged'} · attempts: ${test.retries + 1}`;
  const errors = test.errors.length > 0 ? test.errors.map((e) => fence(e)).join('\n\n') : '_no error message recorded_';
  const logs = test.logTails.map(
    (log) =>
      `<details><summary>${log.name} — last ${log.lines.length} lines</summary>\n\n${fence(log.lines.join('\n'))}\n\n</details>`,
  );
  return [heading, meta, errors, ...logs].join('\n\n');
}

/** Failed tests first, then flaky ones (their failing attempt), each with its error and process log tails. */
export function renderFailures(tests: TestRecord[], globalErrors: string[]): string | undefined {
  const failed = tests.filter((t) => t.outcome === 'failed');
  const flaky = tests.filter((t) => t.outcome === 'flaky');
  if (failed.length === 0 && flaky.length === 0 && globalErrors.length === 0) return undefined;
  const sections = ['## Failures'];
  if (globalErrors.length > 0) sections.push('### Errors outside tests', ...globalErrors.map((e) => fence(e)));
  sections.push(...failed.map(failureBlock));
  if (flaky.length > 0) sections.push('## Flaky tests (passed on retry)', ...flaky.map(failureBlock));
  return sections.join('\n\n');
}

export function renderAttachmentProblems(tests: TestRecord[]): string | undefined {
  const problems = tests.flatMap((t) => t.attachmentProblems);
  if (problems.length === 0) return undefined;
  return ['## Report warnings', ...problems.map((p) => `- ${p.replace(/\r?\n/g, ' ')}`)].join('\n');
}
