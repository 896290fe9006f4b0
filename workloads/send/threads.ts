// Spreads one run over worker threads when a single event loop cannot keep the schedule
// (see scripts/bench/loadgen.ts). Requests are dealt round-robin, every thread keeps the
// same absolute schedule, and results come back in the original order.

import { Worker } from 'node:worker_threads';
import type { Pool } from 'undici';
import type { RunCounters } from './progress.ts';
import type { RequestResult } from './result.ts';
import type { PlannedRequest, RunOptions } from './runner.ts';

export interface ThreadInput {
  plan: PlannedRequest[];
  origin: string;
  poolOptions: Pool.Options;
  runOptions: Omit<RunOptions, 'counters'>;
}

export type ThreadMessage =
  | { type: 'progress'; sent: number; done: number; errors: number }
  | { type: 'done'; results: RequestResult[] };

export const THREAD_PROGRESS_MS = 200;

export async function runInThreads(
  plan: readonly PlannedRequest[],
  origin: string,
  poolOptions: Pool.Options,
  runOptions: Omit<RunOptions, 'counters'>,
  threads: number,
  counters: RunCounters,
): Promise<RequestResult[]> {
  const slices = Array.from({ length: threads }, (_, k) => plan.filter((_, i) => i % threads === k));
  const seen = slices.map(() => ({ sent: 0, done: 0, errors: 0 }));
  const perThread = await Promise.all(
    slices.map(
      (slice, k) =>
        new Promise<RequestResult[]>((resolve, reject) => {
          const workerData: ThreadInput = { plan: slice, origin, poolOptions, runOptions };
          const worker = new Worker(new URL('./thread-entry.mjs', import.meta.url), { workerData });
          worker.on('message', (m: ThreadMessage) => {
            if (m.type === 'done') return resolve(m.results);
            counters.add({ sent: m.sent - seen[k]!.sent, done: m.done - seen[k]!.done, errors: m.errors - seen[k]!.errors });
            seen[k] = m;
          });
          worker.on('error', reject);
          worker.on('exit', (code) => reject(new Error(`sender thread ${k} exited with code ${code} before finishing`)));
        }),
    ),
  );
  const results: RequestResult[] = new Array(plan.length);
  perThread.forEach((slice, k) => slice.forEach((r, j) => (results[j * threads + k] = r)));
  return results;
}
