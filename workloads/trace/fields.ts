// Field schemas shared by the CSV and JSONL readers, so both formats accept and reject
// the same values with the same words.

import { z } from 'zod';
import { BOUNDS, boundedNumber, boundProblem, type Bound } from './bounds.ts';
import { CLASSIFY_MODEL, MODES, PRIORITIES, type Endpoint, type TraceRequest } from './types.ts';

export function oneOf<T extends string>(values: readonly T[]) {
  return z.string().transform((raw, ctx): T => {
    const v = raw.trim();
    if ((values as readonly string[]).includes(v)) return v as T;
    ctx.addIssue({ code: 'custom', message: `unknown value ${JSON.stringify(raw)}; expected one of ${values.join(', ')}` });
    return z.NEVER;
  });
}

export const modeField = oneOf(MODES);
export const priorityField = oneOf(PRIORITIES);

/** Criticality as the frontend's X-Workload-Context expects it: 1 (least) to 5 (most). */
export const criticalityNumber = z.number().int('must be an integer').min(1, 'must be 1 to 5').max(5, 'must be 1 to 5');

export const requestBody = z
  .looseObject({
    messages: z.array(z.looseObject({ role: z.string(), content: z.unknown() })).min(1, 'must not be empty').optional(),
    prompt: z.union([z.string(), z.array(z.string())]).optional(),
    stream: z.boolean().optional(),
    max_tokens: boundedNumber(BOUNDS.outputTokens).optional(),
  })
  .refine((b) => (b.messages === undefined) !== (b.prompt === undefined), {
    message: 'needs exactly one of "messages" (chat) or "prompt" (completions)',
  });

export type RequestBody = z.infer<typeof requestBody>;

/** A text cell holding a number; an empty cell is "absent", never 0. */
export function numberCell(check: (n: number) => string | undefined) {
  return z.string().transform((raw, ctx): number => {
    const n = raw.trim() === '' ? NaN : Number(raw);
    const problem = Number.isFinite(n) ? check(n) : `${JSON.stringify(raw)} is not a number`;
    if (problem === undefined) return n;
    ctx.addIssue({ code: 'custom', message: problem });
    return z.NEVER;
  });
}

/** A text cell holding a number within the bound. */
export const boundedCell = (b: Bound) => numberCell((n) => boundProblem(n, b));

/** Optional columns, spelled as in both file formats. */
export interface OptionalColumns {
  workload_id?: string | undefined;
  criticality?: number | undefined;
  program_id?: string | undefined;
  thread_id?: string | undefined;
  parent_thread_ids?: string[] | undefined;
  slo_ms?: number | undefined;
}

type OptionalMeta = Pick<TraceRequest, 'workloadId' | 'criticality' | 'programId' | 'threadId' | 'parentThreadIds' | 'sloMs'>;

export function optionalMeta(r: OptionalColumns): OptionalMeta {
  const meta: OptionalMeta = {};
  if (r.workload_id !== undefined) meta.workloadId = r.workload_id;
  if (r.criticality !== undefined) meta.criticality = r.criticality;
  if (r.program_id !== undefined) meta.programId = r.program_id;
  if (r.thread_id !== undefined) meta.threadId = r.thread_id;
  if (r.parent_thread_ids !== undefined && r.parent_thread_ids.length > 0) meta.parentThreadIds = r.parent_thread_ids;
  if (r.slo_ms !== undefined) meta.sloMs = r.slo_ms;
  return meta;
}

export interface RequestMeta extends Omit<TraceRequest, 'model' | 'classify' | 'endpoint' | 'body' | 'stream'> {
  model: string;
}

/**
 * The trace's model column wins over any model inside the body; "classify" becomes
 * CLASSIFY_MODEL. Requests stream unless the body says otherwise, because TTFT and ITL
 * need the stream.
 */
export function toRequest(meta: RequestMeta, body: RequestBody): TraceRequest {
  const classify = meta.model === 'classify';
  const model = classify ? CLASSIFY_MODEL : meta.model;
  const endpoint: Endpoint = body.messages !== undefined ? 'chat' : 'completions';
  const stream = body.stream ?? true;
  const sent: Record<string, unknown> = { ...body, model, stream };
  if (stream) sent['stream_options'] = { include_usage: true };
  return { ...meta, model, classify, endpoint, body: sent, stream };
}
