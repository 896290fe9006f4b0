// Command line of the mock worker, shaped like `vllm serve [model] --flag value`.
// Flags are parsed into strings by a table, then zod checks types and ranges so a bad
// value names the flag; unknown flags are errors rather than silently ignored.

import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { renderHelp } from '../cli-help.ts';

const int = (min: number, max = Number.MAX_SAFE_INTEGER) => z.coerce.number().int().min(min).max(max);
const num = (min: number, max = Number.MAX_VALUE) => z.coerce.number().min(min).max(max);

const WorkerOptionsSchema = z
  .object({
    model: z.string().min(1).default('mock-model'),
    host: z.string().min(1).default('127.0.0.1'),
    port: int(0, 65535).default(0),
    workerId: z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/, 'use letters, digits, "-" and "_" only (it is part of NATS subjects)')
      .default(() => `worker-${randomBytes(4).toString('hex')}`),
    maxNumSeqs: int(1).default(256),
    maxWaiting: int(0).default(1024),
    blockSize: int(1).default(16),
    numGpuBlocks: int(1).default(8192),
    maxModelLen: int(1).default(8192),
    prefillMsPerToken: num(0).default(0.1),
    itlMs: num(0).default(10),
    jitter: num(0, 0.99).default(0.1),
    batchSlowdown: num(0).default(0.002),
    speedup: num(0).default(1),
    seed: int(0, 0xffffffff).default(0),
    failRate: num(0, 1).default(0),
    crashAfterTokens: int(1).optional(),
    startupDelayMs: int(0).default(0),
    role: z.enum(['agg', 'prefill', 'decode']).default('agg'),
    nats: z.string().min(1).optional(),
    etcd: z.string().min(1).optional(),
    namespace: z.string().regex(/^[A-Za-z0-9_-]+$/).default('dynamo'),
    leaseTtlS: int(1).default(5),
    heartbeatMs: int(10).default(1000),
  })
  .strict()
  .refine((o) => (o.nats === undefined) === (o.etcd === undefined), {
    message: 'cluster mode needs both --nats (or NATS_SERVER) and --etcd (or ETCD_ENDPOINTS)',
  });

export type WorkerOptions = z.infer<typeof WorkerOptionsSchema>;

export const FLAGS: Record<string, keyof WorkerOptions> = {
  '--model': 'model',
  '--host': 'host',
  '--port': 'port',
  '--worker-id': 'workerId',
  '--max-num-seqs': 'maxNumSeqs',
  '--max-waiting': 'maxWaiting',
  '--block-size': 'blockSize',
  '--num-gpu-blocks': 'numGpuBlocks',
  '--max-model-len': 'maxModelLen',
  '--prefill-ms-per-token': 'prefillMsPerToken',
  '--ttft-ms-per-token': 'prefillMsPerToken',
  '--itl-ms': 'itlMs',
  '--jitter': 'jitter',
  '--batch-slowdown': 'batchSlowdown',
  '--speedup': 'speedup',
  '--seed': 'seed',
  '--fail-rate': 'failRate',
  '--crash-after-tokens': 'crashAfterTokens',
  '--startup-delay-ms': 'startupDelayMs',
  '--role': 'role',
  '--nats': 'nats',
  '--etcd': 'etcd',
  '--namespace': 'namespace',
  '--lease-ttl-s': 'leaseTtlS',
  '--heartbeat-ms': 'heartbeatMs',
};

export class UsageError extends Error {}

type DefaultedKey = Exclude<keyof WorkerOptions, 'workerId' | 'crashAfterTokens' | 'nats' | 'etcd'>;

/** What each option does; defaults come from the schema so the help cannot drift from them. */
const MEANINGS: Record<keyof WorkerOptions, { value: string; meaning: string }> = {
  model: { value: 'NAME', meaning: 'model name served on /v1/models and registered in etcd (also the positional MODEL)' },
  host: { value: 'HOST', meaning: 'address the HTTP server binds' },
  port: { value: 'PORT', meaning: 'HTTP port; 0 picks a free one (printed in "listening on")' },
  workerId: { value: 'ID', meaning: 'id in etcd, NATS subjects, logs and responses; worker-<8 random hex> when absent' },
  maxNumSeqs: { value: 'N', meaning: 'sequences decoded together (the running batch)' },
  maxWaiting: { value: 'N', meaning: 'requests queued behind a full batch; one more is answered 429' },
  blockSize: { value: 'N', meaning: 'tokens per KV-cache block (prefix caching and KV events)' },
  numGpuBlocks: { value: 'N', meaning: 'KV-cache blocks; a request needing more is answered 400' },
  maxModelLen: { value: 'N', meaning: 'prompt + max_tokens limit per request; beyond it 400' },
  prefillMsPerToken: { value: 'MS', meaning: 'prefill time per uncached prompt token' },
  itlMs: { value: 'MS', meaning: 'time between generated tokens with a batch of one' },
  jitter: { value: '0..0.99', meaning: 'each delay is scaled by a random factor in [1 - jitter, 1 + jitter]' },
  batchSlowdown: { value: 'F', meaning: 'inter-token time grows by this fraction per extra running sequence' },
  speedup: { value: 'F', meaning: 'divides every delay; 0 = no delays at all' },
  seed: { value: 'N', meaning: 'seed of the generated text when a request has none' },
  failRate: { value: '0..1', meaning: 'probability that a request is refused with an injected 500' },
  crashAfterTokens: { value: 'N', meaning: 'SIGKILL itself after streaming this many tokens in total (fault injection; default: never)' },
  startupDelayMs: { value: 'MS', meaning: 'wait this long before starting (slow-boot simulation)' },
  role: { value: 'agg|prefill|decode', meaning: 'aggregated, or one side of disaggregated serving' },
  nats: { value: 'URL', meaning: 'NATS server(s), comma-separated; with --etcd: cluster mode (env NATS_SERVER)' },
  etcd: { value: 'ENDPOINTS', meaning: 'etcd endpoints, comma-separated; with --nats: cluster mode (env ETCD_ENDPOINTS)' },
  namespace: { value: 'NS', meaning: 'prefix of the etcd key and NATS subjects, isolating one stack' },
  leaseTtlS: { value: 'S', meaning: 'TTL of the etcd lease holding the registration (a dead worker disappears after it)' },
  heartbeatMs: { value: 'MS', meaning: 'longest silence of a NATS stream while generating (heartbeat chunks)' },
};

export const USAGE = 'usage: worker [MODEL] [--flag value | --flag=value ...]   (--help lists every flag)';

export function helpText(): string {
  const { workerId: _random, ...defaults } = WorkerOptionsSchema.parse({}) as Pick<WorkerOptions, DefaultedKey | 'workerId'>;
  const spellings = (key: keyof WorkerOptions) => Object.keys(FLAGS).filter((f) => FLAGS[f] === key).join(', ');
  const flags = (Object.keys(MEANINGS) as Array<keyof WorkerOptions>).map((key) => ({
    flag: spellings(key),
    ...MEANINGS[key],
    ...(key in defaults ? { default: defaults[key as DefaultedKey] } : {}),
  }));
  return renderHelp(USAGE, flags, [
    'Without --nats/--etcd the worker serves HTTP only; with both it also registers in etcd and serves GenerateRequests over NATS.',
    'SIGTERM: deregisters, fails in-flight requests with a retryable 503, exits 0. Exit 2: bad command line; 1: cannot start.',
  ]);
}


export function parseWorkerArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): WorkerOptions {
  const raw: Record<string, string> = {};
  const flagOf: Record<string, string> = {};
  const set = (flag: string, key: string, value: string): void => {
    if (key in raw) throw new UsageError(`${flag} given twice (or a positional model and --model)`);
    raw[key] = value;
    flagOf[key] = flag;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('--')) {
      set('MODEL', 'model', arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    const key = FLAGS[flag];
    if (key === undefined) throw new UsageError(`unknown flag ${flag}\n${USAGE}`);
    const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined || value === '') throw new UsageError(`${flag} needs a value`);
    set(flag, key, value);
  }
  if (raw.nats === undefined && env.NATS_SERVER) set('NATS_SERVER', 'nats', env.NATS_SERVER);
  if (raw.etcd === undefined && env.ETCD_ENDPOINTS) set('ETCD_ENDPOINTS', 'etcd', env.ETCD_ENDPOINTS);

  const parsed = WorkerOptionsSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const key = String(issue.path[0] ?? '');
    const value = raw[key] === undefined ? '' : ` ${JSON.stringify(raw[key])}`;
    return key ? `${flagOf[key] ?? key}${value}: ${issue.message}` : issue.message;
  });
  throw new UsageError(problems.join('\n'));
}
