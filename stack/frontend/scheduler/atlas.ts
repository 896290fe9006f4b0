// ATLAS: for multi-threaded programs, a call's priority is the service attained along the
// critical path of its thread's ancestors, so a branch lagging behind its siblings runs
// first and the program's makespan shrinks.

import type { SchedulerOptions } from './scheduler.ts';
import { MultiLevelQueueScheduler, multiLevelParams, type ServiceMeasure } from './multi-level-queue.ts';

export const criticalPathService: ServiceMeasure = (table, request, nowMs, memo) =>
  table.criticalPath(request.programId, request.threadId, nowMs, memo);

export function createAtlasScheduler(opts: SchedulerOptions): MultiLevelQueueScheduler {
  return new MultiLevelQueueScheduler('atlas', multiLevelParams('atlas', opts), criticalPathService);
}
