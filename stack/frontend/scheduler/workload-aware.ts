// Workload-aware priority (the llm-d flow-control plugin of the seed): requests queue per
// workload, and the workload with the highest score sends its oldest request next.
//   score = w_crit·(criticality−1)/4 + w_wait·min(1, avgWait/waitNorm) − w_rate·rate/maxRate
// The wait boost is absolute (a request waiting waitNorm or longer gets all of it); the
// rate penalty is relative to the busiest workload in contention, so it expresses
// fairness between workloads whatever the overall load.

import { z } from 'zod';
import { numberOption, parsePolicyOptions } from './policy-options.ts';
import type { Completion, QueuedRequest, Scheduler, SchedulerOptions } from './scheduler.ts';
import { waLog } from './wa-log.ts';
import { WorkloadRegistry } from './workload-registry.ts';

const weight = (fallback: number) => numberOption(fallback).pipe(z.number().min(0));

const optionShape = {
  'weight-criticality': weight(0.5),
  'weight-wait': weight(0.35),
  'weight-rate': weight(0.15),
  'wait-norm-ms': numberOption(5_000).pipe(z.number().positive()),
  'rate-window-ms': numberOption(10_000).pipe(z.number().positive()),
};

export type WorkloadAwareParams = z.infer<z.ZodObject<typeof optionShape>>;

interface Entry {
  request: QueuedRequest;
  enqueuedMs: number;
  seq: number;
}

interface WorkloadQueue {
  entries: Map<string, Entry>;
  enqueuedSumMs: number;
}

export interface ScoreComponents {
  criticality: number;
  avgWaitMs: number;
  requestRate: number;
  normalizedCrit: number;
  normalizedWait: number;
  normalizedRate: number;
  score: number;
}

export class WorkloadAwareScheduler implements Scheduler {
  readonly policy = 'workload-aware';
  private readonly registry: WorkloadRegistry;
  private readonly queues = new Map<string, WorkloadQueue>();
  private readonly byRequest = new Map<string, Entry>();
  private readonly lastScores = new Map<string, ScoreComponents>();
  private seq = 0;

  constructor(
    readonly params: WorkloadAwareParams,
    private readonly log: (line: string) => void,
  ) {
    this.registry = new WorkloadRegistry(params['rate-window-ms']);
  }

  get size(): number {
    return this.byRequest.size;
  }

  enqueue(request: QueuedRequest, nowMs: number): void {
    const { workloadId, criticality } = request.workload;
    const stats = this.registry.incrementActive(workloadId, criticality, nowMs);
    this.log(
      waLog('Workload active incremented', {
        request_id: request.requestId,
        workload_id: workloadId,
        active_requests: stats.active,
        total_requests: stats.total,
        request_rate: this.registry.requestRate(workloadId, nowMs),
      }),
    );
    const entry: Entry = { request, enqueuedMs: nowMs, seq: this.seq++ };
    const queue = this.queues.get(workloadId) ?? { entries: new Map(), enqueuedSumMs: 0 };
    this.queues.set(workloadId, queue);
    queue.entries.set(request.requestId, entry);
    queue.enqueuedSumMs += nowMs;
    this.byRequest.set(request.requestId, entry);
    this.log(
      waLog('Request admitted to flow control', {
        request_id: request.requestId,
        workload_id: workloadId,
        criticality,
        queue_size: this.byRequest.size,
      }),
    );
  }

  next(nowMs: number): QueuedRequest | undefined {
    const maxRate = this.maxQueuedRate(nowMs);
    let best: { workloadId: string; head: Entry; score: ScoreComponents } | undefined;
    for (const [workloadId, queue] of this.queues) {
      const head = queue.entries.values().next().value!;
      const score = this.score(workloadId, queue, head, maxRate, nowMs);
      if (!best || score.score > best.score.score || (score.score === best.score.score && head.seq < best.head.seq)) {
        best = { workloadId, head, score };
      }
    }
    if (!best) return undefined;
    const { workloadId, head, score } = best;
    this.lastScores.set(workloadId, score);
    this.log(
      waLog('Priority score computed', {
        request_id: head.request.requestId,
        workload_id: workloadId,
        criticality: score.criticality,
        avg_wait_time_sec: score.avgWaitMs / 1000,
        request_rate: score.requestRate,
        normalized_crit: score.normalizedCrit,
        normalized_wait: score.normalizedWait,
        normalized_rate: score.normalizedRate,
        final_score: score.score,
      }),
    );
    this.unqueue(head);
    const stats = this.registry.get(workloadId);
    if (stats) {
      stats.dispatched++;
      stats.dispatchWaitMs += nowMs - head.enqueuedMs;
    }
    return head.request;
  }

  remove(requestId: string): boolean {
    const entry = this.byRequest.get(requestId);
    if (!entry) return false;
    this.unqueue(entry);
    this.log(waLog('Request withdrawn', { request_id: requestId, workload_id: entry.request.workload.workloadId }));
    this.release(entry.request);
    return true;
  }

  dispatched(request: QueuedRequest, workerId: string, _nowMs: number): void {
    this.log(
      waLog('Request dispatched', {
        request_id: request.requestId,
        workload_id: request.workload.workloadId,
        worker_id: workerId,
        queue_size: this.byRequest.size,
      }),
    );
  }

  completed(request: QueuedRequest, completion: Completion, _nowMs: number): void {
    const stats = this.registry.get(request.workload.workloadId);
    if (stats) {
      if (completion.ok) stats.completed++;
      else stats.failed++;
    }
    this.log(
      waLog('Request completed', {
        request_id: request.requestId,
        workload_id: request.workload.workloadId,
        ok: completion.ok,
        service_ms: completion.serviceMs,
        completion_tokens: completion.completionTokens,
      }),
    );
    this.release(request);
  }

  snapshot(nowMs: number): Record<string, unknown> {
    const registry = this.registry.snapshot(nowMs);
    const workloads: Record<string, unknown> = {};
    for (const [id, stats] of Object.entries(registry)) {
      const queue = this.queues.get(id);
      workloads[id] = {
        ...(stats as Record<string, unknown>),
        queued: queue?.entries.size ?? 0,
        queuedAvgWaitMs: queue ? this.avgWaitMs(queue, nowMs) : 0,
        lastScore: this.lastScores.get(id) ?? null,
      };
    }
    return { policy: this.policy, params: this.params, size: this.size, workloads };
  }

  private score(workloadId: string, queue: WorkloadQueue, head: Entry, maxRate: number, nowMs: number): ScoreComponents {
    const criticality = head.request.workload.criticality;
    const avgWaitMs = this.avgWaitMs(queue, nowMs);
    const requestRate = this.registry.requestRate(workloadId, nowMs);
    const normalizedCrit = (criticality - 1) / 4;
    const normalizedWait = Math.min(1, avgWaitMs / this.params['wait-norm-ms']);
    const normalizedRate = maxRate > 0 ? requestRate / maxRate : 0;
    const score =
      this.params['weight-criticality'] * normalizedCrit +
      this.params['weight-wait'] * normalizedWait -
      this.params['weight-rate'] * normalizedRate;
    return { criticality, avgWaitMs, requestRate, normalizedCrit, normalizedWait, normalizedRate, score };
  }

  private avgWaitMs(queue: WorkloadQueue, nowMs: number): number {
    return nowMs - queue.enqueuedSumMs / queue.entries.size;
  }

  private maxQueuedRate(nowMs: number): number {
    let max = 0;
    for (const workloadId of this.queues.keys()) max = Math.max(max, this.registry.requestRate(workloadId, nowMs));
    return max;
  }

  private unqueue(entry: Entry): void {
    const workloadId = entry.request.workload.workloadId;
    const queue = this.queues.get(workloadId);
    this.byRequest.delete(entry.request.requestId);
    if (!queue) return;
    queue.entries.delete(entry.request.requestId);
    queue.enqueuedSumMs -= entry.enqueuedMs;
    if (queue.entries.size === 0) this.queues.delete(workloadId);
  }

  private release(request: QueuedRequest): void {
    const stats = this.registry.decrementActive(request.workload.workloadId);
    this.log(
      waLog('Workload active decremented', {
        request_id: request.requestId,
        workload_id: request.workload.workloadId,
        active_requests: stats?.active ?? 0,
      }),
    );
  }
}

export function createWorkloadAwareScheduler(opts: SchedulerOptions, log: (line: string) => void): WorkloadAwareScheduler {
  return new WorkloadAwareScheduler(parsePolicyOptions('workload-aware', optionShape, opts), log);
}
