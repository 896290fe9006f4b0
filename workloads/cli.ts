// `npm run replay -- --workload <file> [--api-base <url>] ...`: replays a trace and writes
// the CSVs, summary.json and charts. Exit codes: 0 done, 1 nothing succeeded or the run
// failed, 2 bad flags or a bad trace (nothing was sent).

import { join, basename, extname } from 'node:path';
import { parseCliOptions, USAGE, UsageError, type CliOptions } from './cli-options.ts';
import { digest, progressLine } from './output/terminal.ts';
import { writeOutputs } from './output/write-outputs.ts';
import { replay, type ProgressSnapshot } from './replay.ts';
import { loadTrace, TraceError } from './trace/load.ts';
import { formatIssue } from './trace/types.ts';

const NON_TTY_PROGRESS_MS = 5000;

function progressPrinter(quiet: boolean): ((p: ProgressSnapshot) => void) | undefined {
  if (quiet) return undefined;
  if (process.stderr.isTTY) return (p) => process.stderr.write(`\r${progressLine(p)}\x1b[K`);
  let last = 0;
  return (p) => {
    const now = Date.now();
    if (now - last < NON_TTY_PROGRESS_MS && p.sent < p.total) return;
    last = now;
    process.stderr.write(`${progressLine(p)}\n`);
  };
}

function defaultOutputDir(workload: string): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  return join('reports', 'replay', `${basename(workload, extname(workload))}-${stamp}`);
}

/** Without --api-base the reference stack (or STACK's profile) serves the run. */
interface Target {
  apiBase: string;
  servedModel?: string;
  close(): Promise<void>;
}

async function targetFor(o: CliOptions, outputDir: string): Promise<Target> {
  const given = o.servedModel === undefined ? {} : { servedModel: o.servedModel };
  if (o.apiBase !== undefined) return { apiBase: o.apiBase, ...given, close: async () => undefined };
  const { launchStandaloneStack } = await import('../fixtures/stack/launch.ts');
  process.stderr.write('[replay] no --api-base: starting the reference stack\n');
  const launched = await launchStandaloneStack({ logDir: join(outputDir, 'stack-logs'), workers: 2 });
  const servedModel = o.servedModel ?? launched.stack.profile.defaultModel;
  process.stderr.write(`[replay] stack up at ${launched.stack.frontend.url} serving ${servedModel} (services: ${launched.services})\n`);
  return { apiBase: launched.stack.frontend.url, servedModel, close: () => launched.close() };
}

async function main(): Promise<number> {
  const o = parseCliOptions(process.argv.slice(2), process.env);
  const trace = await loadTrace(o.workload, { skipInvalid: o.skipInvalid, defaultModel: o.model, blockTokens: o.blockTokens });
  if (trace.skippedRows > 0) {
    process.stderr.write(`[replay] skipped ${trace.skippedRows} invalid row(s) (--skip-invalid):\n`);
    for (const issue of trace.skipped.slice(0, 20)) process.stderr.write(`  ${formatIssue(issue)}\n`);
  }
  const outputDir = o.output ?? defaultOutputDir(o.workload);
  const target = await targetFor(o, outputDir);
  const stop = (): void => {
    void target.close().finally(() => process.exit(130));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const onProgress = progressPrinter(o.quiet);
  try {
    const outcome = await replay({
      trace,
      apiBase: target.apiBase,
      ...(o.apiKey !== undefined && { apiKey: o.apiKey }),
      ...(target.servedModel !== undefined && { servedModel: target.servedModel }),
      arrival: o.arrival,
      loop: o.loop,
      slo: o.slo,
      ...(o.limit !== undefined && { limit: o.limit }),
      ...(o.connections !== undefined && { connections: o.connections }),
      maxDurationMs: o.maxDurationMs,
      requestTimeoutMs: o.requestTimeoutMs,
      threads: o.threads,
      ...(onProgress && { onProgress }),
    });
    if (process.stderr.isTTY && !o.quiet) process.stderr.write('\n');
    const files = await writeOutputs(outcome, outputDir);
    process.stdout.write(`${digest(outcome.summary)}\n`);
    process.stdout.write(`outputs: ${[files.summaryCsv, files.detailedCsv, files.summaryJson, ...files.charts].join(', ')}\n`);
    return outcome.summary.overall.succeeded > 0 ? 0 : 1;
  } finally {
    await target.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof UsageError) {
      process.stderr.write(err.message ? `error: ${err.message}\n\n${USAGE}` : USAGE);
      process.exit(err.message ? 2 : 0);
    }
    if (err instanceof TraceError) {
      process.stderr.write(`error: ${err.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`error: ${(err as Error).message ?? String(err)}\n`);
    process.exit(1);
  },
);
