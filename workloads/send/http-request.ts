// Turns a trace request into the bytes the sender puts on the wire. Done as each request
// goes out, not for the whole trace before the run, so memory holds the bodies in flight
// rather than every (possibly synthesised, megabyte-long) prompt of the trace.
// Trace metadata travels as headers.

import {
  DEFAULT_CRITICALITY,
  PARENT_THREAD_IDS_HEADER,
  PRIORITY_HEADER,
  PROGRAM_ID_HEADER,
  REQUEST_ID_HEADER,
  THREAD_ID_HEADER,
  WORKLOAD_CONTEXT_HEADER,
} from '../../protocol/headers.ts';
import { bodyOf } from '../trace/synthetic-prompt.ts';
import type { TraceRequest } from '../trace/types.ts';

/** Where and how every request of a run is sent; plain data, so it crosses to sender threads. */
export interface Wire {
  /** API path prefix, `/v1` or `<base path>/v1`. */
  pathPrefix: string;
  apiKey?: string;
  /** Replaces the trace's model on the wire, for a server that serves only that one. */
  servedModel?: string;
}

export interface PreparedRequest {
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** Accepts both spellings of an OpenAI base URL: with and without the trailing /v1. */
export function apiPathPrefix(apiBase: URL): string {
  const path = apiBase.pathname.replace(/\/+$/, '');
  return path.endsWith('/v1') ? path : `${path}/v1`;
}

export function prepareRequest(request: TraceRequest, { pathPrefix, apiKey, servedModel }: Wire): PreparedRequest {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    [PRIORITY_HEADER]: request.priority,
    [REQUEST_ID_HEADER]: request.id,
  };
  if (apiKey !== undefined) headers['authorization'] = `Bearer ${apiKey}`;
  if (request.workloadId !== undefined || request.criticality !== undefined) {
    headers[WORKLOAD_CONTEXT_HEADER] = JSON.stringify({
      workload_id: request.workloadId ?? 'default',
      criticality: request.criticality ?? DEFAULT_CRITICALITY,
    });
  }
  if (request.programId !== undefined) headers[PROGRAM_ID_HEADER] = request.programId;
  if (request.threadId !== undefined) headers[THREAD_ID_HEADER] = request.threadId;
  if (request.parentThreadIds !== undefined) headers[PARENT_THREAD_IDS_HEADER] = request.parentThreadIds.join(',');
  const endpoint = request.endpoint === 'chat' ? '/chat/completions' : '/completions';
  const body = servedModel === undefined ? bodyOf(request) : { ...bodyOf(request), model: servedModel };
  return { path: `${pathPrefix}${endpoint}`, headers, body: JSON.stringify(body) };
}
