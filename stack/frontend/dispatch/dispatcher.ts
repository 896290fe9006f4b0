// The dispatch loop: requests wait here until some eligible worker is below capacity.
// New requests are ordered by the Scheduler; follow-up phases of requests already
// admitted (decode after prefill, migrations) wait in a FIFO served before new work.

import { HttpError } from '../../../protocol/http/http-error.ts';
import type { WorkerRole } from '../../../protocol/messages.ts';
import type { WorkerEntry, WorkerRegistry } from '../discovery/worker-registry.ts';
import type { DecisionKind, Router, RoutingRequest } from '../routing/router.ts';
import type { QueuedRequest, Scheduler } from '../scheduler/scheduler.ts';

/** `entry`: prefill if the model has prefill workers, else the whole request. */
export type Phase = 'entry' | 'decode';
export type PlacedPhase = 'prefill' | 'full' | 'decode';

export interface Placement {
  worker: WorkerEntry;
  phase: PlacedPhase;
  /** A disaggregated model's request placed whole on a decode worker: no prefill worker could take it. */
  decodeOnlyFallback: boolean;
  decision: DecisionKind;
  reason: string;
  queueMs: number;
}

export interface PlacementRequest {
  queued: QueuedRequest;
  routing: RoutingRequest;
  model: string;
  phase: Phase;
  /** Workers that already broke this request. */
  exclude: ReadonlySet<string>;
}

interface Waiter extends PlacementRequest {
  since: number;
  /** A new request, not a later phase: until it reaches a worker only the dispatcher can report its end. */
  admitted: boolean;
  resolve(placement: Placement): void;
  reject(err: HttpError): void;
}

const DECODE_ROLES: readonly WorkerRole[] = ['decode', 'agg'];
const FULL_ROLES: readonly WorkerRole[] = ['agg', 'decode'];

export class Dispatcher {
  private readonly admitted = new Map<string, Waiter>();
  private followUps: Waiter[] = [];
  private pumping = false;
  inFlight = 0;

  constructor(
    private readonly registry: WorkerRegistry,
    private readonly scheduler: Scheduler,
    private readonly router: Router,
    private readonly maxQueue: number,
    private readonly onDispatch: (req: PlacementRequest, placement: Placement) => void,
    /** Fail instead of falling back to decode-only (Dynamo's --enforce-disagg). */
    private readonly enforceDisagg = false,
  ) {
    registry.onAdded(() => this.pump());
    registry.onRemoved(() => this.pump());
  }

  get queueDepth(): number {
    return this.scheduler.size + this.followUps.length;
  }

  /** A new request: ordered by the scheduler. Rejects at once when the queue is full. */
  admit(req: PlacementRequest): Promise<Placement> {
    if (this.scheduler.size >= this.maxQueue) {
      return Promise.reject(new HttpError(503, `frontend queue is full (${this.maxQueue} requests waiting)`));
    }
    return new Promise((resolve, reject) => {
      const now = Date.now();
      this.admitted.set(req.queued.requestId, { ...req, since: now, admitted: true, resolve, reject });
      this.scheduler.enqueue(req.queued, now);
      this.pump();
    });
  }

  /** A later phase of an admitted request (decode, migration): served before new requests. */
  place(req: PlacementRequest): Promise<Placement> {
    return new Promise((resolve, reject) => {
      this.followUps.push({ ...req, since: Date.now(), admitted: false, resolve, reject });
      this.pump();
    });
  }

  /** Drops a request still waiting for a worker; true if it was waiting. */
  withdraw(requestId: string): boolean {
    const leaving = this.followUps.filter((w) => w.queued.requestId === requestId);
    for (const w of leaving) this.abandon(w);
    this.followUps = this.followUps.filter((w) => w.queued.requestId !== requestId);
    const queued = this.admitted.delete(requestId) && this.scheduler.remove(requestId);
    return queued || leaving.length > 0;
  }

  /** A request's attempt on `worker` is over (finished, broken or cancelled). */
  release(worker: WorkerEntry, routing: RoutingRequest): void {
    this.router.completed?.(routing, worker.registration.id);
    worker.inFlight--;
    this.inFlight--;
    this.pump();
  }

  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    try {
      this.pumpFollowUps();
      this.pumpScheduler();
    } finally {
      this.pumping = false;
    }
  }

  private pumpFollowUps(): void {
    if (this.followUps.length === 0) return;
    this.followUps = this.followUps.filter((w) => !this.tryPlace(w));
  }

  private pumpScheduler(): void {
    if (this.scheduler.size > 0 && this.entryRoom() === 'no-workers') {
      this.drainScheduler();
      return;
    }
    while (this.scheduler.size > 0 && this.entryRoom() === 'room') {
      const now = Date.now();
      const queued = this.scheduler.next(now);
      if (!queued) return;
      const waiter = this.admitted.get(queued.requestId);
      if (!waiter) continue;
      this.admitted.delete(queued.requestId);
      if (!this.tryPlace(waiter)) this.followUps.push(waiter);
    }
  }

  /** True when the waiter is settled (placed or rejected). */
  private tryPlace(w: Waiter): boolean {
    const { phase, eligible } = this.eligible(w);
    if (eligible.length === 0) {
      this.fail(w, `no worker left for model "${w.model}" (phase ${phase})`);
      return true;
    }
    const decodeOnlyFallback = phase === 'full' && this.registry.disaggregated(w.model);
    if (decodeOnlyFallback && this.enforceDisagg) {
      this.fail(w, `no prefill worker can take the request, but disaggregated mode is enforced (--enforce-disagg)`);
      return true;
    }
    const candidates = eligible.filter((e) => e.inFlight < e.capacity);
    if (candidates.length === 0) return false;
    const decision = this.router.pick(w.routing, candidates);
    const worker = candidates.find((c) => c.registration.id === decision.workerId) ?? candidates[0]!;
    worker.inFlight++;
    this.inFlight++;
    const now = Date.now();
    if (w.phase === 'entry') this.scheduler.dispatched(w.queued, worker.registration.id, now);
    const placement: Placement = { worker, phase, decodeOnlyFallback, decision: decision.decision, reason: decision.reason, queueMs: now - w.since };
    this.onDispatch(w, placement);
    w.resolve(placement);
    return true;
  }

  private eligible(w: PlacementRequest): { phase: PlacedPhase; eligible: WorkerEntry[] } {
    const ofModel = this.registry
      .list()
      .filter((e) => e.registration.model === w.model && !w.exclude.has(e.registration.id));
    if (w.phase === 'decode') return { phase: 'decode', eligible: ofModel.filter((e) => DECODE_ROLES.includes(e.registration.role)) };
    const prefill = ofModel.filter((e) => e.registration.role === 'prefill');
    if (prefill.length > 0) return { phase: 'prefill', eligible: prefill };
    return { phase: 'full', eligible: ofModel.filter((e) => FULL_ROLES.includes(e.registration.role)) };
  }

  private entryRoom(): 'room' | 'full' | 'no-workers' {
    const workers = this.registry.list();
    const disaggregated = workers.some((e) => e.registration.role === 'prefill');
    const entry = workers.filter((e) => (disaggregated ? e.registration.role === 'prefill' : e.registration.role !== 'prefill'));
    if (entry.length === 0) return 'no-workers';
    return entry.some((e) => e.inFlight < e.capacity) ? 'room' : 'full';
  }

  /** Every worker is gone: queued requests fail instead of waiting for one that may never come. */
  private drainScheduler(): void {
    for (let q = this.scheduler.next(Date.now()); q; q = this.scheduler.next(Date.now())) {
      const waiter = this.admitted.get(q.requestId);
      this.admitted.delete(q.requestId);
      if (waiter) this.fail(waiter, `no worker left for model "${waiter.model}"`);
    }
  }

  private fail(w: Waiter, message: string): void {
    this.abandon(w);
    w.reject(new HttpError(503, message));
  }

  /** The scheduler handed this request out and it will never run: policies that count it as active must hear so. */
  private abandon(w: Waiter): void {
    if (w.admitted) this.scheduler.completed(w.queued, { serviceMs: 0, completionTokens: 0, ok: false }, Date.now());
  }
}
