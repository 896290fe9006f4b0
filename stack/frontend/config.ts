// Command line of the frontend, shaped like `python -m dynamo.frontend`. Flags win over
// the NATS_SERVER / ETCD_ENDPOINTS environment variables.

import { z } from 'zod';
import { routerModes } from './routing/create-router.ts';
import { DEFAULT_LOCALITY_THRESHOLD_TOKENS } from './routing/locality.ts';
import { schedulerPolicies } from './scheduler/create-scheduler.ts';
import type { SchedulerOptions } from './scheduler/scheduler.ts';
import { METRICS_NAMINGS } from './metrics.ts';

export class UsageError extends Error {}

const FLAGS = {
  'http-host': 'httpHost',
  'http-port': 'httpPort',
  nats: 'nats',
  etcd: 'etcd',
  namespace: 'namespace',
  'router-mode': 'routerMode',
  'migration-limit': 'migrationLimit',
  scheduler: 'scheduler',
  'scheduler-option': 'schedulerOption',
  'max-queue': 'maxQueue',
  'stream-timeout-ms': 'streamTimeoutMs',
  'busy-threshold': 'busyThreshold',
  'locality-threshold-tokens': 'localityThresholdTokens',
  'metrics-naming': 'metricsNaming',
  'count-exhausted-migrations': 'countExhaustedMigrations',
} as const;

const optionValue = (raw: string): string | number | boolean =>
  raw === 'true' ? true : raw === 'false' ? false : raw !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw;

const schema = z.object({
  httpHost: z.string().min(1).default('127.0.0.1'),
  httpPort: z.coerce.number().int().min(0).max(65535).default(0),
  nats: z.string().min(1),
  etcd: z
    .string()
    .min(1)
    .transform((s) => s.split(',').map((e) => e.trim()).filter(Boolean)),
  namespace: z.string().regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, - and _ only').default('dynamo'),
  routerMode: z.string().refine((m) => routerModes().includes(m), { message: `one of ${routerModes().join(', ')}` }).default('round-robin'),
  migrationLimit: z.coerce.number().int().min(0).default(0),
  scheduler: z.string().refine((p) => schedulerPolicies().includes(p), { message: `one of ${schedulerPolicies().join(', ')}` }).default('fcfs'),
  schedulerOption: z
    .array(z.string().regex(/^[\w.-]+=.*$/, 'key=value'))
    .default([])
    .transform((pairs): SchedulerOptions => Object.fromEntries(pairs.map((p) => [p.slice(0, p.indexOf('=')), optionValue(p.slice(p.indexOf('=') + 1))]))),
  maxQueue: z.coerce.number().int().min(1).default(10_000),
  streamTimeoutMs: z.coerce.number().int().min(1).default(5_000),
  busyThreshold: z.coerce.number().gt(0).max(1).default(1),
  localityThresholdTokens: z.coerce.number().int().min(0).default(DEFAULT_LOCALITY_THRESHOLD_TOKENS),
  metricsNaming: z.enum(METRICS_NAMINGS).default('servewright'),
  countExhaustedMigrations: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
});

export type FrontendConfig = z.infer<typeof schema>;

export const USAGE = `usage: frontend [--http-host 127.0.0.1] [--http-port 0] [--nats URL] [--etcd ENDPOINTS] [--namespace NS]
  [--router-mode ${routerModes().join('|')}] [--migration-limit N] [--scheduler ${schedulerPolicies().join('|')}]
  [--scheduler-option key=value]... [--max-queue N] [--stream-timeout-ms MS] [--busy-threshold 0..1]
  [--locality-threshold-tokens N] [--metrics-naming ${METRICS_NAMINGS.join('|')}] [--count-exhausted-migrations true|false]
env: NATS_SERVER, ETCD_ENDPOINTS (used when --nats / --etcd are absent)`;

export function parseConfig(argv: readonly string[], env: NodeJS.ProcessEnv): FrontendConfig {
  const raw: Record<string, string | string[]> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument "${arg}"`);
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    const key = FLAGS[name as keyof typeof FLAGS];
    if (!key) throw new UsageError(`unknown flag --${name}`);
    const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined) throw new UsageError(`flag --${name} needs a value`);
    if (key === 'schedulerOption') raw[key] = [...((raw[key] as string[] | undefined) ?? []), value];
    else raw[key] = value;
  }
  raw.nats ??= env.NATS_SERVER ?? 'nats://127.0.0.1:4222';
  raw.etcd ??= env.ETCD_ENDPOINTS ?? 'http://127.0.0.1:2379';
  const result = schema.safeParse(raw);
  if (!result.success) {
    const flagOf = (key: PropertyKey | undefined) => Object.entries(FLAGS).find(([, k]) => k === key)?.[0] ?? String(key);
    throw new UsageError(result.error.issues.map((i) => `--${flagOf(i.path[0])}: ${i.message}`).join('; '));
  }
  return result.data;
}
