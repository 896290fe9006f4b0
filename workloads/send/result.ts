// What the sender records about one request. Raw timestamps only (epoch ms); every
// derived metric is computed in workloads/metrics/ from these, by one definition.

import type { Mode, Priority } from '../trace/types.ts';

export interface RequestResult {
  id: string;
  line: number;
  mode: Mode;
  priority: Priority;
  model: string;
  classify: boolean;
  workloadId?: string;
  criticality?: number;
  programId?: string;
  threadId?: string;
  sloMs?: number;
  stream: boolean;
  /** When the request was due. Open loop: start + offset. Closed loop: equals sentMs. */
  scheduledMs: number;
  /** When the sender handed it to the HTTP client. */
  sentMs: number;
  /** Response headers received. */
  headersMs?: number;
  /** First chunk carrying generated text (streaming), or the full body (non-streaming). */
  firstTokenMs?: number;
  /** Arrival of each chunk that carried generated text, first included. */
  tokenChunkMs: number[];
  /** Response complete, or failure noticed. */
  endMs: number;
  /** HTTP status; 0 when no response arrived (connection error, timeout). */
  status: number;
  error?: string;
  promptTokens?: number;
  outputTokens: number;
  cachedTokens?: number;
  /** From the frontend's x-servewright-queue-ms response header. */
  queueMs?: number;
  workerId?: string;
  /** Model the server says answered (differs from model in classification mode). */
  servedModel?: string;
  /** Who provides the served model: its owned_by in the server's /v1/models. */
  provider?: string;
}

export const succeeded = (r: RequestResult): boolean => r.status >= 200 && r.status < 300 && r.error === undefined;
