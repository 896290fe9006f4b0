// Saturation on demand: with one worker at max-num-seqs 1, a long streaming "blocker"
// request holds the only slot while the requests under test queue in the frontend;
// aborting the blocker frees the slot, and from then on dispatch order = completion
// order. Queue state is read from /debug/scheduler, never guessed from timing.

import { expect, type OpenAIClient, type StartedStack } from 'servewright';

/**
 * One worker, one sequence at a time, at real mock timings (10 ms per token): the
 * blocker's 3,000 tokens would last 30 s, far longer than any queue takes to fill.
 */
export const ONE_SLOT = [{ maxNumSeqs: 1, speedup: 1 }];
export const BLOCKER_TOKENS = 3_000;

export interface Blocker {
  release(): void;
}

/** Starts a request that occupies the single worker until released. */
export async function holdWorker(client: OpenAIClient, headers: Record<string, string> = {}): Promise<Blocker> {
  const stream = await client.streamCompletions(
    { prompt: 'hold the only slot', max_tokens: BLOCKER_TOKENS },
    { headers: { 'x-request-id': 'blocker', ...headers } },
  );
  await stream.take(1);
  return { release: () => stream.abort() };
}

export interface DebugScheduler {
  scheduler: Record<string, unknown> & { size?: number; queued?: number };
  queueDepth: number;
}

export function debugScheduler(stack: StartedStack): Promise<DebugScheduler> {
  return stack.frontend.getJson<DebugScheduler>('/debug/scheduler');
}

/** Waits until `count` requests wait in the frontend's queue. */
export async function waitQueued(stack: StartedStack, count: number): Promise<void> {
  await expect.poll(async () => (await debugScheduler(stack)).queueDepth, { timeout: 15_000 }).toBe(count);
}

export interface Timed<T> {
  id: string;
  result: T;
  completedAt: number;
}

/**
 * Stops a stack's processes so the next launchStack in the same test can reuse their
 * names (procs refuses a name whose process still runs).
 */
export async function stopStack(stack: StartedStack): Promise<void> {
  await Promise.all([stack.frontend, ...stack.workers].map((p) => p.proc.stop()));
}

/** Awaits every request and returns them in the order they completed. */
export async function completionOrder<T>(pending: ReadonlyArray<{ id: string; done: Promise<T> }>): Promise<Timed<T>[]> {
  const finished: Timed<T>[] = [];
  await Promise.all(
    pending.map(async ({ id, done }) => {
      const result = await done;
      finished.push({ id, result, completedAt: performance.now() });
    }),
  );
  return finished;
}
