// The frontend's view of the workers it can route to: registrations from etcd, this
// frontend's in-flight count per worker, and each worker's cached prefix blocks.

import type { KvEvent, WorkerRegistration } from '../../../protocol/messages.ts';
import type { WorkerView } from '../routing/router.ts';

export interface WorkerEntry extends WorkerView {
  inFlight: number;
  cachedBlocks: Set<string>;
  /** In-flight requests this frontend allows on the worker (maxNumSeqs × busy threshold). */
  capacity: number;
}

type Listener = (workerId: string) => void;

export class WorkerRegistry {
  private readonly workers = new Map<string, WorkerEntry>();
  /** Kept sorted by id so routers see a stable order. */
  private ordered: WorkerEntry[] = [];
  /** Models that have had a prefill worker: their requests are disaggregated from then on. */
  private readonly prefilled = new Set<string>();
  private readonly addedListeners = new Set<Listener>();
  private readonly removedListeners = new Set<Listener>();

  constructor(private readonly busyThreshold: number) {}

  upsert(registration: WorkerRegistration): void {
    const existing = this.workers.get(registration.id);
    const capacity = Math.max(1, Math.floor(registration.maxNumSeqs * this.busyThreshold));
    if (registration.role === 'prefill') this.prefilled.add(registration.model);
    if (existing) {
      existing.registration = registration;
      existing.capacity = capacity;
    } else {
      this.workers.set(registration.id, { registration, inFlight: 0, cachedBlocks: new Set(), capacity });
      this.reorder();
    }
    for (const l of this.addedListeners) l(registration.id);
  }

  remove(workerId: string): void {
    if (!this.workers.delete(workerId)) return;
    this.reorder();
    for (const l of this.removedListeners) l(workerId);
  }

  applyKvEvent(event: KvEvent): void {
    const worker = this.workers.get(event.workerId);
    if (!worker) return;
    for (const h of event.removed) worker.cachedBlocks.delete(h);
    for (const h of event.stored) worker.cachedBlocks.add(h);
  }

  get(workerId: string): WorkerEntry | undefined {
    return this.workers.get(workerId);
  }

  list(): readonly WorkerEntry[] {
    return this.ordered;
  }

  models(): string[] {
    return [...new Set(this.ordered.map((w) => w.registration.model))];
  }

  /** Whether `model` has ever had a prefill worker (Dynamo: its prefill router was activated). */
  disaggregated(model: string): boolean {
    return this.prefilled.has(model);
  }

  hasModel(model: string): boolean {
    return this.ordered.some((w) => w.registration.model === model);
  }

  onAdded(listener: Listener): () => void {
    this.addedListeners.add(listener);
    return () => this.addedListeners.delete(listener);
  }

  onRemoved(listener: Listener): () => void {
    this.removedListeners.add(listener);
    return () => this.removedListeners.delete(listener);
  }

  private reorder(): void {
    this.ordered = [...this.workers.values()].sort((a, b) =>
      a.registration.id < b.registration.id ? -1 : a.registration.id > b.registration.id ? 1 : 0,
    );
  }
}
