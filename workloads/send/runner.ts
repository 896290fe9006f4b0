// Open- and closed-loop senders over one HTTP dispatcher. Open loop sends each request at
// its own scheduled time whatever the server does, and latencies count from that time,
// so a stalled server cannot hide its stall by slowing the sender (no coordinated omission).

import type { Dispatcher } from 'undici';
import type { TraceRequest } from '../trace/types.ts';
import { nowMs, waitUntil } from './clock.ts';
import { prepareRequest, type Wire } from './http-request.ts';
import type { RunCounters } from './progress.ts';
import { blankResult, sendOne } from './send-one.ts';
import { succeeded, type RequestResult } from './result.ts';

export interface PlannedRequest {
  request: TraceRequest;
  /** Open loop: due time relative to the run start, ms. */
  offsetMs: number;
}

export type Loop = { kind: 'open' } | { kind: 'closed'; concurrency: number };

export interface RunOptions {
  loop: Loop;
  wire: Wire;
  /** Epoch ms at which offset 0 is due. */
  startMs: number;
  /** Nothing is sent after startMs + maxDurationMs, and what is still in flight is aborted. */
  maxDurationMs: number;
  counters: RunCounters;
}

function notSent(p: PlannedRequest, scheduledMs: number, why: string): RequestResult {
  const r = blankResult(p.request, scheduledMs);
  r.error = `not sent: ${why}`;
  return r;
}

export async function runPlan(plan: readonly PlannedRequest[], dispatcher: Dispatcher, o: RunOptions): Promise<RequestResult[]> {
  const deadline = o.startMs + o.maxDurationMs;
  // At the deadline the dispatcher is destroyed, which fails every request still in
  // flight; cheaper than an abort listener per request at 10k req/s.
  const timer = setTimeout(() => void dispatcher.destroy(new Error(`run exceeded its ${o.maxDurationMs} ms limit`)), Math.max(0, deadline - nowMs()));
  const results: RequestResult[] = new Array(plan.length);
  const send = async (i: number, scheduledMs: number): Promise<void> => {
    o.counters.sent++;
    const { request } = plan[i]!;
    const r = await sendOne(dispatcher, request, prepareRequest(request, o.wire), scheduledMs);
    o.counters.done++;
    if (!succeeded(r)) o.counters.errors++;
    results[i] = r;
  };
  try {
    if (o.loop.kind === 'open') await openLoop(plan, o.startMs, deadline, send, results);
    else await closedLoop(plan, o.loop.concurrency, o.startMs, deadline, send, results);
  } finally {
    clearTimeout(timer);
  }
  return results;
}

type Send = (i: number, scheduledMs: number) => Promise<void>;

async function openLoop(plan: readonly PlannedRequest[], startMs: number, deadline: number, send: Send, results: RequestResult[]): Promise<void> {
  const inFlight: Promise<void>[] = [];
  let i = 0;
  while (i < plan.length) {
    const due = startMs + plan[i]!.offsetMs;
    if (due > deadline) break;
    await waitUntil(due);
    const now = nowMs();
    // Everything already due goes out in this turn: at high rates several requests share a tick.
    while (i < plan.length && startMs + plan[i]!.offsetMs <= now) {
      inFlight.push(send(i, startMs + plan[i]!.offsetMs));
      i++;
    }
  }
  for (; i < plan.length; i++) results[i] = notSent(plan[i]!, startMs + plan[i]!.offsetMs, 'due after the run time limit');
  await Promise.all(inFlight);
}

async function closedLoop(
  plan: readonly PlannedRequest[],
  concurrency: number,
  startMs: number,
  deadline: number,
  send: Send,
  results: RequestResult[],
): Promise<void> {
  await waitUntil(startMs);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < plan.length && nowMs() < deadline) await send(next++, nowMs());
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, plan.length) }, lane));
  for (let i = next; i < plan.length; i++) results[i] = notSent(plan[i]!, deadline, 'run time limit reached');
}
