// The Autellix process table: per program, the service it has attained (completed calls
// plus the running time of calls still on a worker) and, per thread, its own service and
// its parent threads, from which ATLAS reads the critical path of the program's DAG.

import { evictIdle, touch } from './idle-eviction.ts';
import type { QueuedRequest } from './scheduler.ts';

/** Calls without a thread id belong to the program's main thread. */
export const MAIN_THREAD = 'main';

interface ThreadRecord {
  serviceMs: number;
  parents: Set<string>;
  calls: number;
}

interface ProgramRecord {
  serviceMs: number;
  completedCalls: number;
  queued: number;
  /** Last arrival or completion of one of its calls: the table's order is by this time. */
  lastActiveMs: number;
  /** requestId → thread and dispatch time of calls now on a worker. */
  running: Map<string, { threadId: string; startMs: number }>;
  threads: Map<string, ThreadRecord>;
}

/**
 * Service attained so far and how fast it can grow until the next dispatch or completion
 * (ms of service per ms of wall time: one per running call that counts towards it).
 */
export interface AttainedService {
  serviceMs: number;
  growthPerMs: number;
}

const IDLE: Readonly<AttainedService> = Object.freeze({ serviceMs: 0, growthPerMs: 0 });

export const DEFAULT_MAX_PROGRAMS = 10_000;

export const threadOf = (request: QueuedRequest): string => request.threadId ?? MAIN_THREAD;

export class ProcessTable {
  private readonly programs = new Map<string, ProgramRecord>();

  /** Idle programs dropped to keep the table within `maxPrograms`: their sessions ended. */
  evictedCount = 0;
  /** Programs dropped after `idleMs` with nothing queued or running: their sessions ended. */
  expiredCount = 0;

  /** `idleMs` 0: a program's session never ends by idleness alone. */
  constructor(
    private readonly maxPrograms = DEFAULT_MAX_PROGRAMS,
    private readonly idleMs = 0,
  ) {}

  get programCount(): number {
    return this.programs.size;
  }

  /**
   * A call of a program arrived: register the program, its thread and the thread's parents.
   * True when the thread gained a parent, which may lengthen critical paths through it.
   */
  register(request: QueuedRequest, nowMs: number): boolean {
    if (request.programId === undefined) return false;
    this.expireIdle(nowMs);
    const program = this.programs.get(request.programId) ?? {
      serviceMs: 0,
      completedCalls: 0,
      queued: 0,
      lastActiveMs: nowMs,
      running: new Map(),
      threads: new Map(),
    };
    program.lastActiveMs = nowMs;
    touch(this.programs, request.programId, program);
    const threadId = threadOf(request);
    const thread = program.threads.get(threadId) ?? { serviceMs: 0, parents: new Set<string>(), calls: 0 };
    program.threads.set(threadId, thread);
    const parentsBefore = thread.parents.size;
    for (const parent of request.parentThreadIds ?? []) if (parent !== threadId) thread.parents.add(parent);
    thread.calls++;
    program.queued++;
    this.evictedCount += evictIdle(this.programs, this.maxPrograms, (p) => p.queued === 0 && p.running.size === 0);
    return thread.parents.size !== parentsBefore;
  }

  /** A call left the queue: handed to the dispatch loop, or withdrawn by its client. */
  dequeued(request: QueuedRequest): void {
    const program = this.program(request);
    if (program) program.queued--;
  }

  started(request: QueuedRequest, nowMs: number): void {
    const program = this.program(request);
    if (!program) return;
    program.running.set(request.requestId, { threadId: threadOf(request), startMs: nowMs });
  }

  finished(request: QueuedRequest, serviceMs: number, nowMs: number): void {
    const program = this.program(request);
    if (!program) return;
    program.lastActiveMs = nowMs;
    touch(this.programs, request.programId!, program);
    program.running.delete(request.requestId);
    program.serviceMs += serviceMs;
    program.completedCalls++;
    const thread = program.threads.get(threadOf(request));
    if (thread) thread.serviceMs += serviceMs;
  }

  /**
   * PLAS priority: everything the program has been served so far; 0 for unknown programs.
   * `memo` lets one scheduling pass rank many calls of a program for the price of one.
   */
  programService(programId: string | undefined, nowMs: number, memo = new Map<string, AttainedService>()): AttainedService {
    const program = programId === undefined ? undefined : this.programs.get(programId);
    if (programId === undefined || !program) return IDLE;
    const known = memo.get(programId);
    if (known !== undefined) return known;
    let total = program.serviceMs;
    for (const call of program.running.values()) total += nowMs - call.startMs;
    const attained = { serviceMs: total, growthPerMs: program.running.size };
    memo.set(programId, attained);
    return attained;
  }

  /**
   * ATLAS priority: the largest attained service along any path of parent threads ending
   * at this thread. `memo` lets one scheduling pass share the work across queued calls.
   */
  criticalPath(programId: string | undefined, threadId: string | undefined, nowMs: number, memo = new Map<string, AttainedService>()): AttainedService {
    const program = programId === undefined ? undefined : this.programs.get(programId);
    if (programId === undefined || !program) return IDLE;
    return this.path(program, programId, threadId ?? MAIN_THREAD, nowMs, memo, new Set());
  }

  // A method rather than a closure: this runs for every queued thread on every dispatch.
  // The growth bound is the steepest path, not the critical one: a slower path that is
  // still behind may overtake it, and the bound must hold until the next event.
  private path(
    program: ProgramRecord,
    programId: string,
    threadId: string,
    nowMs: number,
    memo: Map<string, AttainedService>,
    onPath: Set<string>,
  ): AttainedService {
    const key = `${programId}\u0000${threadId}`;
    const known = memo.get(key);
    if (known !== undefined) return known;
    const thread = program.threads.get(threadId);
    if (!thread || onPath.has(threadId)) return IDLE; // unknown parent, or a cycle in client-supplied ids
    onPath.add(threadId);
    let longestParent = 0;
    let steepestParent = 0;
    for (const parent of thread.parents) {
      const above = this.path(program, programId, parent, nowMs, memo, onPath);
      longestParent = Math.max(longestParent, above.serviceMs);
      steepestParent = Math.max(steepestParent, above.growthPerMs);
    }
    onPath.delete(threadId);
    let total = longestParent + thread.serviceMs;
    let running = 0;
    for (const call of program.running.values()) {
      if (call.threadId !== threadId) continue;
      total += nowMs - call.startMs;
      running++;
    }
    const attained = { serviceMs: total, growthPerMs: steepestParent + running };
    memo.set(key, attained);
    return attained;
  }

  /**
   * Ends the sessions of programs idle for `idleMs`. The table is ordered by last activity,
   * so the scan stops at the first program active too recently; a busy program is skipped.
   */
  private expireIdle(nowMs: number): void {
    if (this.idleMs === 0) return;
    for (const [id, program] of this.programs) {
      if (nowMs - program.lastActiveMs < this.idleMs) return;
      if (program.queued === 0 && program.running.size === 0) {
        this.programs.delete(id);
        this.expiredCount++;
      }
    }
  }

  snapshot(nowMs: number): Record<string, unknown> {
    this.expireIdle(nowMs);
    const programs: Record<string, unknown> = {};
    for (const [id, program] of this.programs) {
      const memo = new Map<string, AttainedService>();
      const threads: Record<string, unknown> = {};
      for (const [threadId, thread] of program.threads) {
        threads[threadId] = {
          serviceMs: thread.serviceMs,
          calls: thread.calls,
          parents: [...thread.parents],
          criticalPathMs: this.criticalPath(id, threadId, nowMs, memo).serviceMs,
        };
      }
      programs[id] = {
        serviceMs: this.programService(id, nowMs).serviceMs,
        completedCalls: program.completedCalls,
        queued: program.queued,
        running: program.running.size,
        threads,
      };
    }
    return programs;
  }

  private program(request: QueuedRequest): ProgramRecord | undefined {
    return request.programId === undefined ? undefined : this.programs.get(request.programId);
  }
}
