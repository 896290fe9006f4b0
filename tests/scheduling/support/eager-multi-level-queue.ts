// The oracle for the multi-level queue: the straightforward algorithm that re-derives
// every queued call's level on every pass (what the scheduler did before it learned to
// re-derive only what could have changed). Its dispatch order and counters define the
// behaviour the real scheduler must reproduce.

import type { MultiLevelParams, ServiceMeasure } from '../../../stack/frontend/scheduler/multi-level-queue.ts';
import { type AttainedService, ProcessTable } from '../../../stack/frontend/scheduler/process-table.ts';
import type { Completion, QueuedRequest } from '../../../stack/frontend/scheduler/scheduler.ts';

interface Entry {
  request: QueuedRequest;
  enqueuedMs: number;
  level: number;
  promoted: boolean;
}

export interface EagerState {
  demotions: number;
  promotions: number;
  queued: { requestId: string; level: number; promoted: boolean }[];
}

export class EagerMultiLevelQueue {
  private readonly table = new ProcessTable();
  private readonly queue = new Map<string, Entry>();
  private demotions = 0;
  private promotions = 0;

  constructor(
    private readonly params: MultiLevelParams,
    private readonly measure: ServiceMeasure,
  ) {}

  private levelFor(serviceMs: number): number {
    if (serviceMs < this.params.quantumMs) return 0;
    const level = 1 + Math.floor(Math.log2(serviceMs / this.params.quantumMs));
    return Math.min(this.params.numQueues - 1, level);
  }

  enqueue(request: QueuedRequest, nowMs: number): void {
    this.table.register(request, nowMs);
    const level = this.levelFor(this.measure(this.table, request, nowMs, new Map()).serviceMs);
    this.queue.set(request.requestId, { request, enqueuedMs: nowMs, level, promoted: false });
  }

  next(nowMs: number): QueuedRequest | undefined {
    this.pass(nowMs);
    let best: Entry | undefined;
    for (const entry of this.queue.values()) if (!best || entry.level < best.level) best = entry;
    if (best) this.take(best);
    return best?.request;
  }

  remove(requestId: string): boolean {
    const entry = this.queue.get(requestId);
    if (entry) this.take(entry);
    return entry !== undefined;
  }

  dispatched(request: QueuedRequest, nowMs: number): void {
    this.table.started(request, nowMs);
  }

  completed(request: QueuedRequest, completion: Completion, nowMs: number): void {
    this.table.finished(request, completion.serviceMs, nowMs);
  }

  state(nowMs: number): EagerState {
    this.pass(nowMs);
    const queued = [...this.queue.values()].map((e) => ({ requestId: e.request.requestId, level: e.level, promoted: e.promoted }));
    return { demotions: this.demotions, promotions: this.promotions, queued };
  }

  private take(entry: Entry): void {
    this.queue.delete(entry.request.requestId);
    this.table.dequeued(entry.request);
  }

  private pass(nowMs: number): void {
    const memo = new Map<string, AttainedService>();
    const beta = this.params.starvationBeta;
    for (const entry of this.queue.values()) {
      const { serviceMs } = this.measure(this.table, entry.request, nowMs, memo);
      const natural = this.levelFor(serviceMs);
      if (natural > entry.level && !entry.promoted) this.demotions++;
      if (!entry.promoted && beta > 0 && serviceMs > 0 && nowMs - entry.enqueuedMs >= beta * serviceMs) {
        entry.promoted = true;
        this.promotions++;
      }
      entry.level = entry.promoted ? 0 : natural;
    }
  }
}
