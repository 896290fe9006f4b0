// Runs workload-aware scenarios against a running frontend and records what happened to
// each request. With the reference frontend's /debug/scheduler the requests are made to
// queue for real: a long streaming request holds the only slot while the scenario's
// requests queue one by one (read from the queue depth, not guessed from sleeps), then it is
// released and dispatch order = completion order. Without that endpoint the requests are
// paced (the seed's "send with small delays"), and the order is reported, not proven.

import { request } from 'undici';
import { nowMs } from '../send/clock.ts';
import { REQUEST_ID_HEADER, WORKLOAD_CONTEXT_HEADER } from '../../protocol/headers.ts';
import { apiPathPrefix } from '../send/http-request.ts';
import { scenarioResult, type WaObservation, type WaScenarioResult } from './results.ts';
import type { WaContext, WaRequestSpec, WaScenario } from './scenarios.ts';

const BLOCKER_TOKENS = 3_000;
const POLL_MS = 50;

export interface WaClientOptions {
  apiBase: URL;
  model: string;
  /** Longest wait for a queue condition (requests queued, a workload's age). */
  conditionTimeoutMs: number;
  /** Paced strategy: gap between sends. */
  gapMs: number;
}

export type Strategy = 'queued' | 'paced';

export function describeStrategy(s: Strategy, gapMs: number): string {
  return s === 'queued' ? 'queued behind a blocker, queue depth from /debug/scheduler' : `paced, ${gapMs} ms between sends (no /debug/scheduler)`;
}

interface DebugScheduler {
  queueDepth: number;
  scheduler: { workloads?: Record<string, { queuedAvgWaitMs?: number }> };
}

async function debugScheduler(apiBase: URL): Promise<DebugScheduler | undefined> {
  try {
    const res = await request(new URL('/debug/scheduler', apiBase.origin));
    const text = await res.body.text();
    if (res.statusCode !== 200) return undefined;
    const body = JSON.parse(text) as Partial<DebugScheduler>;
    return typeof body.queueDepth === 'number' && typeof body.scheduler === 'object' ? (body as DebugScheduler) : undefined;
  } catch {
    return undefined;
  }
}

export async function detectStrategy(apiBase: URL): Promise<Strategy> {
  return (await debugScheduler(apiBase)) === undefined ? 'paced' : 'queued';
}

function contextHeader(context: WaContext): Record<string, string> {
  if (context === undefined) return {};
  return { [WORKLOAD_CONTEXT_HEADER]: typeof context === 'string' ? context : JSON.stringify(context) };
}

function completionsUrl(apiBase: URL): URL {
  return new URL(`${apiPathPrefix(apiBase)}/completions`, apiBase.origin);
}

/** One completion; never throws: a failure is an observation with the status and error. */
async function send(o: WaClientOptions, spec: WaRequestSpec): Promise<WaObservation> {
  const observed: WaObservation = { id: spec.id, sentAtMs: nowMs(), completedAtMs: 0, statusCode: 0 };
  if (typeof spec.context === 'object') {
    observed.workloadId = spec.context.workload_id;
    observed.criticality = spec.context.criticality;
  }
  try {
    const res = await request(completionsUrl(o.apiBase), {
      method: 'POST',
      headers: { 'content-type': 'application/json', [REQUEST_ID_HEADER]: spec.id, ...contextHeader(spec.context) },
      body: JSON.stringify({ model: o.model, prompt: `request ${spec.id}`, max_tokens: spec.maxTokens }),
    });
    const text = await res.body.text();
    observed.statusCode = res.statusCode;
    if (res.statusCode !== 200) observed.error = text.slice(0, 300);
  } catch (err) {
    const e = err as Error & { code?: string };
    observed.error = `${e.code ?? e.name}: ${e.message}`;
  }
  observed.completedAtMs = nowMs();
  return observed;
}

/** A streaming request that holds a slot until released; resolves once its first chunk arrived. */
async function holdSlot(o: WaClientOptions): Promise<{ release(): Promise<void> }> {
  const abort = new AbortController();
  const res = await request(completionsUrl(o.apiBase), {
    method: 'POST',
    signal: abort.signal,
    headers: { 'content-type': 'application/json', [REQUEST_ID_HEADER]: 'wa-blocker' },
    body: JSON.stringify({ model: o.model, prompt: 'hold the only slot', max_tokens: BLOCKER_TOKENS, stream: true }),
  });
  if (res.statusCode !== 200) throw new Error(`the blocker request got HTTP ${res.statusCode}: ${(await res.body.text()).slice(0, 300)}`);
  const body = res.body[Symbol.asyncIterator]();
  await body.next();
  const drained = (async () => {
    try {
      for (let c = await body.next(); !c.done; c = await body.next());
    } catch {
      // Aborted by release(): the point of it.
    }
  })();
  return {
    release: async () => {
      abort.abort();
      await drained;
    },
  };
}

async function until(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

export async function runScenario(o: WaClientOptions, scenario: WaScenario, strategy: Strategy): Promise<WaScenarioResult> {
  const startedAtMs = nowMs();
  const queued = scenario.queued && strategy === 'queued';
  const blocker = queued ? await holdSlot(o) : undefined;
  const pending: Promise<WaObservation>[] = [];
  try {
    for (const step of scenario.steps) {
      if ('send' in step) {
        pending.push(send(o, step.send));
        if (queued) {
          const depth = pending.length;
          await until(`${depth} request(s) queue in the frontend (one worker with one slot is needed)`, o.conditionTimeoutMs, async () => (await debugScheduler(o.apiBase))?.queueDepth === depth);
        } else if (scenario.queued) {
          await new Promise((r) => setTimeout(r, o.gapMs));
        }
      } else if (queued) {
        const { workloadId, ms } = step.waitForAge;
        await until(`workload ${workloadId} has waited ${ms} ms`, o.conditionTimeoutMs, async () => ((await debugScheduler(o.apiBase))?.scheduler.workloads?.[workloadId]?.queuedAvgWaitMs ?? 0) >= ms);
      } else {
        await new Promise((r) => setTimeout(r, step.waitForAge.ms));
      }
    }
  } finally {
    await blocker?.release();
  }
  return scenarioResult(scenario.name, startedAtMs, await Promise.all(pending), scenario.expectedOrder);
}
