// `npm run replay -- --workload <file> [--api-base <url>] ...`: replays a trace and writes
// the CSVs, summary.json and charts. Exit codes: 0 done, 1 nothing succeeded or the run
// failed (the API never became ready included), 2 bad flags, a bad trace or a bad
// baseline (nothing was sent), 3 a metric regressed past the --baseline threshold.

import { join, basename, extname } from 'node:path';
import { waitForApi } from './api/models.ts';
import { parseCliOptions, USAGE, UsageError, type CliOptions } from './cli-options.ts';
import { BaselineError, compareToBaseline, formatDeltas, loadBaseline } from './metrics/baseline.ts';
import { digest, progressLine } from './output/terminal.ts';
import { writeOutputs } from './output/write-outputs.ts';
import { replay, type ProgressSnapshot } from './replay.ts';
import { loadTrace, TraceError } from './trace/load.ts';
import { formatIssue } from './trace/types.ts';

const NON_TTY_PROGRESS_MS = 5000;
const EXIT_REGRESSION = 3;

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
  models?: Awaited<ReturnType<typeof waitForApi>>;
  close(): Promise<void>;
}

async function targetFor(o: CliOptions, outputDir: string): Promise<Target> {
  const given = o.servedModel === undefined ? {} : { servedModel: o.servedModel };
  if (o.apiBase !== undefined) {
    const models = await waitForApi(new URL(o.apiBase), {
      ...(o.apiKey !== undefined && { apiKey: o.apiKey }),
      timeoutMs: o.readyTimeoutMs,
      onWaiting: (reason) => process.stderr.write(`[replay] waiting up to ${o.readyTimeoutMs / 1000} s for the API: ${reason}\n`),
    });
    return { apiBase: o.apiBase, ...given, models, close: async () => undefined };
  }
  const { launchStandaloneStack } = await import('../fixtures/stack/launch.ts');
  process.stderr.write('[replay] no --api-base: starting the reference stack\n');
  const launched = await launchStandaloneStack({ logDir: join(outputDir, 'stack-logs'), workers: 2 });
  const servedModel = o.servedModel ?? launched.stack.profile.defaultModel;
  process.stderr.write(`[replay] stack up at ${launched.stack.frontend.url} serving ${servedModel} (services: ${launched.services})\n`);
  return { apiBase: launched.stack.frontend.url, servedModel, close: () => launched.close() };
}

async function main(): Promise<number> {
  const o = parseCliOptions(process.argv.slice(2), process.env);
  const baseline = o.baseline && (await loadBaseline(o.baseline.file));
  const trace = await loadTrace(o.workload, { skipInvalid: o.skipInvalid, defaultModel: o.model, blockTokens: o.blockTokens });
  if (trace.skippedRows > 0) {
    process.stderr.write(`[replay] skipped ${trace.skippedRows} invalid row(s) (--skip-invalid):\n`);
    for (const issue of trace.skipped.slice(0, 20)) process.stderr.write(`  ${formatIssue(issue)}\n`);
  }
  if (o.validateOnly) {
    const span = trace.requests[trace.requests.length - 1]!.offsetMs / 1000;
    process.stdout.write(`${trace.file}: valid, ${trace.requests.length} request(s) over ${span.toFixed(1)} s (${trace.format})${trace.skippedRows > 0 ? `, ${trace.skippedRows} invalid row(s) skipped` : ''}\n`);
    return 0;
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
      ...(target.models !== undefined && { models: target.models }),
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
    const files = await writeOutputs(outcome, outputDir, { png: o.png });
    process.stdout.write(`${digest(outcome.summary)}\n`);
    process.stdout.write(`outputs: ${[files.summaryCsv, files.detailedCsv, files.summaryJson, ...files.charts].join(', ')}\n`);
    if (files.pngSkipped !== undefined) process.stderr.write(`[replay] PNG charts not written: ${files.pngSkipped}\n`);
    if (outcome.summary.overall.succeeded === 0) return 1;
    if (!o.baseline || !baseline) return 0;
    const deltas = compareToBaseline(baseline, outcome.summary, o.baseline);
    process.stdout.write(`${formatDeltas(o.baseline.file, deltas, o.baseline)}\n`);
    return deltas.some((d) => d.regression) ? EXIT_REGRESSION : 0;
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
    if (err instanceof TraceError || err instanceof BaselineError) {
      process.stderr.write(`error: ${err.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`error: ${(err as Error).message ?? String(err)}\n`);
    process.exit(1);
  },
);
