// Per-workload bookkeeping for workload-aware scheduling: how many of its requests are
// active (queued or running), how many arrived in total and recently (request rate), and
// how long they waited before dispatch.

import { evictIdle, touch } from './idle-eviction.ts';
import { SlidingWindowCounter } from './sliding-window.ts';

export interface WorkloadStats {
  criticality: number;
  active: number;
  total: number;
  dispatched: number;
  completed: number;
  failed: number;
  /** Sum of queue waits of dispatched requests, for their mean. */
  dispatchWaitMs: number;
  arrivals: SlidingWindowCounter;
}

export class WorkloadRegistry {
  private readonly workloads = new Map<string, WorkloadStats>();

  constructor(
    private readonly rateWindowMs: number,
    private readonly maxWorkloads = 1_000,
  ) {}

  get(workloadId: string): WorkloadStats | undefined {
    return this.workloads.get(workloadId);
  }

  incrementActive(workloadId: string, criticality: number, nowMs: number): WorkloadStats {
    const stats = this.workloads.get(workloadId) ?? {
      criticality,
      active: 0,
      total: 0,
      dispatched: 0,
      completed: 0,
      failed: 0,
      dispatchWaitMs: 0,
      arrivals: new SlidingWindowCounter(this.rateWindowMs),
    };
    touch(this.workloads, workloadId, stats);
    stats.criticality = criticality;
    stats.active++;
    stats.total++;
    stats.arrivals.add(nowMs);
    evictIdle(this.workloads, this.maxWorkloads, (w) => w.active === 0);
    return stats;
  }

  decrementActive(workloadId: string): WorkloadStats | undefined {
    const stats = this.workloads.get(workloadId);
    if (stats) stats.active = Math.max(0, stats.active - 1);
    return stats;
  }

  requestRate(workloadId: string, nowMs: number): number {
    return this.workloads.get(workloadId)?.arrivals.ratePerSec(nowMs) ?? 0;
  }

  snapshot(nowMs: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [id, w] of this.workloads) {
      out[id] = {
        criticality: w.criticality,
        active: w.active,
        total: w.total,
        dispatched: w.dispatched,
        completed: w.completed,
        failed: w.failed,
        requestRate: w.arrivals.ratePerSec(nowMs),
        avgWaitMs: w.dispatched === 0 ? 0 : w.dispatchWaitMs / w.dispatched,
      };
    }
    return out;
  }
}
