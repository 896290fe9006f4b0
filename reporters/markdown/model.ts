import type { GenieResults, ScenarioMetrics } from './attachments.ts';

export type Outcome = 'passed' | 'failed' | 'flaky' | 'skipped';

export interface LogTail {
  name: string;
  lines: string[];
}

/** One test as the summary sees it: its final outcome plus what its attachments said. */
export interface TestRecord {
  title: string;
  /** describe titles, outermost first */
  describes: string[];
  /** path relative to the config's rootDir (its top-level testDir), else the project's testDir; POSIX separators */
  file: string;
  line: number;
  /** folder of `file`, `.` for files at the root */
  folder: string;
  tags: string[];
  outcome: Outcome;
  durationMs: number;
  retries: number;
  skipReason?: string;
  servicesProvider?: string;
  stackProfile?: string;
  /** What stood in for the real engines (the `stand-in` annotation), when the test ran on stand-ins. */
  standIn?: string;
  /** errors of the last failing attempt (failed and flaky tests) */
  errors: string[];
  logTails: LogTail[];
  attachmentNames: string[];
  scenarioMetrics: ScenarioMetrics[];
  genieResults: GenieResults[];
  /** attachments that could not be read or did not match their contract */
  attachmentProblems: string[];
}

export interface RunEnvironment {
  stack: string;
  servicesFallback: string;
  machine: string;
  node: string;
}

/** Everything the Markdown renderers need; also what the reporter dumps as JSON. */
export interface RunRecord {
  startedAt: string;
  durationMs: number;
  status: 'passed' | 'failed' | 'timedout' | 'interrupted';
  environment: RunEnvironment;
  /** set when this run was one shard: its summary is partial until merge-reports */
  shard: { current: number; total: number } | null;
  tests: TestRecord[];
  /** errors outside any test (config, global setup, worker crashes) */
  globalErrors: string[];
}
