// Command-line flags of `npm run replay`, checked up front so a typo fails before any
// process starts or request is sent.

import { parseArgs } from 'node:util';
import type { ArrivalProcess } from './arrival/processes.ts';
import type { SloTargets } from './metrics/definitions.ts';
import type { Loop } from './send/runner.ts';

export const USAGE = `usage: npm run replay -- --workload <trace.csv|trace.jsonl> [options]

  --api-base <url>          OpenAI-compatible server (with or without /v1); without it the
                            reference stack is started for the run and stopped after
  --api-key <key>           bearer token (or SERVEWRIGHT_API_KEY); never written to outputs
  --output <dir>            output directory (default reports/replay/<trace>-<timestamp>)
  --latency-slo-ms <n>      end-to-end SLO per request (a row's slo_ms overrides it)
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
  apiBase?: string;
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
  const workload = v['workload'];
  if (typeof workload !== 'string') throw new UsageError('--workload <file> is required');
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
  const e2e = num('latency-slo-ms');
  const ttft = num('ttft-slo-ms');
  const tpot = num('tpot-slo-ms');
  if (e2e !== undefined) slo.e2eMs = e2e;
  if (ttft !== undefined) slo.ttftMs = ttft;
  if (tpot !== undefined) slo.tpotMs = tpot;
  const apiKey = (v['api-key'] as string | undefined) ?? env['SERVEWRIGHT_API_KEY'];
  const o: CliOptions = {
    workload,
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
  return o;
}
