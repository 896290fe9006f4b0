// Joins what a client saw of each request with what the frontend's scheduler recorded
// for it (/debug/scheduler `requests`): priority, waiting and service time and thread
// come from the frontend, never from client-side guesses.

import { expect, type StartedStack } from 'servewright';
import type { RequestRecord } from '../../../stack/frontend/scheduler/request-ledger.ts';
import { debugScheduler } from './saturation.ts';
import type { RequestSample } from './scenario-metrics.ts';

export async function ledger(stack: StartedStack): Promise<Map<string, RequestRecord>> {
  const { scheduler } = await debugScheduler(stack);
  if (!Array.isArray(scheduler.requests)) {
    throw new Error(`/debug/scheduler of policy ${String(scheduler.policy)} has no per-request ledger ("requests")`);
  }
  return new Map((scheduler.requests as RequestRecord[]).map((r) => [r.requestId, r]));
}

/** The samples with the scheduler's record of each; the frontend must agree on the engine. */
export async function withScheduling(stack: StartedStack, samples: readonly RequestSample[]): Promise<RequestSample[]> {
  const records = await ledger(stack);
  return samples.map((s) => {
    if (s.requestId === undefined) throw new Error('a sample without the x-request-id it was sent with cannot be joined to the ledger');
    const record = records.get(s.requestId);
    if (!record) throw new Error(`request ${s.requestId} is not in the frontend's request ledger (has ${records.size} records)`);
    expect(record, `ledger record of ${s.requestId}`).toMatchObject({ workerId: s.workerId, completionTokens: s.tokens, ok: true });
    return {
      ...s,
      scheduling: { priority: record.priority, serviceTimeMs: record.serviceMs, waitingTimeMs: record.waitingMs, threadId: record.threadId },
    };
  });
}
