// Command line of the frontend, shaped like `python -m dynamo.frontend`. Flags win over
// the NATS_SERVER / ETCD_ENDPOINTS environment variables.

import { z } from 'zod';
import { MAX_REQUEST_BODY_BYTES } from '../../protocol/openai/request.ts';
import { renderHelp } from '../cli-help.ts';
import { routerModes } from './routing/create-router.ts';
import { DEFAULT_LOCALITY_THRESHOLD_TOKENS } from './routing/locality.ts';
import { schedulerPolicies } from './scheduler/create-scheduler.ts';
import type { SchedulerOptions } from './scheduler/scheduler.ts';
import { METRICS_NAMINGS } from './metrics.ts';

export class UsageError extends Error {}

export const FLAGS = {
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
  'enforce-disagg': 'enforceDisagg',
  'prefill-cancel': 'prefillCancel',
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
  enforceDisagg: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  prefillCancel: z.enum(['aborts', 'completes']).default('aborts'),
});

export type FrontendConfig = z.infer<typeof schema>;

const DEFAULT_NATS = 'nats://127.0.0.1:4222';
const DEFAULT_ETCD = 'http://127.0.0.1:2379';

export const USAGE = 'usage: frontend [--flag value | --flag=value ...]   (--help lists every flag)';

/** What each flag does; defaults come from the schema so the help cannot drift from them. */
const MEANINGS: Record<keyof FrontendConfig, { value: string; meaning: string }> = {
  httpHost: { value: 'HOST', meaning: 'address the OpenAI HTTP server binds' },
  httpPort: { value: 'PORT', meaning: 'HTTP port; 0 picks a free one (printed in "listening on")' },
  nats: { value: 'URL', meaning: 'NATS server(s), comma-separated (env NATS_SERVER when absent)' },
  etcd: { value: 'ENDPOINTS', meaning: 'etcd endpoints, comma-separated (env ETCD_ENDPOINTS when absent)' },
  namespace: { value: 'NS', meaning: 'namespace of the workers to discover (etcd key and NATS subject prefix)' },
  routerMode: { value: routerModes().join('|'), meaning: 'how a worker is chosen for a request' },
  migrationLimit: { value: 'N', meaning: 'times a broken stream is moved to another worker; 0 = never' },
  scheduler: { value: schedulerPolicies().join('|'), meaning: 'order in which waiting requests are dispatched' },
  schedulerOption: { value: 'key=value', meaning: 'a parameter of the scheduler policy; repeatable' },
  maxQueue: { value: 'N', meaning: 'requests that may wait for a worker; one more is answered 503' },
  streamTimeoutMs: { value: 'MS', meaning: 'silence after which a worker stream counts as broken (then migrated)' },
  busyThreshold: { value: '0..1', meaning: "fraction of a worker's max-num-seqs this frontend keeps in flight on it" },
  localityThresholdTokens: { value: 'N', meaning: "locality router: a prompt longer than this goes back to the worker holding its program's cache" },
  metricsNaming: { value: METRICS_NAMINGS.join('|'), meaning: "metric names on /metrics: servewright's or Dynamo's" },
  countExhaustedMigrations: { value: 'true|false', meaning: 'count (and log) a broken stream as a migration even when the limit forbids it, as Dynamo does' },
  enforceDisagg: { value: 'true|false', meaning: 'once a model had prefill workers, fail its requests with 503 while none can prefill instead of falling back to decode-only' },
  prefillCancel: { value: 'aborts|completes', meaning: "a client that leaves during prefill: Kill the prefill, or let it run to its end and Kill the request on its decode worker (newer Dynamo's behaviour)" },
};

export function helpText(): string {
  const defaults: Record<string, unknown> = { ...schema.parse({ nats: DEFAULT_NATS, etcd: DEFAULT_ETCD }), nats: DEFAULT_NATS, etcd: DEFAULT_ETCD, schedulerOption: undefined };
  const flags = Object.entries(FLAGS).map(([flag, key]) => {
    const shown = defaults[key];
    return { flag: `--${flag}`, ...MEANINGS[key], ...(shown === undefined ? {} : { default: String(shown) }) };
  });
  return renderHelp(USAGE, flags, [
    'Serves /v1/completions and /v1/chat/completions in front of the workers registered in etcd, plus /v1/models, /health, /metrics and /debug/scheduler.',
    `Request bodies up to ${MAX_REQUEST_BODY_BYTES} bytes; a prompt must also fit one NATS message (the server's max_payload, 1 MiB by default), else 413.`,
    'Exit 2: bad command line; 1: cannot start (port in use, NATS or etcd not answering).',
  ]);
}

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
  raw.nats ??= env.NATS_SERVER || DEFAULT_NATS;
  raw.etcd ??= env.ETCD_ENDPOINTS || DEFAULT_ETCD;
  const result = schema.safeParse(raw);
  if (!result.success) {
    const flagOf = (key: PropertyKey | undefined) => Object.entries(FLAGS).find(([, k]) => k === key)?.[0] ?? String(key);
    throw new UsageError(result.error.issues.map((i) => `--${flagOf(i.path[0])}: ${i.message}`).join('; '));
  }
  return result.data;
}
