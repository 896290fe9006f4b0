/**
 * `npm run report`: the Allure 3 HTML report (one self-contained file) and the Markdown
 * summary, both from the last run. Options (all paths relative to --dir, default cwd):
 *   --results <dir>   Allure results, repeatable (default allure-results)
 *   --output <dir>    Allure HTML folder (default allure-report)
 *   --history <file>  Allure history JSONL, appended per report (default reports/history.jsonl)
 *   --no-history      no history
 *   --blob <dir>      blob reports of a sharded run (default blob-report)
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import { generateAllureHtml } from '../reporters/allure/html.ts';
import { DEFAULT_RUN_JSON_FILE, DEFAULT_SUMMARY_FILE } from '../reporters/markdown.ts';
import type { RunRecord } from '../reporters/markdown/model.ts';
import { rerenderSummary } from '../reporters/markdown/rerender.ts';

const MARKDOWN_REPORTER = fileURLToPath(new URL('../reporters/markdown.ts', import.meta.url));

const { values } = parseArgs({
  options: {
    dir: { type: 'string', default: process.cwd() },
    results: { type: 'string', multiple: true },
    output: { type: 'string', default: 'allure-report' },
    history: { type: 'string', default: 'reports/history.jsonl' },
    'no-history': { type: 'boolean', default: false },
    blob: { type: 'string', default: 'blob-report' },
  },
});

const dir = resolve(values.dir);
const at = (path: string) => resolve(dir, path);

/** A run.json from one shard is partial: then the blob reports of all shards are merged instead. */
function lastRunWasSharded(): boolean {
  const runJson = at(DEFAULT_RUN_JSON_FILE);
  return !existsSync(runJson) || (JSON.parse(readFileSync(runJson, 'utf8')) as Pick<RunRecord, 'shard'>).shard != null;
}

async function markdownSummary(): Promise<string> {
  const blobDir = at(values.blob);
  const blobs = existsSync(blobDir) ? readdirSync(blobDir).filter((f) => f.endsWith('.zip')) : [];
  if (blobs.length > 0 && lastRunWasSharded()) {
    const cli = join(dirname(createRequire(import.meta.url).resolve('@playwright/test/package.json')), 'cli.js');
    const merge = await execa('node', [cli, 'merge-reports', '--reporter', MARKDOWN_REPORTER, blobDir], { cwd: dir, reject: false, all: true });
    if (lastRunWasSharded()) {
      throw new Error(`playwright merge-reports of ${blobDir} wrote no whole-run summary (exit ${merge.exitCode}):\n${merge.all}`);
    }
    return `merged from ${blobs.length} blob report(s) in ${relative(dir, blobDir)}`;
  }
  rerenderSummary(at(DEFAULT_RUN_JSON_FILE), at(DEFAULT_SUMMARY_FILE));
  return `rendered from ${DEFAULT_RUN_JSON_FILE}`;
}

function historyRuns(path: string): number {
  return existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter((l) => l.trim()).length : 0;
}

async function main(): Promise<void> {
  const how = await markdownSummary();
  console.log(`Markdown summary: ${at(DEFAULT_SUMMARY_FILE)} (${how})`);
  const historyPath = values['no-history'] ? null : at(values.history);
  const index = await generateAllureHtml({
    resultsDirs: (values.results ?? ['allure-results']).map(at),
    outputDir: at(values.output),
    historyPath,
  });
  const history = historyPath ? `, history: ${historyRuns(historyPath)} run(s) in ${historyPath}` : '';
  console.log(`Allure HTML: ${index}${history}`);
}

main().catch((error: unknown) => {
  console.error(`report: ${(error as Error).message}`);
  process.exitCode = 1;
});
