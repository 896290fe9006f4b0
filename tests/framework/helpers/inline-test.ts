// The one harness for self-tests that run a child `playwright test` (Playwright's own
// runInlineTest pattern): write a few files and a config under the test's output folder,
// run the child there, and hand back its exit code, output, counts, per-test results and
// the reports it wrote. Each self-test writes the few inline tests it asserts on. A child
// that a test must signal mid-run (as CI would kill it) is started instead of run.

import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { test as base, type ManagedProcess } from 'servewright';
import { REPO_ROOT } from '../../../fixtures/state-dir.ts';
import type { RunRecord } from '../../../reporters/markdown/model.ts';

const CLI = join(REPO_ROOT, 'node_modules/@playwright/test/cli.js');
const REPORTERS_CONFIG = join(REPO_ROOT, 'reporters/config.ts');
const TSX = join(REPO_ROOT, 'node_modules/tsx/dist/cli.mjs');
const REPORT_SCRIPT = join(REPO_ROOT, 'scripts/report.ts');
/** Written by the JSON reporter the harness adds to every child run. */
const JSON_REPORT = 'inline-report.json';

export interface AllureResultFile {
  name: string;
  status: string;
  fullName?: string;
  labels: { name: string; value: string }[];
  parameters?: { name: string; value: string }[];
  attachments: { name: string; source: string; type: string }[];
  steps: { name: string; status: string; steps: unknown[] }[];
  statusDetails?: { message?: string };
}

export interface ChildRun {
  exitCode: number;
  output: string;
}

export interface InlineProjectOptions {
  /** The folder under the test's output folder; runs in one test that must not share files use different ones. */
  name?: string;
  /** Extra top-level config fields, e.g. `{ retries: 1 }` or `{ projects: [...] }`. */
  config?: Record<string, unknown>;
  /** A TS expression for the `reporter` field; the servewright reporters by default. */
  reporter?: string;
}

export interface InlineRunOptions extends InlineProjectOptions {
  args?: string[];
  env?: Record<string, string>;
  /**
   * Run from this folder (with `-c <project>/playwright.config.ts`) instead of the project's:
   * for specs that name files relative to the repository. Use with `reporter: '[]'`, since
   * Allure's results folder is relative to the working directory.
   */
  cwd?: string;
}

export type Outcome = 'passed' | 'failed' | 'flaky' | 'skipped';

/** One test of the child run, from its JSON report. */
export interface InlineTestRecord {
  title: string;
  /** describe titles and the test title */
  titlePath: string[];
  file: string;
  projectName: string;
  outcome: Outcome;
  /** status of each attempt, in order */
  statuses: string[];
  annotations: { type: string; description?: string }[];
  errors: string[];
  /** titles of the last attempt's top-level steps, hooks and fixtures included */
  steps: string[];
  /** attachments of the last attempt; `path` for files, `body` (base64) for inline ones */
  attachments: { name: string; contentType: string; path?: string; body?: string }[];
}

export interface InlineRunResult extends ChildRun {
  dir: string;
  counts: Record<Outcome, number>;
  results: InlineTestRecord[];
  /** reports/summary.md and reports/run.json, when the servewright reporters ran */
  markdown: string | undefined;
  run: RunRecord | undefined;
  allure: AllureResultFile[];
  /** Allure's "Global Errors": what allure-playwright wrote outside any test result */
  allureGlobalErrors: string[];
}

export interface InlineStartOptions {
  /** The child runner's process name in this test (its output is `<name>.log`, attached). */
  name: string;
  env?: Record<string, string>;
  /** Resolves true once the child got far enough to be signalled; waited for up to 60 s. */
  ready?: () => Promise<boolean>;
}

export interface InlineTest {
  /** Writes the files and a playwright.config.ts (unless given) into a fresh project folder; returns it. */
  write(files: Record<string, string>, options?: InlineProjectOptions): string;
  /** Writes, runs the child `playwright test` there and reads what it reported. */
  run(files: Record<string, string>, options?: InlineRunOptions): Promise<InlineRunResult>;
  /** Another `playwright` command in a project folder written before (`test --shard=1/2`, `test --list`). */
  playwright(dir: string, args: string[], env?: Record<string, string>): Promise<ChildRun>;
  /** `npm run report` for that project folder. */
  report(dir: string, args?: string[], env?: Record<string, string>): Promise<ChildRun>;
  /** What the last child run in `dir` reported. */
  read(dir: string, child: ChildRun): InlineRunResult;
  /**
   * Starts `playwright <args>` in `dir` without waiting for its end: a managed process of this
   * test in a process group of its own, so a test can SIGKILL the group, SIGTERM the runner or
   * crash a worker; it is stopped and its output attached when the test ends.
   */
  start(dir: string, args: string[], options: InlineStartOptions): Promise<ManagedProcess>;
}

/** Every variable of this process unset: a child's environment is exactly childEnv()'s. */
const PARENT_ENV_UNSET: Record<string, undefined> = Object.fromEntries(Object.keys(process.env).map((key) => [key, undefined]));

/** The child must not think it is a worker of the parent run, nor write to the parent's CI summary. */
export function childEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined) continue;
    if (/^(PW_|PLAYWRIGHT_|TEST_)/.test(key)) continue;
    if (['GITHUB_STEP_SUMMARY', 'NODE_OPTIONS', 'FORCE_COLOR', 'CI', 'STACK', 'SERVICES', 'SERVEWRIGHT_REPORTS_DIR'].includes(key)) continue;
    env[key] = value;
  }
  return { ...env, FORCE_COLOR: '0', ...extra };
}

async function runNode(dir: string, args: string[], env?: Record<string, string>): Promise<ChildRun> {
  const child = await execa('node', args, { cwd: dir, env: childEnv(env), extendEnv: false, reject: false, all: true, timeout: 120_000 });
  return { exitCode: child.exitCode ?? -1, output: child.all ?? '' };
}

function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [name, content] of Object.entries(files)) {
    const path = join(dir, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
  }
}

function configFile(options: InlineProjectOptions): string {
  const config = { testDir: '.', workers: 1, retries: 0, ...options.config };
  const reporter = options.reporter ?? 'servewrightReporters()';
  return [
    `import { defineConfig } from '@playwright/test';`,
    `import { servewrightReporters } from ${JSON.stringify(REPORTERS_CONFIG)};`,
    `export default defineConfig({ ...${JSON.stringify(config)}, reporter: [...${reporter}, ['json', { outputFile: ${JSON.stringify(JSON_REPORT)} }]] });`,
  ].join('\n');
}

interface JsonSuite {
  title: string;
  file?: string;
  specs: { title: string; file: string; tests: JsonTest[] }[];
  suites?: JsonSuite[];
}
interface JsonTest {
  projectName: string;
  status: 'expected' | 'unexpected' | 'flaky' | 'skipped';
  annotations: { type: string; description?: string }[];
  results: { status: string; errors: { message?: string }[]; steps?: { title: string }[]; attachments: InlineTestRecord['attachments'] }[];
}

const OUTCOMES: Record<JsonTest['status'], Outcome> = { expected: 'passed', unexpected: 'failed', flaky: 'flaky', skipped: 'skipped' };

function testsOf(suite: JsonSuite, path: string[]): InlineTestRecord[] {
  const here = suite.file === undefined || suite.title !== suite.file ? [...path, suite.title] : path;
  return [
    ...suite.specs.flatMap((spec) =>
      spec.tests.map((t) => ({
        title: spec.title,
        titlePath: [...here, spec.title],
        file: spec.file,
        projectName: t.projectName,
        outcome: OUTCOMES[t.status],
        statuses: t.results.map((r) => r.status),
        annotations: t.annotations,
        errors: t.results.flatMap((r) => r.errors.map((e) => e.message ?? '')),
        steps: (t.results.at(-1)?.steps ?? []).map((step) => step.title),
        attachments: t.results.at(-1)?.attachments ?? [],
      })),
    ),
    ...(suite.suites ?? []).flatMap((s) => testsOf(s, here)),
  ];
}

function readResults(dir: string): InlineTestRecord[] {
  const path = join(dir, JSON_REPORT);
  if (!existsSync(path)) return [];
  const report = JSON.parse(readFileSync(path, 'utf8')) as { suites: JsonSuite[] };
  return report.suites.flatMap((s) => testsOf(s, []));
}

function readJsonFiles<T>(dir: string, suffix: string): T[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(suffix))
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as T);
}

export function readAllureResults(dir: string): AllureResultFile[] {
  return readJsonFiles<AllureResultFile>(join(dir, 'allure-results'), '-result.json');
}

function read(dir: string, child: ChildRun): InlineRunResult {
  const results = readResults(dir);
  const counts: Record<Outcome, number> = { passed: 0, failed: 0, flaky: 0, skipped: 0 };
  for (const r of results) counts[r.outcome] += 1;
  const summary = join(dir, 'reports/summary.md');
  const runJson = join(dir, 'reports/run.json');
  const globals = readJsonFiles<{ errors?: { message?: string }[] }>(join(dir, 'allure-results'), '-globals.json');
  return {
    ...child,
    dir,
    counts,
    results,
    markdown: existsSync(summary) ? readFileSync(summary, 'utf8') : undefined,
    run: existsSync(runJson) ? (JSON.parse(readFileSync(runJson, 'utf8')) as RunRecord) : undefined,
    allure: readAllureResults(dir),
    allureGlobalErrors: globals.flatMap((g) => (g.errors ?? []).map((e) => e.message ?? '(no message)')),
  };
}

export const test = base.extend<{ inline: InlineTest }>({
  inline: async ({ procs }, use, testInfo) => {
    const write: InlineTest['write'] = (files, options = {}) => {
      const dir = testInfo.outputPath(options.name ?? 'inline');
      writeFiles(dir, {
        'package.json': JSON.stringify({ name: 'inline-test', private: true, type: 'module' }),
        'playwright.config.ts': configFile(options),
        ...files,
      });
      return dir;
    };
    const playwright: InlineTest['playwright'] = (dir, args, env) => runNode(dir, [CLI, ...args], env);
    await use({
      write,
      playwright,
      read,
      report: (dir, args = [], env) => runNode(dir, [TSX, REPORT_SCRIPT, '--dir', dir, ...args], env),
      start: (dir, args, { name, env, ready }) =>
        procs.start({
          name,
          command: process.execPath,
          args: [CLI, ...args],
          cwd: dir,
          env: { ...PARENT_ENV_UNSET, ...childEnv(env) },
          ready: ready && { check: ready, timeoutMs: 60_000 },
        }),
      async run(files, options = {}) {
        const dir = write(files, options);
        const args = ['test', ...(options.cwd ? ['-c', join(dir, 'playwright.config.ts')] : []), ...(options.args ?? [])];
        return read(dir, await runNode(options.cwd ?? dir, [CLI, ...args], options.env));
      },
    });
  },
});

export { expect } from 'servewright';
