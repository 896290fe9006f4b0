// First come, first served: a Map keeps insertion order, so the oldest request is its
// first key and a withdrawn request is an O(1) delete.

import { RequestLedger } from './request-ledger.ts';
import type { Completion, QueuedRequest, Scheduler } from './scheduler.ts';

export class FcfsScheduler implements Scheduler {
  readonly policy = 'fcfs';
  private readonly queue = new Map<string, QueuedRequest>();
  private readonly ledger = new RequestLedger();
  private dispatchedCount = 0;
  private completedCount = 0;

  get size(): number {
    return this.queue.size;
  }

  enqueue(request: QueuedRequest): void {
    this.queue.set(request.requestId, request);
  }

  next(): QueuedRequest | undefined {
    const first = this.queue.values().next();
    if (first.done) return undefined;
    this.queue.delete(first.value.requestId);
    // Arrival order is the only order: no priority levels to report.
    this.ledger.handedOut(first.value, null);
    return first.value;
  }

  remove(requestId: string): boolean {
    return this.queue.delete(requestId);
  }

  dispatched(request: QueuedRequest, workerId: string, nowMs: number): void {
    this.dispatchedCount++;
    this.ledger.dispatched(request, workerId, nowMs);
  }

  completed(request: QueuedRequest, completion: Completion): void {
    this.completedCount++;
    this.ledger.completed(request, completion);
  }

  snapshot(nowMs: number): Record<string, unknown> {
    const oldest = this.queue.values().next();
    return {
      policy: this.policy,
      queued: this.queue.size,
      oldestWaitMs: oldest.done ? 0 : nowMs - oldest.value.arrivalMs,
      dispatched: this.dispatchedCount,
      completed: this.completedCount,
      requests: this.ledger.snapshot(),
    };
  }
}
