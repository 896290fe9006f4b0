import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { FullConfig, FullResult, Reporter, Suite, TestCase, TestError, TestResult } from '@playwright/test/reporter';
import { collectTest } from './markdown/collect.ts';
import { renderDocument } from './markdown/document.ts';
import { runEnvironment } from './markdown/environment.ts';
import type { RunRecord, TestRecord } from './markdown/model.ts';
import { stripAnsi } from './markdown/text.ts';

export interface MarkdownReporterOptions {
  /** Markdown output, relative to the config file's folder (cwd under merge-reports). */
  outputFile?: string;
  /** The collected run as JSON, for re-rendering without re-running; null to skip. */
  jsonFile?: string | null;
  title?: string;
  /** Lines of each process log shown under a failure. */
  logTailLines?: number;
  /** Append to $GITHUB_STEP_SUMMARY when that variable is set. */
  stepSummary?: boolean;
}

export const DEFAULT_SUMMARY_FILE = 'reports/summary.md';
export const DEFAULT_RUN_JSON_FILE = 'reports/run.json';

/** Writes the Markdown run summary (see docs/architecture.md, "Attachments the reporters read"). */
export default class MarkdownReporter implements Reporter {
  private readonly options: Required<Omit<MarkdownReporterOptions, 'jsonFile'>> & { jsonFile: string | null };
  private baseDir = process.cwd();
  private rootDir: string | undefined;
  private shard: RunRecord['shard'] = null;
  private readonly records = new Map<string, TestRecord>();
  private readonly globalErrors: string[] = [];

  constructor(options: MarkdownReporterOptions = {}) {
    this.options = {
      outputFile: options.outputFile ?? DEFAULT_SUMMARY_FILE,
      jsonFile: options.jsonFile === undefined ? DEFAULT_RUN_JSON_FILE : options.jsonFile,
      title: options.title ?? 'servewright test summary',
      logTailLines: options.logTailLines ?? 20,
      stepSummary: options.stepSummary ?? true,
    };
  }

  printsToStdio(): boolean {
    return false;
  }

  onBegin(config: FullConfig, _suite: Suite): void {
    if (config.configFile) this.baseDir = dirname(config.configFile);
    this.rootDir = config.rootDir;
    this.shard = config.shard;
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    const previous = this.records.get(test.id);
    this.records.set(test.id, collectTest(test, result, { logTailLines: this.options.logTailLines, rootDir: this.rootDir }, previous));
  }

  onError(error: TestError): void {
    this.globalErrors.push(stripAnsi(error.message ?? error.value ?? 'unknown error'));
  }

  onEnd(result: FullResult): void {
    // Nothing ran (e.g. `--list`): keep the last real summary.
    if (this.records.size === 0 && this.globalErrors.length === 0) return;
    const run: RunRecord = {
      startedAt: result.startTime.toISOString(),
      durationMs: result.duration,
      status: result.status,
      environment: runEnvironment(),
      shard: this.shard,
      tests: [...this.records.values()].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line),
      globalErrors: this.globalErrors,
    };
    const markdown = renderDocument(run, this.options.title);
    writeOut(resolve(this.baseDir, this.options.outputFile), markdown);
    if (this.options.jsonFile) writeOut(resolve(this.baseDir, this.options.jsonFile), `${JSON.stringify(run, null, 2)}\n`);
    const stepSummary = process.env.GITHUB_STEP_SUMMARY;
    if (this.options.stepSummary && stepSummary) appendFileSync(stepSummary, markdown);
  }
}

function writeOut(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}
