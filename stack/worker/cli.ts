// Command line of the mock worker, shaped like `vllm serve [model] --flag value`.
// Flags are parsed into strings by a table, then zod checks types and ranges so a bad
// value names the flag; unknown flags are errors rather than silently ignored.

import { randomBytes } from 'node:crypto';
import { z } from 'zod';

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

const FLAGS: Record<string, keyof WorkerOptions> = {
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

export const USAGE = `usage: worker [MODEL] [--flag value ...]\nflags: ${Object.keys(FLAGS).join(' ')}`;

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
