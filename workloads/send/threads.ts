// Spreads one run over worker threads when a single event loop cannot keep the schedule
// (see scripts/bench/loadgen.ts). Requests are dealt round-robin, every thread keeps the
// same absolute schedule, and results come back in the original order.

import { Worker } from 'node:worker_threads';
import type { Pool } from 'undici';
import type { RunCounters } from './progress.ts';
import type { RequestResult } from './result.ts';
import type { Loop, PlannedRequest, RunOptions } from './runner.ts';

export interface ThreadInput {
  plan: PlannedRequest[];
  origin: string;
  poolOptions: Pool.Options;
  runOptions: Omit<RunOptions, 'counters' | 'startMs'>;
}

export type ThreadMessage =
  | { type: 'ready' }
  | { type: 'progress'; sent: number; done: number; errors: number }
  | { type: 'done'; results: RequestResult[] };

export interface StartMessage {
  type: 'start';
  startMs: number;
}

export const THREAD_PROGRESS_MS = 200;

/** A closed loop's concurrency is the total over all threads, not each thread's. */
function shareOf(loop: Loop, k: number, threads: number): Loop {
  if (loop.kind === 'open') return loop;
  return { kind: 'closed', concurrency: Math.floor(loop.concurrency / threads) + (k < loop.concurrency % threads ? 1 : 0) };
}

/**
 * Threads take a while to load, so the clock starts only when all are ready: `begin`
 * is called then and returns the epoch ms at which offset 0 is due.
 */
export async function runInThreads(
  plan: readonly PlannedRequest[],
  origin: string,
  poolOptions: Pool.Options,
  runOptions: Omit<RunOptions, 'counters' | 'startMs'>,
  threads: number,
  counters: RunCounters,
  begin: () => number,
): Promise<RequestResult[]> {
  if (runOptions.loop.kind === 'closed' && runOptions.loop.concurrency < threads) {
    throw new Error(`closed loop concurrency ${runOptions.loop.concurrency} is below the ${threads} sender threads`);
  }
  const slices = Array.from({ length: threads }, (_, k) => plan.filter((_, i) => i % threads === k));
  const seen = slices.map(() => ({ sent: 0, done: 0, errors: 0 }));
  const workers: Worker[] = [];
  let ready = 0;
  const perThread = await Promise.all(
    slices.map(
      (slice, k) =>
        new Promise<RequestResult[]>((resolve, reject) => {
          const workerData: ThreadInput = { plan: slice, origin, poolOptions, runOptions: { ...runOptions, loop: shareOf(runOptions.loop, k, threads) } };
          const worker = new Worker(new URL('./thread-entry.mjs', import.meta.url), { workerData });
          workers.push(worker);
          worker.on('message', (m: ThreadMessage) => {
            if (m.type === 'done') return resolve(m.results);
            if (m.type === 'ready') {
              if (++ready < threads) return;
              const start: StartMessage = { type: 'start', startMs: begin() };
              for (const w of workers) w.postMessage(start);
              return;
            }
            counters.add({ sent: m.sent - seen[k]!.sent, done: m.done - seen[k]!.done, errors: m.errors - seen[k]!.errors });
            seen[k] = m;
          });
          worker.on('error', reject);
          worker.on('exit', (code) => reject(new Error(`sender thread ${k} exited with code ${code} before finishing`)));
        }),
    ),
  ).catch(async (err: unknown) => {
    // Threads still waiting for the start signal would keep the process alive.
    await Promise.all(workers.map((w) => w.terminate()));
    throw err;
  });
  const results: RequestResult[] = new Array(plan.length);
  perThread.forEach((slice, k) => slice.forEach((r, j) => (results[j * threads + k] = r)));
  return results;
}
