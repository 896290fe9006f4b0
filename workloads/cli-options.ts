// Command-line flags of `npm run replay`, checked up front so a typo fails before any
// process starts or request is sent.

import { parseArgs } from 'node:util';
import type { ArrivalProcess } from './arrival/processes.ts';
import type { SloTargets } from './metrics/definitions.ts';
import type { Loop } from './send/runner.ts';

export const USAGE = `usage: npm run replay -- [--workload <trace.csv|trace.jsonl>] [options]

  --workload <file>         the trace (default workloads/samples/sample_workload_mixed.csv)
  --validate-only           check the trace and exit (0 valid, 2 not); starts and sends nothing
  --api-base <url>          OpenAI-compatible server (with or without /v1), polled on
                            GET /v1/models until it serves a model; without it the
                            reference stack is started for the run and stopped after
  --ready-timeout-s <s>     how long to wait for --api-base to serve (default 60)
  --api-key <key>           bearer token (or SERVEWRIGHT_API_KEY); never written to outputs
  --output <dir|file.csv>   output directory, or the summary CSV's path with the other files
                            next to it (default reports/replay/<trace>-<timestamp>/)
  --no-png                  SVG charts only (PNG needs Chromium)
  --baseline <summary.json> compare with an earlier run; exit 3 if a metric regressed
  --baseline-threshold-pct <p>  relative worsening that counts (default 10)
  --baseline-min-delta-ms <ms>  times must also worsen by more than this (default 1)
  --latency-slo-ms <n>      end-to-end SLO per request (default 10000; a row's slo_ms overrides it)
  --ttft-slo-ms <n>         TTFT SLO;  --tpot-slo-ms <n>  TPOT SLO
  --arrival <kind>          trace (default) | constant | poisson | gamma | ramp
  --time-scale <x>          trace: multiply trace offsets (0.5 = twice as fast)
  --rate <req/s>            constant, poisson, gamma: mean rate
  --burstiness <k>          gamma: shape (1 = Poisson, < 1 burstier)
  --seed <n>                poisson, gamma: random seed (default 1)
  --ramp-from <r> --ramp-to <r> --ramp-duration-s <s>   ramp: linear rate change
  --concurrency <n>         closed loop: keep n requests in flight, ignore arrival times
  --limit <n>               replay only the first n requests
  --max-duration-s <s>      hard bound on the run (default 600)
  --request-timeout-s <s>   per request wait for headers / between chunks (default 300)
  --connections <n>         most open connections per sender thread (default 16384)
  --threads <n>             sender threads (default 1)
  --model <name>            model for JSONL rows without one (default classify = "auto")
  --served-model <name>     send every request with this model (a server with one model);
                            default without --api-base: the stack profile's model
  --block-tokens <n>        JSONL: tokens per hash id (default 512)
  --skip-invalid            replay the valid rows of a trace with bad rows
  --quiet                   no progress line
`;

export interface CliOptions {
  workload: string;
  validateOnly: boolean;
  apiBase?: string;
  readyTimeoutMs: number;
  png: boolean;
  baseline?: { file: string; thresholdPct: number; minDeltaMs: number };
  apiKey?: string;
  output?: string;
  slo: SloTargets;
  arrival: ArrivalProcess;
  loop: Loop;
  limit?: number;
  maxDurationMs: number;
  requestTimeoutMs: number;
  connections?: number;
  threads: number;
  model: string;
  servedModel?: string;
  blockTokens: number;
  skipInvalid: boolean;
  quiet: boolean;
}

export class UsageError extends Error {}

/** The seed's defaults (Logos run_api_workload.py): the mixed sample and a 10 s SLO. */
export const DEFAULT_WORKLOAD = 'workloads/samples/sample_workload_mixed.csv';
export const DEFAULT_LATENCY_SLO_MS = 10_000;

const NUMBER_FLAGS = [
  'latency-slo-ms',
  'ttft-slo-ms',
  'tpot-slo-ms',
  'time-scale',
  'rate',
  'burstiness',
  'seed',
  'ramp-from',
  'ramp-to',
  'ramp-duration-s',
  'concurrency',
  'limit',
  'max-duration-s',
  'request-timeout-s',
  'connections',
  'threads',
  'block-tokens',
  'ready-timeout-s',
  'baseline-threshold-pct',
  'baseline-min-delta-ms',
] as const;
type NumberFlag = (typeof NUMBER_FLAGS)[number];
const INTEGER_FLAGS: readonly NumberFlag[] = ['seed', 'concurrency', 'limit', 'connections', 'threads', 'block-tokens'];

export function parseCliOptions(argv: string[], env: NodeJS.ProcessEnv): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        workload: { type: 'string' },
        'api-base': { type: 'string' },
        'api-key': { type: 'string' },
        output: { type: 'string' },
        arrival: { type: 'string' },
        model: { type: 'string' },
        'served-model': { type: 'string' },
        'skip-invalid': { type: 'boolean' },
        'validate-only': { type: 'boolean' },
        'no-png': { type: 'boolean' },
        baseline: { type: 'string' },
        quiet: { type: 'boolean' },
        help: { type: 'boolean' },
        ...Object.fromEntries(NUMBER_FLAGS.map((f) => [f, { type: 'string' as const }])),
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const v = parsed.values as Record<string, string | boolean | undefined>;
  if (v['help']) throw new UsageError('');
  const num = (flag: NumberFlag, check: 'positive' | 'non-negative' = 'positive'): number | undefined => {
    const raw = v[flag];
    if (raw === undefined) return undefined;
    const n = Number(raw);
    const bad = !Number.isFinite(n) || (check === 'positive' ? n <= 0 : n < 0) || (INTEGER_FLAGS.includes(flag) && !Number.isInteger(n));
    if (bad) throw new UsageError(`--${flag} must be a ${check}${INTEGER_FLAGS.includes(flag) ? ' integer' : ' number'} (got ${JSON.stringify(raw)})`);
    return n;
  };
  const need = (flag: NumberFlag, kind: string): number => {
    const n = num(flag);
    if (n === undefined) throw new UsageError(`--arrival ${kind} needs --${flag}`);
    return n;
  };
  const workload = (v['workload'] as string | undefined) ?? DEFAULT_WORKLOAD;
  const kind = (v['arrival'] as string | undefined) ?? 'trace';
  let arrival: ArrivalProcess;
  const seed = num('seed', 'non-negative') ?? 1;
  switch (kind) {
    case 'trace':
      arrival = { kind, timeScale: num('time-scale') ?? 1 };
      break;
    case 'constant':
      arrival = { kind, rate: need('rate', kind) };
      break;
    case 'poisson':
      arrival = { kind, rate: need('rate', kind), seed };
      break;
    case 'gamma':
      arrival = { kind, rate: need('rate', kind), burstiness: need('burstiness', kind), seed };
      break;
    case 'ramp':
      arrival = { kind, from: num('ramp-from', 'non-negative') ?? 0, to: need('ramp-to', kind), durationS: need('ramp-duration-s', kind) };
      break;
    default:
      throw new UsageError(`--arrival must be one of trace, constant, poisson, gamma, ramp (got ${JSON.stringify(kind)})`);
  }
  const concurrency = num('concurrency');
  const slo: SloTargets = {};
  const e2e = num('latency-slo-ms') ?? DEFAULT_LATENCY_SLO_MS;
  const ttft = num('ttft-slo-ms');
  const tpot = num('tpot-slo-ms');
  slo.e2eMs = e2e;
  if (ttft !== undefined) slo.ttftMs = ttft;
  if (tpot !== undefined) slo.tpotMs = tpot;
  const apiKey = (v['api-key'] as string | undefined) ?? env['SERVEWRIGHT_API_KEY'];
  const o: CliOptions = {
    workload,
    validateOnly: v['validate-only'] === true,
    readyTimeoutMs: (num('ready-timeout-s') ?? 60) * 1000,
    png: v['no-png'] !== true,
    slo,
    arrival,
    loop: concurrency === undefined ? { kind: 'open' } : { kind: 'closed', concurrency },
    maxDurationMs: (num('max-duration-s') ?? 600) * 1000,
    requestTimeoutMs: (num('request-timeout-s') ?? 300) * 1000,
    threads: num('threads') ?? 1,
    model: (v['model'] as string | undefined) ?? 'classify',
    blockTokens: num('block-tokens') ?? 512,
    skipInvalid: v['skip-invalid'] === true,
    quiet: v['quiet'] === true,
  };
  const limit = num('limit');
  const connections = num('connections');
  if (limit !== undefined) o.limit = limit;
  if (connections !== undefined) o.connections = connections;
  if (typeof v['api-base'] === 'string') {
    try {
      new URL(v['api-base']);
    } catch {
      throw new UsageError(`--api-base is not a URL: ${JSON.stringify(v['api-base'])}`);
    }
    o.apiBase = v['api-base'];
  }
  if (apiKey) o.apiKey = apiKey;
  if (typeof v['output'] === 'string') o.output = v['output'];
  if (typeof v['served-model'] === 'string') o.servedModel = v['served-model'];
  if (typeof v['baseline'] === 'string') {
    o.baseline = { file: v['baseline'], thresholdPct: num('baseline-threshold-pct', 'non-negative') ?? 10, minDeltaMs: num('baseline-min-delta-ms', 'non-negative') ?? 1 };
  }
  return o;
}
