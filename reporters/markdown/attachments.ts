import { readFileSync } from 'node:fs';
import { z } from 'zod';

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

/** Shapes pinned in docs/architecture.md, "Attachments the reporters read". */
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

/** Written by fixtures/genie (overhead.ts, the `overhead` block of a genie-results attachment). */
const genieOverheadSchema = z.object({
  operation: z.string(),
  device: z.string(),
  sizes: z.array(
    z.object({
      bytes: z.number().nonnegative(),
      localMs: z.number().nonnegative(),
      remoteMs: z.number().nonnegative(),
      encodeMs: z.number().nonnegative(),
      httpMs: z.number().nonnegative(),
      decodeMs: z.number().nonnegative(),
      serverMs: z.number().nonnegative().nullable(),
      wireBytes: z.number().nonnegative(),
      overheadMs: z.number(),
      overheadPct: z.number().nullable(),
      networkOverheadMs: z.number().nullable(),
      networkOverheadPctOfServer: z.number().nullable(),
      throughputMBps: z.number().nonnegative(),
    }),
  ),
  breakEvenBytes: z.number().nonnegative().nullable(),
  recommendations: z.array(z.string()),
});

export const genieResultsSchema = z.object({
  test_info: z.object({ hostname: z.string(), timestamp: z.string(), test_type: z.string() }),
  tests: z.array(
    z.object({
      name: z.string(),
      status: z.enum(['PASS', 'FAIL', 'SKIP']),
      details: z.string(),
      timing_ms: z.number().nonnegative(),
      timestamp: z.string(),
    }),
  ),
  overhead: genieOverheadSchema.optional(),
});
export type GenieResults = z.infer<typeof genieResultsSchema>;
export type GenieOverhead = z.infer<typeof genieOverheadSchema>;

export interface AttachmentLike {
  name: string;
  contentType: string;
  path?: string;
  body?: Buffer;
}

export function attachmentText(attachment: AttachmentLike): string {
  if (attachment.body) return attachment.body.toString('utf8');
  if (attachment.path) return readFileSync(attachment.path, 'utf8');
  throw new Error(`attachment "${attachment.name}" has neither a body nor a path`);
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

/** Parses a JSON attachment against its contract; a problem names the attachment, the test location and the field. */
export function parseJsonAttachment<T>(attachment: AttachmentLike, schema: z.ZodType<T>, where: string): Parsed<T> {
  const label = `${where}: attachment "${attachment.name}"`;
  let raw: unknown;
  try {
    raw = JSON.parse(attachmentText(attachment));
  } catch (error) {
    return { ok: false, problem: `${label}: not readable JSON (${(error as Error).message})` };
  }
  const result = schema.safeParse(raw);
  if (result.success) return { ok: true, value: result.data };
  const fields = result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  return { ok: false, problem: `${label}: ${fields.join('; ')}` };
}
