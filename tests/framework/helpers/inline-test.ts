import { mkdirSync, readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import type { RunRecord } from '../../reporters/markdown/model.ts';

/**
 * Playwright's own runInlineTest pattern: write tiny spec files and a config into a
 * folder, run a child `playwright test` there, and hand back what the reporters wrote.
 */

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = join(REPO, 'node_modules/@playwright/test/cli.js');
const REPORTERS_CONFIG = join(REPO, 'reporters/config.ts');
const TSX = join(REPO, 'node_modules/tsx/dist/cli.mjs');
const REPORT_SCRIPT = join(REPO, 'scripts/report.ts');

export interface AllureResultFile {
  name: string;
  status: string;
  fullName?: string;
  labels: { name: string; value: string }[];
  attachments: { name: string; source: string; type: string }[];
  steps: { name: string; status: string; steps: unknown[] }[];
  statusDetails?: { message?: string };
}

export interface ChildRun {
  exitCode: number;
  output: string;
}

export interface InlineRunOptions {
  /** extra top-level config fields, e.g. { retries: 1 } */
  config?: Record<string, unknown>;
  /** a TS expression for the `reporter` field; the servewright reporters by default */
  reporter?: string;
  args?: string[];
  env?: Record<string, string>;
}

/** The child must not think it is a worker of the parent run, nor write to the parent's CI summary. */
function childEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined) continue;
    if (/^(PW_|PLAYWRIGHT_|TEST_)/.test(key)) continue;
    if (['GITHUB_STEP_SUMMARY', 'NODE_OPTIONS', 'FORCE_COLOR', 'CI', 'STACK', 'SERVICES'].includes(key)) continue;
    env[key] = value;
  }
  return { ...env, FORCE_COLOR: '0', ...extra };
}

async function runNode(dir: string, args: string[], env?: Record<string, string>): Promise<ChildRun> {
  const child = await execa('node', args, {
    cwd: dir,
    env: childEnv(env),
    extendEnv: false,
    reject: false,
    all: true,
    timeout: 120_000,
  });
  return { exitCode: child.exitCode ?? -1, output: child.all ?? '' };
}

export function runPlaywright(dir: string, args: string[], env?: Record<string, string>): Promise<ChildRun> {
  return runNode(dir, [CLI, ...args], env);
}

/** `npm run report` for the project in `dir`. */
export function runReportScript(dir: string, args: string[] = [], env?: Record<string, string>): Promise<ChildRun> {
  return runNode(dir, [TSX, REPORT_SCRIPT, '--dir', dir, ...args], env);
}

export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [name, content] of Object.entries(files)) {
    const path = join(dir, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
  }
}

export function writeProject(dir: string, files: Record<string, string>, options: InlineRunOptions = {}): void {
  const config = { testDir: '.', workers: 1, retries: 0, ...options.config };
  writeFiles(dir, {
    'package.json': JSON.stringify({ name: 'inline-run', private: true, type: 'module' }),
    'playwright.config.ts': [
      `import { defineConfig } from '@playwright/test';`,
      `import { servewrightReporters } from ${JSON.stringify(REPORTERS_CONFIG)};`,
      `export default defineConfig({ ...${JSON.stringify(config)}, reporter: ${options.reporter ?? 'servewrightReporters()'} });`,
    ].join('\n'),
    ...files,
  });
}

export function readAllureResults(dir: string): AllureResultFile[] {
  const resultsDir = join(dir, 'allure-results');
  if (!existsSync(resultsDir)) return [];
  return readdirSync(resultsDir)
    .filter((f) => f.endsWith('-result.json'))
    .map((f) => JSON.parse(readFileSync(join(resultsDir, f), 'utf8')) as AllureResultFile);
}

export interface InlineRunResult extends ChildRun {
  dir: string;
  markdown: string;
  run: RunRecord;
  allure: AllureResultFile[];
}

function readReports(dir: string, child: ChildRun): InlineRunResult {
  const summary = join(dir, 'reports/summary.md');
  if (!existsSync(summary)) throw new Error(`no ${summary} after the child run (exit ${child.exitCode}):\n${child.output}`);
  return {
    ...child,
    dir,
    markdown: readFileSync(summary, 'utf8'),
    run: JSON.parse(readFileSync(join(dir, 'reports/run.json'), 'utf8')) as RunRecord,
    allure: readAllureResults(dir),
  };
}

export async function runInline(dir: string, files: Record<string, string>, options: InlineRunOptions = {}): Promise<InlineRunResult> {
  writeProject(dir, files, options);
  const child = await runPlaywright(dir, ['test', ...(options.args ?? [])], options.env);
  return readReports(dir, child);
}
