// Autellix's discretized priority queues, shared by PLAS and ATLAS (they differ only in
// how a call's attained service is measured). Queue i holds calls whose service is below
// quantum·2^i (queue 0: below one quantum), so a program that keeps being served sinks
// to lower queues (demotion); within a queue calls leave in arrival order. A call that
// has waited β times its service or more is promoted to queue 0 for good (anti-starvation).
// Priorities change while calls wait (siblings finish, running calls accrue time), so
// each pass re-derives every queued call's level.

import { z } from 'zod';
import type { SchedulerOptions } from './create-scheduler.ts';
import { numberOption, parsePolicyOptions } from './policy-options.ts';
import { ProcessTable } from './process-table.ts';
import type { Completion, QueuedRequest, Scheduler } from './scheduler.ts';

export const multiLevelOptionShape = {
  'quantum-ms': numberOption(50).pipe(z.number().positive()),
  'num-queues': numberOption(8).pipe(z.number().int().min(1).max(64)),
  /** 0 turns anti-starvation off. */
  'starvation-beta': numberOption(4).pipe(z.number().min(0)),
};

export interface MultiLevelParams {
  quantumMs: number;
  numQueues: number;
  starvationBeta: number;
}

export function multiLevelParams(policy: string, opts: SchedulerOptions): MultiLevelParams {
  const parsed = parsePolicyOptions(policy, multiLevelOptionShape, opts);
  return { quantumMs: parsed['quantum-ms'], numQueues: parsed['num-queues'], starvationBeta: parsed['starvation-beta'] };
}

/** A call's attained service in ms, as the policy defines it. */
export type ServiceMeasure = (table: ProcessTable, request: QueuedRequest, nowMs: number, memo: Map<string, number>) => number;

interface Entry {
  request: QueuedRequest;
  enqueuedMs: number;
  level: number;
  promoted: boolean;
}

interface Ranked {
  entry: Entry;
  serviceMs: number;
  level: number;
}

export class MultiLevelQueueScheduler implements Scheduler {
  readonly table = new ProcessTable();
  private readonly queue = new Map<string, Entry>();
  private demotions = 0;
  private promotions = 0;
  private dispatchedCount = 0;
  private completedCount = 0;

  constructor(
    readonly policy: string,
    private readonly params: MultiLevelParams,
    private readonly measure: ServiceMeasure,
  ) {}

  get size(): number {
    return this.queue.size;
  }

  levelFor(serviceMs: number): number {
    if (serviceMs < this.params.quantumMs) return 0;
    const level = 1 + Math.floor(Math.log2(serviceMs / this.params.quantumMs));
    return Math.min(this.params.numQueues - 1, level);
  }

  enqueue(request: QueuedRequest, nowMs: number): void {
    this.table.register(request);
    const entry: Entry = { request, enqueuedMs: nowMs, level: 0, promoted: false };
    entry.level = this.levelFor(this.measure(this.table, request, nowMs, new Map()));
    this.queue.set(request.requestId, entry);
  }

  next(nowMs: number): QueuedRequest | undefined {
    let best: Entry | undefined;
    let bestLevel = Infinity;
    for (const ranked of this.rankAll(nowMs)) {
      if (ranked.level < bestLevel) {
        best = ranked.entry;
        bestLevel = ranked.level;
      }
    }
    if (!best) return undefined;
    this.queue.delete(best.request.requestId);
    this.table.dequeued(best.request);
    return best.request;
  }

  remove(requestId: string): boolean {
    const entry = this.queue.get(requestId);
    if (!entry) return false;
    this.queue.delete(requestId);
    this.table.dequeued(entry.request);
    return true;
  }

  dispatched(request: QueuedRequest, _workerId: string, nowMs: number): void {
    this.dispatchedCount++;
    this.table.started(request, nowMs);
  }

  completed(request: QueuedRequest, completion: Completion, _nowMs: number): void {
    this.completedCount++;
    this.table.finished(request, completion.serviceMs);
  }

  snapshot(nowMs: number): Record<string, unknown> {
    const depths = new Array<number>(this.params.numQueues).fill(0);
    const queued = [...this.rankAll(nowMs)].map(({ entry, serviceMs, level }) => {
      depths[level]!++;
      return {
        requestId: entry.request.requestId,
        programId: entry.request.programId ?? null,
        threadId: entry.request.threadId ?? null,
        serviceMs,
        level,
        promoted: entry.promoted,
        waitedMs: nowMs - entry.enqueuedMs,
      };
    });
    return {
      policy: this.policy,
      params: this.params,
      size: this.queue.size,
      queues: depths.map((depth, level) => ({
        level,
        minServiceMs: level === 0 ? 0 : this.params.quantumMs * 2 ** (level - 1),
        depth,
      })),
      queued,
      demotions: this.demotions,
      promotions: this.promotions,
      dispatched: this.dispatchedCount,
      completed: this.completedCount,
      programs: this.table.snapshot(nowMs),
    };
  }

  /** Re-derives every queued call's level, in arrival order, counting demotions and promotions. */
  private *rankAll(nowMs: number): Generator<Ranked> {
    const memo = new Map<string, number>();
    for (const entry of this.queue.values()) {
      const serviceMs = this.measure(this.table, entry.request, nowMs, memo);
      const natural = this.levelFor(serviceMs);
      if (natural > entry.level && !entry.promoted) this.demotions++;
      if (!entry.promoted && this.starving(entry, serviceMs, nowMs)) {
        entry.promoted = true;
        this.promotions++;
      }
      entry.level = entry.promoted ? 0 : natural;
      yield { entry, serviceMs, level: entry.level };
    }
  }

  private starving(entry: Entry, serviceMs: number, nowMs: number): boolean {
    const beta = this.params.starvationBeta;
    return beta > 0 && serviceMs > 0 && nowMs - entry.enqueuedMs >= beta * serviceMs;
  }
}
