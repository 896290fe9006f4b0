// Wall time of the push tier (@e2e) per Playwright worker count, so we see how the suite
// scales with cores. Each run is a child `playwright test` with the JSON reporter only (the
// Markdown/Allure reports of a real run are left alone) and its own reports dir.
//
//   npm run bench:suite -- [--workers 1,2,4] [--grep @e2e] [--project default]

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { execa } from 'execa';

const { values } = parseArgs({
  options: {
    workers: { type: 'string', default: '1,2,4' },
    grep: { type: 'string', default: '@e2e' },
    project: { type: 'string', multiple: true },
  },
});
const counts = values.workers.split(',').map((w) => Number(w.trim()));
for (const n of counts) if (!Number.isInteger(n) || n < 1) throw new Error(`--workers: expected positive integers separated by commas, got "${values.workers}"`);

interface JsonStats { expected: number; unexpected: number; flaky: number; skipped: number }
const load = (): string => loadavg().map((l) => l.toFixed(1)).join(' ');

const scratch = mkdtempSync(join(tmpdir(), 'servewright-bench-suite-'));
try {
  console.log(`${cpus().length} CPUs; push tier = --grep ${values.grep}`);
  console.log('| workers | wall s | passed | failed | flaky | skipped | load before | load after |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const n of counts) {
    const jsonFile = join(scratch, `run-${n}.json`);
    const before = load();
    const began = performance.now();
    const projects = (values.project ?? []).flatMap((p) => ['--project', p]);
    const run = await execa('npx', ['playwright', 'test', '--grep', values.grep, '--workers', String(n), '--reporter', 'json', ...projects], {
      env: { PLAYWRIGHT_JSON_OUTPUT_NAME: jsonFile, SERVEWRIGHT_REPORTS_DIR: join(scratch, `reports-${n}`) },
      reject: false,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const wallS = (performance.now() - began) / 1000;
    let stats: JsonStats;
    try {
      stats = (JSON.parse(readFileSync(jsonFile, 'utf8')) as { stats: JsonStats }).stats;
    } catch (error) {
      throw new Error(`--workers ${n}: playwright exited ${run.exitCode} without a JSON report (${(error as Error).message})`);
    }
    console.log(`| ${n} | ${wallS.toFixed(1)} | ${stats.expected} | ${stats.unexpected} | ${stats.flaky} | ${stats.skipped} | ${before} | ${load()} |`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
