import type { TestCase, TestResult } from '@playwright/test/reporter';
import { GENIE_RESULTS } from '../../protocol/attachments/genie-results.ts';
import { SCENARIO_METRICS } from '../../protocol/attachments/scenario-metrics.ts';
import { attachmentText, parseJsonAttachment, type AttachmentLike, type Parsed } from './attachments.ts';
import { specLocation } from '../spec-location.ts';
import type { LogTail, Outcome, TestRecord } from './model.ts';
import { stripAnsi } from './text.ts';

export const SERVICES_PROVIDER_ANNOTATION = 'services-provider';
export const STACK_PROFILE_ANNOTATION = 'stack-profile';
/** Set by the stack fixture when the profile's executables are stand-ins, not real engines. */
export const STAND_IN_ANNOTATION = 'stand-in';

const OUTCOMES: Record<ReturnType<TestCase['outcome']>, Outcome> = {
  expected: 'passed',
  unexpected: 'failed',
  flaky: 'flaky',
  skipped: 'skipped',
};

function isProcessLog(attachment: AttachmentLike): boolean {
  return attachment.name.endsWith('.log') && attachment.contentType.startsWith('text/plain');
}

function logTail(attachment: AttachmentLike, lines: number): LogTail {
  let text: string;
  try {
    text = attachmentText(attachment);
  } catch (error) {
    return { name: attachment.name, lines: [`(log unreadable: ${(error as Error).message})`] };
  }
  const all = stripAnsi(text).replace(/\n+$/, '').split('\n');
  return { name: attachment.name, lines: all.slice(-lines) };
}

function annotationOf(test: TestCase, result: TestResult, type: string): string | undefined {
  const found = [...result.annotations, ...test.annotations].find((a) => a.type === type);
  return found?.description;
}

function errorText(result: TestResult): string[] {
  return result.errors.map((error) => stripAnsi(error.message ?? error.value ?? 'unknown error'));
}

function parsedAll<T>(parsed: Parsed<T>[], problems: string[]): T[] {
  const values: T[] = [];
  for (const p of parsed) {
    if (p.ok) values.push(p.value);
    else problems.push(p.problem);
  }
  return values;
}

export interface CollectOptions {
  /** Lines of each process log kept for a failure. */
  logTailLines: number;
  /** The config's rootDir: files and folders are named relative to it. */
  rootDir?: string;
}

/**
 * Builds the record for a test from its latest attempt. `previous` is the record of the
 * attempt before, kept for its failure details when a retry passes (a flaky test).
 */
export function collectTest(test: TestCase, result: TestResult, options: CollectOptions, previous?: TestRecord): TestRecord {
  const { file, folder } = specLocation(test, options.rootDir);
  const where = `${file}:${test.location.line}`;
  const failedAttempt = result.status !== 'passed' && result.status !== 'skipped';
  const problems: string[] = [];
  const json = (name: string) => result.attachments.filter((a) => a.name === name);

  return {
    title: test.title,
    describes: test.titlePath().slice(3, -1),
    file,
    line: test.location.line,
    folder,
    tags: [...test.tags],
    outcome: OUTCOMES[test.outcome()],
    durationMs: test.results.reduce((sum, r) => sum + r.duration, 0),
    retries: result.retry,
    skipReason: result.status === 'skipped' ? annotationOf(test, result, 'skip') : undefined,
    servicesProvider: annotationOf(test, result, SERVICES_PROVIDER_ANNOTATION),
    stackProfile: annotationOf(test, result, STACK_PROFILE_ANNOTATION),
    standIn: annotationOf(test, result, STAND_IN_ANNOTATION),
    errors: failedAttempt ? errorText(result) : (previous?.errors ?? []),
    logTails: failedAttempt
      ? result.attachments.filter(isProcessLog).map((a) => logTail(a, options.logTailLines))
      : (previous?.logTails ?? []),
    attachmentNames: result.attachments.map((a) => a.name),
    scenarioMetrics: parsedAll(
      json(SCENARIO_METRICS.name).map((a) => parseJsonAttachment(a, SCENARIO_METRICS.schema, where)),
      problems,
    ),
    genieResults: parsedAll(
      json(GENIE_RESULTS.name).map((a) => parseJsonAttachment(a, GENIE_RESULTS.schema, where)),
      problems,
    ),
    attachmentProblems: problems,
  };
}
