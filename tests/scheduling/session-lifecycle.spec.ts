// Session end through the real frontend: a program's record is dropped (so its attained
// service no longer weighs on it) when the process table is over `max-programs` and it is
// the least recently active idle one, or when it has been idle for `program-idle-ms`. A
// program with a call on a worker is never ended. Seen through /debug/scheduler and the
// request ledger.

import { expect, test, type StackOptions, type StartedStack } from 'servewright';
import { ledger } from './support/scheduler-ledger.ts';
import { debugScheduler, holdWorker, type Blocker } from './support/saturation.ts';

const tags = { tag: ['@e2e', '@scheduling'] };

async function turn(stack: StartedStack, requestId: string, programId: string): Promise<void> {
  const res = await stack.client().completions(
    { prompt: `${programId} says hello`, max_tokens: 4 },
    { headers: { 'x-request-id': requestId, 'x-program-id': programId } },
  );
  expect(res.status).toBe(200);
}

interface Table {
  programs: Record<string, { completedCalls: number; running: number }>;
  evictedPrograms: number;
  expiredPrograms: number;
}

async function table(stack: StartedStack): Promise<Table> {
  const { scheduler } = await debugScheduler(stack);
  return scheduler as unknown as Table;
}

/**
 * A PLAS frontend with one more scheduler option and two slots: one held by the program
 * "busy", one for the sessions under test, at the mock's real timings so every call
 * attains more than the 5 ms quantum. `program` has been served twice already.
 */
async function busyStackWith(launchStack: (opts: StackOptions) => Promise<StartedStack>, option: string, program: string): Promise<{ stack: StartedStack; blocker: Blocker }> {
  const stack = await launchStack({
    frontend: { scheduler: 'plas', args: ['--scheduler-option', 'quantum-ms=5', '--scheduler-option', option] },
    workers: [{ maxNumSeqs: 2, speedup: 1 }],
  });
  const blocker = await holdWorker(stack.client(), { 'x-program-id': 'busy' });
  await turn(stack, `${program}-1`, program);
  await turn(stack, `${program}-2`, program);
  expect((await ledger(stack)).get(`${program}-2`)!.priority, `${program} has attained service`).toBeGreaterThan(0);
  return { stack, blocker };
}

test('past max-programs the least recently active idle session ends, a busy one stays, and an ended one starts over', tags, async ({ launchStack }) => {
  const { stack, blocker } = await busyStackWith(launchStack, 'max-programs=2', 'old');

  await turn(stack, 'new-1', 'new');
  let now = await table(stack);
  expect(Object.keys(now.programs)).toEqual(['busy', 'new']);
  expect(now.programs['busy']!.running).toBe(1);
  expect(now.evictedPrograms).toBe(1);

  await turn(stack, 'old-3', 'old');
  now = await table(stack);
  expect(Object.keys(now.programs)).toEqual(['busy', 'old']);
  expect(now.evictedPrograms).toBe(2);
  // The returning session is new to the table: no history, so it is served from queue 0.
  expect(now.programs['old']!.completedCalls).toBe(1);
  expect((await ledger(stack)).get('old-3')!.priority).toBe(0);

  blocker.release();
});

test('a session idle for program-idle-ms ends, a busy one does not, and the ended one starts over', tags, async ({ launchStack }) => {
  const { stack, blocker } = await busyStackWith(launchStack, 'program-idle-ms=1500', 'chat');

  // The frontend ends the session on its own once chat has been idle long enough.
  await expect.poll(async () => Object.keys((await table(stack)).programs), { timeout: 15_000 }).toEqual(['busy']);
  expect((await table(stack)).expiredPrograms).toBe(1);

  await turn(stack, 'chat-3', 'chat');
  expect((await table(stack)).programs['chat']!.completedCalls).toBe(1);
  expect((await ledger(stack)).get('chat-3')!.priority).toBe(0);
  blocker.release();
});
