// Wire types between the frontend and workers (JSON over NATS, values in etcd).

export type WorkerRole = 'agg' | 'prefill' | 'decode';

/** Value stored at workerKey(ns, id) under the worker's lease. */
export interface WorkerRegistration {
  id: string;
  model: string;
  role: WorkerRole;
  httpUrl: string;
  maxNumSeqs: number;
  maxWaiting: number;
  blockSize: number;
  pid: number;
  startedAt: number;
}

/**
 * Sent to generateSubject with a NATS reply subject; the worker streams GenerateChunk
 * messages to that reply subject. `generatedTokens` is non-empty when the frontend
 * migrates a request: the worker continues from that position, so output position i
 * depends only on (seed, promptTokens, i) and a migrated stream has no gaps or repeats.
 */
export interface GenerateRequest {
  requestId: string;
  model: string;
  promptTokens: number[];
  generatedTokens: number[];
  maxTokens: number;
  seed: number;
  temperature?: number;
  ignoreEos?: boolean;
  /** Decode on a worker after a prefill worker did the prompt: skip the prefill delay. */
  prefilled?: boolean;
  /** Ask a prefill worker for the prefill only (role prefill). */
  prefillOnly?: boolean;
  /** Failure injection carried from the client's request header. */
  forceError?: number;
}

export type GenerateChunk =
  | { type: 'started'; requestId: string; workerId: string; cachedTokens: number; queuedMs: number }
  | { type: 'tokens'; requestId: string; index: number; tokenIds: number[]; text: string }
  | { type: 'heartbeat'; requestId: string }
  | {
      type: 'done';
      requestId: string;
      finishReason: 'length' | 'stop' | 'abort';
      usage: { promptTokens: number; completionTokens: number; cachedTokens: number };
    }
  /** `retryable` errors (worker shutting down, crash injection) may be migrated. */
  | { type: 'error'; requestId: string; status: number; message: string; retryable: boolean };

export type ControlMessage = { type: 'kill'; requestId: string };

/** Published by workers on kvEventsSubject when prefix-cache blocks are stored or evicted. */
export interface KvEvent {
  workerId: string;
  stored: string[];
  removed: string[];
}
