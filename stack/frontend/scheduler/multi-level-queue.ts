// Autellix's discretized priority queues, shared by PLAS and ATLAS (they differ only in
// how a call's attained service is measured). Queue i holds calls whose service is below
// quantum·2^i (queue 0: below one quantum), so a program that keeps being served sinks
// to lower queues (demotion); within a queue calls leave in arrival order. A call that
// has waited β times its service or more is promoted to queue 0 for good (anti-starvation).
//
// The result is as if every scheduling pass re-derived every queued call's level, but a
// pass only re-derives the calls whose level or promotion could have changed since they
// were last derived. Calls of one thread of one program share their service, so they
// move together as a unit. A unit is re-derived when its program changes (a call of it
// arrives, is dispatched or completes) and otherwise only once the clock reaches its
// recheck time: between those events service grows at most at the rate the process
// table reports, so the earliest moment it could cross the unit's next level, and the
// earliest moment its oldest call could start starving, are known in advance.

import { z } from 'zod';
import { numberOption, parsePolicyOptions } from './policy-options.ts';
import { IndexedHeap } from './indexed-heap.ts';
import { type AttainedService, DEFAULT_MAX_PROGRAMS, ProcessTable, threadOf } from './process-table.ts';
import { RequestLedger } from './request-ledger.ts';
import type { Completion, QueuedRequest, Scheduler, SchedulerOptions } from './scheduler.ts';

export const multiLevelOptionShape = {
  'quantum-ms': numberOption(50).pipe(z.number().positive()),
  'num-queues': numberOption(8).pipe(z.number().int().min(1).max(64)),
  /** 0 turns anti-starvation off. */
  'starvation-beta': numberOption(4).pipe(z.number().min(0)),
  /** Programs the process table keeps; past it the least recently active idle program is ended. */
  'max-programs': numberOption(DEFAULT_MAX_PROGRAMS).pipe(z.number().int().min(1)),
  /** A program with nothing queued or running for this long is ended; 0: never. */
  'program-idle-ms': numberOption(0).pipe(z.number().min(0)),
};

export interface MultiLevelParams {
  quantumMs: number;
  numQueues: number;
  starvationBeta: number;
  maxPrograms: number;
  programIdleMs: number;
}

export function multiLevelParams(policy: string, opts: SchedulerOptions): MultiLevelParams {
  const parsed = parsePolicyOptions(policy, multiLevelOptionShape, opts);
  return {
    quantumMs: parsed['quantum-ms'],
    numQueues: parsed['num-queues'],
    starvationBeta: parsed['starvation-beta'],
    maxPrograms: parsed['max-programs'],
    programIdleMs: parsed['program-idle-ms'],
  };
}

/** A call's attained service, as the policy defines it. */
export type ServiceMeasure = (
  table: ProcessTable,
  request: QueuedRequest,
  nowMs: number,
  memo: Map<string, AttainedService>,
) => AttainedService;

interface Entry {
  request: QueuedRequest;
  enqueuedMs: number;
  seq: number;
  /** The level the call was last seen at, which demotions are counted against. */
  level: number;
  promoted: boolean;
  unit: Unit;
}

/** Queued calls that share their level: one thread of one program, or one promoted call. */
interface Unit {
  programId: string | undefined;
  /** Key in `units`; undefined for a promoted call, which no program event moves. */
  key: string | undefined;
  entries: Map<string, Entry>;
  headSeq: number;
  level: number;
  /** Some entry's level differs from the unit's (it arrived after the last re-derivation). */
  mixed: boolean;
  /** The unit is re-derived by the first pass at or after this time. */
  recheckMs: number;
  /** Positions in its level's heap and in the recheck heap (-1: not there). */
  levelSlot: number;
  recheckSlot: number;
}

const NO_PROGRAM = '\u0000no-program';

export class MultiLevelQueueScheduler implements Scheduler {
  readonly table: ProcessTable;
  private readonly ledger = new RequestLedger();
  private readonly queue = new Map<string, Entry>();
  private readonly units = new Map<string, Unit>();
  private readonly unitsOfProgram = new Map<string, Set<Unit>>();
  /** One heap per level, oldest head call first. */
  private readonly levels: IndexedHeap<'levelSlot', Unit>[];
  private readonly rechecks = new IndexedHeap<'recheckSlot', Unit>('recheckSlot', (a, b) => a.recheckMs < b.recheckMs);
  /** ceilings[i]: the service from which a call sinks below queue i. */
  private readonly ceilings: number[];
  private seq = 0;
  private demotions = 0;
  private promotions = 0;
  private dispatchedCount = 0;
  private completedCount = 0;

  constructor(
    readonly policy: string,
    private readonly params: MultiLevelParams,
    private readonly measure: ServiceMeasure,
  ) {
    this.table = new ProcessTable(params.maxPrograms, params.programIdleMs);
    this.levels = Array.from({ length: params.numQueues }, () => new IndexedHeap('levelSlot', (a: Unit, b: Unit) => a.headSeq < b.headSeq));
    this.ceilings = Array.from({ length: params.numQueues }, (_, level) => params.quantumMs * 2 ** level);
  }

  get size(): number {
    return this.queue.size;
  }

  levelFor(serviceMs: number): number {
    let level = 0;
    while (level < this.params.numQueues - 1 && serviceMs >= this.ceilings[level]!) level++;
    return level;
  }

  enqueue(request: QueuedRequest, nowMs: number): void {
    this.remove(request.requestId);
    const graphChanged = this.table.register(request, nowMs);
    const attained = this.measure(this.table, request, nowMs, new Map());
    const level = this.levelFor(attained.serviceMs);
    const key = request.programId === undefined ? NO_PROGRAM : `${request.programId}\u0000${threadOf(request)}`;
    const existing = this.units.get(key);
    const unit = existing ?? this.openUnit(request.programId, key, level);
    const entry: Entry = { request, enqueuedMs: nowMs, seq: this.seq++, level, promoted: false, unit };
    if (level !== unit.level) unit.mixed = true;
    this.join(unit, entry);
    this.queue.set(request.requestId, entry);
    if (graphChanged) this.programChanged(request.programId);
    else if (unit.mixed) this.scheduleRecheck(unit, -Infinity);
    // A new unit is as a pass now would leave it: its only call has not waited at all.
    else if (!existing) this.scheduleRecheck(unit, this.recheckMs(unit, attained, nowMs));
  }

  next(nowMs: number): QueuedRequest | undefined {
    this.rederiveDue(nowMs);
    for (const heap of this.levels) {
      const unit = heap.peek();
      if (!unit) continue;
      const entry = unit.entries.values().next().value!;
      this.take(entry);
      this.ledger.handedOut(entry.request, entry.level, entry.promoted);
      return entry.request;
    }
    return undefined;
  }

  remove(requestId: string): boolean {
    const entry = this.queue.get(requestId);
    if (!entry) return false;
    this.take(entry);
    return true;
  }

  dispatched(request: QueuedRequest, workerId: string, nowMs: number): void {
    this.dispatchedCount++;
    this.ledger.dispatched(request, workerId, nowMs);
    this.table.started(request, nowMs);
    this.programChanged(request.programId);
  }

  completed(request: QueuedRequest, completion: Completion, nowMs: number): void {
    this.completedCount++;
    this.ledger.completed(request, completion);
    this.table.finished(request, completion.serviceMs, nowMs);
    this.programChanged(request.programId);
  }

  snapshot(nowMs: number): Record<string, unknown> {
    this.rederiveDue(nowMs);
    const memo = new Map<string, AttainedService>();
    const depths = new Array<number>(this.params.numQueues).fill(0);
    const queued = [...this.queue.values()].map((entry) => {
      depths[entry.level]!++;
      return {
        requestId: entry.request.requestId,
        programId: entry.request.programId ?? null,
        threadId: entry.request.threadId ?? null,
        serviceMs: this.measure(this.table, entry.request, nowMs, memo).serviceMs,
        level: entry.level,
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
        minServiceMs: level === 0 ? 0 : this.ceilings[level - 1]!,
        depth,
      })),
      queued,
      demotions: this.demotions,
      promotions: this.promotions,
      dispatched: this.dispatchedCount,
      completed: this.completedCount,
      programs: this.table.snapshot(nowMs),
      evictedPrograms: this.table.evictedCount,
      expiredPrograms: this.table.expiredCount,
      requests: this.ledger.snapshot(),
    };
  }

  private openUnit(programId: string | undefined, key: string | undefined, level: number): Unit {
    const unit: Unit = { programId, key, entries: new Map(), headSeq: Infinity, level, mixed: false, recheckMs: Infinity, levelSlot: -1, recheckSlot: -1 };
    if (key === undefined) return unit;
    this.units.set(key, unit);
    if (programId !== undefined) {
      const siblings = this.unitsOfProgram.get(programId) ?? new Set<Unit>();
      this.unitsOfProgram.set(programId, siblings);
      siblings.add(unit);
    }
    return unit;
  }

  private join(unit: Unit, entry: Entry): void {
    unit.entries.set(entry.request.requestId, entry);
    if (unit.entries.size === 1) unit.headSeq = entry.seq;
    this.levels[unit.level]!.upsert(unit);
  }

  /** Takes a call out of the queue (dispatched or withdrawn). */
  private take(entry: Entry): void {
    this.queue.delete(entry.request.requestId);
    this.table.dequeued(entry.request);
    this.detach(entry);
  }

  private detach(entry: Entry): void {
    const unit = entry.unit;
    unit.entries.delete(entry.request.requestId);
    const head = unit.entries.values().next();
    if (head.done) {
      this.closeUnit(unit);
      return;
    }
    if (head.value.seq !== unit.headSeq) {
      unit.headSeq = head.value.seq;
      this.levels[unit.level]!.upsert(unit);
    }
  }

  private closeUnit(unit: Unit): void {
    this.levels[unit.level]!.delete(unit);
    this.rechecks.delete(unit);
    if (unit.key !== undefined) this.units.delete(unit.key);
    if (unit.programId === undefined || unit.key === undefined) return;
    const siblings = this.unitsOfProgram.get(unit.programId);
    siblings?.delete(unit);
    if (siblings?.size === 0) this.unitsOfProgram.delete(unit.programId);
  }

  /** The program's service or DAG changed: its queued calls are re-derived by the next pass. */
  private programChanged(programId: string | undefined): void {
    if (programId === undefined) return;
    for (const unit of this.unitsOfProgram.get(programId) ?? []) this.scheduleRecheck(unit, -Infinity);
  }

  private scheduleRecheck(unit: Unit, atMs: number): void {
    unit.recheckMs = atMs;
    if (atMs === Infinity) this.rechecks.delete(unit);
    else this.rechecks.upsert(unit);
  }

  private rederiveDue(nowMs: number): void {
    const due: Unit[] = [];
    while ((this.rechecks.peek()?.recheckMs ?? Infinity) <= nowMs) due.push(this.rechecks.pop()!);
    const memo = new Map<string, AttainedService>();
    for (const unit of due) this.rederive(unit, nowMs, memo);
  }

  /** What a full pass would do to the unit's calls at `nowMs`: demote them, then promote the starving ones. */
  private rederive(unit: Unit, nowMs: number, memo: Map<string, AttainedService>): void {
    const head = unit.entries.values().next().value!;
    const attained = this.measure(this.table, head.request, nowMs, memo);
    const natural = this.levelFor(attained.serviceMs);
    if (natural !== unit.level || unit.mixed) {
      for (const entry of unit.entries.values()) {
        if (natural > entry.level) this.demotions += 1;
        entry.level = natural;
      }
      this.levels[unit.level]!.delete(unit);
      unit.level = natural;
      unit.mixed = false;
      this.levels[natural]!.upsert(unit);
    }
    for (let oldest = head; this.starving(oldest, attained.serviceMs, nowMs); oldest = unit.entries.values().next().value!) {
      this.promote(oldest);
      if (unit.entries.size === 0) return;
    }
    this.scheduleRecheck(unit, this.recheckMs(unit, attained, nowMs));
  }

  private promote(entry: Entry): void {
    this.promotions++;
    this.detach(entry);
    const unit = this.openUnit(entry.request.programId, undefined, 0);
    Object.assign(entry, { unit, level: 0, promoted: true });
    this.join(unit, entry);
  }

  /** The earliest time the unit could reach its next level, or its oldest call could starve. */
  private recheckMs(unit: Unit, { serviceMs, growthPerMs }: AttainedService, nowMs: number): number {
    let at = Infinity;
    if (growthPerMs > 0 && unit.level < this.params.numQueues - 1) {
      at = nowMs + (this.ceilings[unit.level]! - serviceMs) / growthPerMs;
    }
    if (this.params.starvationBeta > 0) {
      const oldest = unit.entries.values().next().value!;
      // With no service yet nothing starves, but any service at all might make it.
      if (serviceMs > 0) at = Math.min(at, oldest.enqueuedMs + this.params.starvationBeta * serviceMs);
      else if (growthPerMs > 0) at = nowMs;
    }
    return at;
  }

  private starving(entry: Entry, serviceMs: number, nowMs: number): boolean {
    const beta = this.params.starvationBeta;
    return beta > 0 && serviceMs > 0 && nowMs - entry.enqueuedMs >= beta * serviceMs;
  }
}
