import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { execa } from 'execa';
import { allureCategories } from './categories.ts';

export interface AllureHtmlOptions {
  resultsDirs: string[];
  outputDir: string;
  /** JSONL history Allure 3 reads and appends one line per report to; null for none */
  historyPath: string | null;
  reportName?: string;
}

function allureCli(): string {
  // The package exports only dist/index.js; its CLI sits one folder up.
  return join(dirname(createRequire(import.meta.url).resolve('allure')), '..', 'cli.js');
}

function hasResults(dir: string): boolean {
  return existsSync(dir) && readdirSync(dir).some((f) => f.endsWith('-result.json'));
}

/** Allure 3 "awesome" report as one self-contained index.html. */
export async function generateAllureHtml(options: AllureHtmlOptions): Promise<string> {
  const dirs = options.resultsDirs.map((d) => resolve(d));
  const empty = dirs.filter((d) => !hasResults(d));
  if (empty.length === dirs.length) {
    throw new Error(`no Allure results (*-result.json) in ${dirs.join(', ')}: run \`npx playwright test\` first`);
  }
  const outputDir = resolve(options.outputDir);
  const config = {
    name: options.reportName ?? 'servewright',
    output: outputDir,
    ...(options.historyPath ? { historyPath: resolve(options.historyPath) } : {}),
    categories: allureCategories,
    plugins: { awesome: { options: { singleFile: true, reportName: options.reportName ?? 'servewright' } } },
  };
  const configDir = mkdtempSync(join(tmpdir(), 'servewright-allurerc-'));
  const configFile = join(configDir, 'allurerc.json');
  writeFileSync(configFile, JSON.stringify(config));
  try {
    const run = await execa('node', [allureCli(), 'generate', '--config', configFile, ...dirs.filter((d) => !empty.includes(d))], {
      reject: false,
      all: true,
      env: { FORCE_COLOR: '0' },
    });
    if (run.exitCode !== 0) throw new Error(`allure generate exited ${run.exitCode}:\n${run.all}`);
  } finally {
    rmSync(configDir, { recursive: true, force: true });
  }
  const index = join(outputDir, 'index.html');
  if (!existsSync(index)) throw new Error(`allure generate wrote no ${index}`);
  return index;
}
