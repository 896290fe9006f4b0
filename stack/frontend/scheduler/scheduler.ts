// The seam between the frontend's dispatch loop and scheduling policies. The loop calls
// next() whenever some worker has room; a policy only orders requests.

export interface WorkloadContext {
  workloadId: string;
  criticality: number;
}

export interface QueuedRequest {
  requestId: string;
  arrivalMs: number;
  promptTokens: number;
  maxTokens: number;
  programId?: string;
  threadId?: string;
  parentThreadIds?: readonly string[];
  workload: WorkloadContext;
}

export interface Completion {
  /** Wall time the request spent on a worker (dispatch to last token), in ms. */
  serviceMs: number;
  completionTokens: number;
  ok: boolean;
}

export interface Scheduler {
  readonly policy: string;
  enqueue(request: QueuedRequest, nowMs: number): void;
  /** The next request to dispatch, or undefined when the queue is empty. */
  next(nowMs: number): QueuedRequest | undefined;
  /** Drops a request that is still queued (its client went away); true if it was queued. */
  remove(requestId: string): boolean;
  dispatched(request: QueuedRequest, workerId: string, nowMs: number): void;
  completed(request: QueuedRequest, completion: Completion, nowMs: number): void;
  readonly size: number;
  /** JSON-serialisable state for GET /debug/scheduler. */
  snapshot(nowMs: number): Record<string, unknown>;
}

/** Policy tuning from repeated `--scheduler-option key=value` flags. */
export type SchedulerOptions = Readonly<Record<string, string | number | boolean>>;
