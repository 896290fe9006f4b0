// The `scenario-metrics` attachment: what one scenario measured, written by the workload
// fixture and scheduling specs, read by the Markdown reporter (Performance, Scheduling and
// statistics sections). This schema is the contract for both sides (docs/architecture.md
// describes it).

import { z } from 'zod';
import type { JsonAttachment } from './json-attachment.ts';

/** One request as the frontend's scheduler saw it (Autellix seed: latency, tokens, engine, priority, service, waiting, thread). */
const requestLineSchema = z.object({
  requestId: z.string().min(1),
  latencyMs: z.number().nonnegative(),
  tokens: z.number().int().nonnegative(),
  engine: z.string().min(1),
  /** Queue level the scheduler dispatched from (0 first); null for a policy without levels. */
  priority: z.number().int().nonnegative().nullable(),
  serviceTimeMs: z.number().nonnegative().nullable(),
  waitingTimeMs: z.number().nonnegative().nullable(),
  threadId: z.string().min(1).nullable(),
});

const counters = z.record(z.string(), z.number());

export const scenarioMetricsSchema = z.object({
  scenario: z.string().min(1),
  mode: z.string().min(1).optional(),
  totalDurationMs: z.number().nonnegative(),
  requests: z.number().int().nonnegative(),
  latencyMs: z.object({
    min: z.number().nonnegative(),
    avg: z.number().nonnegative(),
    max: z.number().nonnegative(),
    p95: z.number().nonnegative(),
  }),
  tokens: z.number().nonnegative(),
  engineDistribution: z.record(z.string(), z.number().int().nonnegative()),
  cache: z
    .object({ hits: z.number().nonnegative(), lookups: z.number().nonnegative(), hitRate: z.number().min(0).max(1) })
    .optional(),
  serviceTimeMs: z.number().nonnegative().optional(),
  perRequest: z.array(requestLineSchema).optional(),
  /** The scenario's program in the frontend's process table. */
  session: z.object({ totalCalls: z.number().int().nonnegative(), activeThreads: z.number().int().nonnegative() }).optional(),
  /** Counters of each part of the system when the scenario ended, by part and name. */
  system: z
    .object({ frontend: counters, scheduler: counters, loadBalancer: counters, engines: z.record(z.string(), counters) })
    .optional(),
  extra: z.record(z.string(), z.unknown()).optional(),
});
export type ScenarioMetrics = z.infer<typeof scenarioMetricsSchema>;
export type RequestLine = z.infer<typeof requestLineSchema>;
export type SystemStatistics = NonNullable<ScenarioMetrics['system']>;

export const SCENARIO_METRICS: JsonAttachment<typeof scenarioMetricsSchema> = { name: 'scenario-metrics', schema: scenarioMetricsSchema };
