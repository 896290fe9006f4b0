// PLAS (program-level attained service): a call's priority is the total service its
// program has received, so short programs are not stuck behind long ones.

import type { SchedulerOptions } from './create-scheduler.ts';
import { MultiLevelQueueScheduler, multiLevelParams } from './multi-level-queue.ts';

export function createPlasScheduler(opts: SchedulerOptions): MultiLevelQueueScheduler {
  return new MultiLevelQueueScheduler('plas', multiLevelParams('plas', opts), (table, request, nowMs, memo) =>
    table.programServiceMs(request.programId, nowMs, memo),
  );
}
