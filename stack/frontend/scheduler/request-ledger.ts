// What the scheduler did with each recent request: the priority it dispatched it at, how
// long it waited in the frontend, which worker served it and for how long. Clients read
// it from /debug/scheduler (`requests`), so per-request reports quote the frontend's own
// figures instead of guessing them from client-side timing.

import { threadOf } from './process-table.ts';
import type { Completion, QueuedRequest } from './scheduler.ts';

export interface RequestRecord {
  requestId: string;
  programId: string | null;
  /** `main` for a program's call without a thread id; null outside any program. */
  threadId: string | null;
  /** The queue level the policy dispatched the call from (0 runs first); null for a policy without levels. */
  priority: number | null;
  /** Dispatched from queue 0 because it had waited too long (anti-starvation). */
  promoted: boolean;
  workerId: string | null;
  /** Arrival at the frontend to dispatch to a worker. */
  waitingMs: number | null;
  /** Dispatch to last token, as the scheduler was told at completion. */
  serviceMs: number | null;
  completionTokens: number | null;
  ok: boolean | null;
}

/** Completed records kept for /debug/scheduler; older ones are forgotten first. */
export const DEFAULT_LEDGER_CAPACITY = 1_000;

export class RequestLedger {
  /** Handed out by the policy and not finished yet: bounded by the requests in flight. */
  private readonly open = new Map<string, RequestRecord>();
  private readonly finished = new Map<string, RequestRecord>();

  constructor(private readonly capacity = DEFAULT_LEDGER_CAPACITY) {}

  /** The policy handed `request` to the dispatch loop from priority level `priority`. */
  handedOut(request: QueuedRequest, priority: number | null, promoted = false): void {
    this.open.set(request.requestId, {
      requestId: request.requestId,
      programId: request.programId ?? null,
      threadId: request.programId === undefined ? (request.threadId ?? null) : threadOf(request),
      priority,
      promoted,
      workerId: null,
      waitingMs: null,
      serviceMs: null,
      completionTokens: null,
      ok: null,
    });
  }

  dispatched(request: QueuedRequest, workerId: string, nowMs: number): void {
    const record = this.open.get(request.requestId);
    if (!record) return;
    record.workerId = workerId;
    record.waitingMs = nowMs - request.arrivalMs;
  }

  completed(request: QueuedRequest, completion: Completion): void {
    const record = this.open.get(request.requestId);
    if (!record) return;
    this.open.delete(request.requestId);
    record.serviceMs = completion.serviceMs;
    record.completionTokens = completion.completionTokens;
    record.ok = completion.ok;
    // A client may reuse an id once its request is over: the newest record moves to the end.
    this.finished.delete(request.requestId);
    this.finished.set(request.requestId, record);
    if (this.finished.size > this.capacity) this.finished.delete(this.finished.keys().next().value!);
  }

  /** Finished requests oldest first, then those still running. */
  snapshot(): RequestRecord[] {
    return [...this.finished.values(), ...this.open.values()].map((r) => ({ ...r }));
  }
}
