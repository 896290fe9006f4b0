// Extracts what the schedulers need from an incoming request: the Autellix program/thread
// identity and the workload context of workload-aware routing. Never throws: a request
// with missing or malformed context is still served, as part of the default workload.

import type { IncomingHttpHeaders } from 'node:http';
import { z } from 'zod';
import { DEFAULT_CRITICALITY, PARENT_THREAD_IDS_HEADER, PROGRAM_ID_HEADER, THREAD_ID_HEADER, WORKLOAD_CONTEXT_HEADER } from '../../../protocol/headers.ts';
import type { QueuedRequest, WorkloadContext } from './scheduler.ts';
import { markedLine, waLog } from './wa-log.ts';

export const DEFAULT_WORKLOAD: Readonly<WorkloadContext> = Object.freeze({ workloadId: 'default', criticality: DEFAULT_CRITICALITY });

const workloadContextSchema = z.object({
  workload_id: z.string().min(1),
  criticality: z.number().int().min(1).max(5),
});

const nvextSchema = z.object({
  program_id: z.string().min(1).optional(),
  thread_id: z.string().min(1).optional(),
  parent_thread_ids: z.array(z.string().min(1)).optional(),
});

export type RequestContext = Pick<QueuedRequest, 'programId' | 'threadId' | 'parentThreadIds' | 'workload'>;

// Keyed by the log function so each frontend (and each test) has its own "already said
// that" memory: a client that sends the same bad header on every request logs it once.
const reportedReasons = new WeakMap<(line: string) => void, Set<string>>();

function logOnce(log: (line: string) => void, reason: string, line: string): void {
  let seen = reportedReasons.get(log);
  if (!seen) {
    seen = new Set();
    reportedReasons.set(log, seen);
  }
  if (seen.has(reason)) return;
  seen.add(reason);
  log(line);
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  const trimmed = first?.trim();
  return trimmed ? trimmed : undefined;
}

function zodReason(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}

type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

function parseWorkloadContext(raw: string): Parsed<WorkloadContext> {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (err) {
    return { ok: false, reason: `invalid JSON (${(err as Error).message})` };
  }
  const result = workloadContextSchema.safeParse(json);
  if (!result.success) return { ok: false, reason: zodReason(result.error) };
  return { ok: true, value: { workloadId: result.data.workload_id, criticality: result.data.criticality } };
}

function workloadOf(headers: IncomingHttpHeaders, log: (line: string) => void, requestId: string): WorkloadContext {
  const raw = headerValue(headers, WORKLOAD_CONTEXT_HEADER);
  if (raw === undefined) return { ...DEFAULT_WORKLOAD };
  const parsed = parseWorkloadContext(raw);
  if (!parsed.ok) {
    logOnce(
      log,
      `workload:${parsed.reason}`,
      waLog('Malformed X-Workload-Context header, using default workload', {
        request_id: requestId,
        reason: parsed.reason,
      }),
    );
    return { ...DEFAULT_WORKLOAD };
  }
  log(
    waLog('Workload context extracted', {
      request_id: requestId,
      workload_id: parsed.value.workloadId,
      criticality: parsed.value.criticality,
    }),
  );
  return parsed.value;
}

function splitList(raw: string | undefined): string[] | undefined {
  if (raw === undefined) return undefined;
  const ids = raw.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  return ids.length > 0 ? ids : undefined;
}

function nvextOf(body: Record<string, unknown>, log: (line: string) => void, requestId: string): z.infer<typeof nvextSchema> {
  const nvext = body['nvext'];
  if (nvext === undefined || nvext === null) return {};
  const result = nvextSchema.safeParse(nvext);
  if (result.success) return result.data;
  const reason = zodReason(result.error);
  logOnce(
    log,
    `nvext:${reason}`,
    markedLine('[SCHEDULER]', 'Ignoring malformed nvext program fields', { request_id: requestId, reason }),
  );
  return {};
}

export function requestContext(
  headers: IncomingHttpHeaders,
  body: Record<string, unknown>,
  log: (line: string) => void,
  requestId: string,
): RequestContext {
  const nvext = nvextOf(body, log, requestId);
  const context: RequestContext = { workload: workloadOf(headers, log, requestId) };
  const programId = headerValue(headers, PROGRAM_ID_HEADER) ?? nvext.program_id;
  const threadId = headerValue(headers, THREAD_ID_HEADER) ?? nvext.thread_id;
  const parentThreadIds = splitList(headerValue(headers, PARENT_THREAD_IDS_HEADER)) ?? nvext.parent_thread_ids;
  if (programId !== undefined) context.programId = programId;
  if (threadId !== undefined) context.threadId = threadId;
  if (parentThreadIds !== undefined && parentThreadIds.length > 0) context.parentThreadIds = parentThreadIds;
  return context;
}
