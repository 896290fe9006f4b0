// The table of scheduling policies the frontend's --scheduler flag accepts. A policy
// file adds one entry here; the CLI validates against these keys.

import { createAtlasScheduler } from './atlas.ts';
import { FcfsScheduler } from './fcfs.ts';
import { createPlasScheduler } from './plas.ts';
import type { Scheduler, SchedulerOptions } from './scheduler.ts';
import { createWorkloadAwareScheduler } from './workload-aware.ts';

export type SchedulerFactory = (opts: SchedulerOptions, log: (line: string) => void) => Scheduler;

const factories: Record<string, SchedulerFactory> = {
  fcfs: () => new FcfsScheduler(),
  plas: createPlasScheduler,
  atlas: createAtlasScheduler,
  'workload-aware': createWorkloadAwareScheduler,
};

export function schedulerPolicies(): string[] {
  return Object.keys(factories);
}

export function createScheduler(policy: string, opts: SchedulerOptions, log: (line: string) => void): Scheduler {
  const factory = factories[policy];
  if (!factory) {
    throw new Error(`unknown scheduler policy "${policy}" (known: ${schedulerPolicies().join(', ')})`);
  }
  return factory(opts, log);
}
