// In-process helpers for the policy unit specs: requests with sensible defaults and a
// drain loop that plays the dispatch loop's part (next → dispatched → completed).

import type { Completion, QueuedRequest, Scheduler } from '../../../stack/frontend/scheduler/scheduler.ts';
import { DEFAULT_WORKLOAD } from '../../../stack/frontend/scheduler/request-context.ts';

export function queued(requestId: string, fields: Partial<QueuedRequest> = {}): QueuedRequest {
  return {
    requestId,
    arrivalMs: 0,
    promptTokens: 8,
    maxTokens: 16,
    workload: { ...DEFAULT_WORKLOAD },
    ...fields,
  };
}

export function completion(serviceMs: number): Completion {
  return { serviceMs, completionTokens: 16, ok: true };
}

/** Runs one call to completion on a worker with the given service time, as a prior history. */
export function serve(scheduler: Scheduler, request: QueuedRequest, nowMs: number, serviceMs: number): void {
  scheduler.enqueue(request, nowMs);
  const picked = scheduler.next(nowMs);
  if (picked?.requestId !== request.requestId) throw new Error(`expected ${request.requestId} next, got ${picked?.requestId}`);
  scheduler.dispatched(picked, 'w0', nowMs);
  scheduler.completed(picked, completion(serviceMs), nowMs + serviceMs);
}

/** Request ids in the order the scheduler hands them out at `nowMs`. */
export function dispatchOrder(scheduler: Scheduler, nowMs: number): string[] {
  const order: string[] = [];
  for (let r = scheduler.next(nowMs); r; r = scheduler.next(nowMs)) order.push(r.requestId);
  return order;
}
