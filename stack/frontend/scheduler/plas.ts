// PLAS (program-level attained service): a call's priority is the total service its
// program has received, so short programs are not stuck behind long ones.

import type { SchedulerOptions } from './scheduler.ts';
import { MultiLevelQueueScheduler, multiLevelParams, type ServiceMeasure } from './multi-level-queue.ts';

export const programService: ServiceMeasure = (table, request, nowMs, memo) => table.programService(request.programId, nowMs, memo);

export function createPlasScheduler(opts: SchedulerOptions): MultiLevelQueueScheduler {
  return new MultiLevelQueueScheduler('plas', multiLevelParams('plas', opts), programService);
}
