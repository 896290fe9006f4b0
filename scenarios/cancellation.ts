// Cancellation scenarios from Dynamo's fault-tolerance suite. Every check reads only log
// lines written since the scenario's mark, so scenarios can share processes safely. A check
// whose evidence the profile's engine does not produce is skipped with the profile's reason
// (an annotation on the test), never passed on a zero.

import {
  expect,
  phase,
  test,
  lacks,
  ClientAbortError,
  ClientTimeoutError,
  lastRequestIdSince,
  loggedSince,
  type StartedStack,
  type StackWorker,
  type LogMarks,
  type OpenAIClient,
} from '../fixtures/index.ts';
import { LONG_PROMPT, open, requestBody, send, type Api } from './requests.ts';
import { skipCheck } from './skip-check.ts';

export interface CancellationCase {
  maxTokens: number;
  timeoutMs: number;
}

interface Scenario {
  name: string;
  api: Api;
  streaming: boolean;
}

const SCENARIOS: Scenario[] = [
  { name: 'completion API', api: 'completion', streaming: false },
  { name: 'chat completion API (non-streaming)', api: 'chat', streaming: false },
  { name: 'chat completion API (streaming)', api: 'chat', streaming: true },
];

/** Tokens the worker generated so far; undefined (with the check skipped) where the engine exposes no such counter. */
async function generatedTokens(stack: StartedStack, worker: StackWorker): Promise<number | undefined> {
  const name = stack.profile.metrics.workerGenerationTokens;
  const missing = lacks(stack.profile, 'engineMetrics');
  if (name === undefined || missing !== undefined) return skipCheck(`generated-token and running-request checks: ${missing}`);
  return (await worker.metrics()).sum(name);
}

/**
 * The frontend's cancellation counter for this request's labels (exact where the profile
 * knows them). Before the first cancellation a labeled counter may not exist yet
 * (Dynamo's counters appear at their first increment): that reads as 0 only for `before`.
 */
async function cancellations(stack: StartedStack, scenario: Scenario, phase: 'before' | 'after'): Promise<number | undefined> {
  const { cancellationTotal, cancellationLabels } = stack.profile.metrics;
  const missing = lacks(stack.profile, 'cancellationMetric');
  if (cancellationTotal === undefined || missing !== undefined) return skipCheck(`cancellation counter check: ${missing}`);
  const labels = cancellationLabels?.({ model: stack.model, api: scenario.api, streaming: scenario.streaming }) ?? {};
  const metrics = await stack.frontend.metrics();
  return phase === 'before' && !metrics.has(cancellationTotal) ? 0 : metrics.sum(cancellationTotal, labels);
}

/**
 * What a departed client must cause, from lines logged since `marks`: the worker aborted
 * this request, the frontend issued the Kill, the worker's running requests drop to 0,
 * and it generated far fewer tokens than requested.
 */
async function expectCancelled(stack: StartedStack, worker: StackWorker, marks: LogMarks, requestId: string, tokensBefore: number | undefined, c: CancellationCase): Promise<void> {
  await phase('assertions', () => cancelledSince(stack, worker, marks, requestId, tokensBefore, c));
}

async function cancelledSince(stack: StartedStack, worker: StackWorker, marks: LogMarks, requestId: string, tokensBefore: number | undefined, c: CancellationCase): Promise<void> {
  const { patterns, metrics } = stack.profile;
  const poll = { timeout: c.timeoutMs };
  await expect.poll(() => loggedSince(worker.proc.log, marks.workers[worker.id]!, patterns.abortedRequest, requestId), {
    ...poll,
    message: `worker ${worker.id} logs the abort of ${requestId}`,
  }).toBe(true);
  const kill = patterns.killIssued;
  if (kill === undefined) skipCheck(`frontend Kill line: profile ${stack.profile.name} has no frontend that sends one`);
  else await expect.poll(() => stack.frontend.proc.log.matchesSince(marks.frontend, kill).length, { ...poll, message: 'frontend logs the Kill it sent' }).toBeGreaterThan(0);
  if (tokensBefore === undefined || metrics.workerRunning === undefined) return;
  const running = metrics.workerRunning;
  await expect.poll(async () => (await worker.metrics()).sum(running), { ...poll, message: 'worker has no running request' }).toBe(0);
  expect((await generatedTokens(stack, worker))! - tokensBefore).toBeLessThan(c.maxTokens / 4);
}

/** Completion, chat and chat streaming cancelled in sequence against the same processes. */
export async function cancelInSequence(stack: StartedStack, client: OpenAIClient, c: CancellationCase): Promise<void> {
  const worker = stack.workers[0]!;
  for (const scenario of SCENARIOS) {
    await test.step(scenario.name, async () => {
      const marks = stack.markLogs();
      const tokensBefore = await generatedTokens(stack, worker);
      const cancelledBefore = await cancellations(stack, scenario, 'before');
      const body = requestBody(scenario.api, LONG_PROMPT, c.maxTokens);
      const controller = new AbortController();
      let outcome: Promise<unknown>;
      if (scenario.streaming) {
        const stream = await open(client, scenario.api, body, { signal: controller.signal });
        expect(await stream.take(5)).toHaveLength(5);
        outcome = stream.collect();
      } else {
        outcome = send(client, scenario.api, body, { signal: controller.signal });
      }
      outcome.catch(() => undefined);
      const requestId = await lastRequestIdSince(worker.proc.log, marks.workers[worker.id]!, stack.profile.patterns.newRequest, c.timeoutMs);
      await phase('fault', () => controller.abort());
      await expect(outcome).rejects.toBeInstanceOf(ClientAbortError);
      await expectCancelled(stack, worker, marks, requestId, tokensBefore, c);
      // Exactly one cancellation for this endpoint and request type, as upstream checks it.
      if (cancelledBefore !== undefined) await expect.poll(() => cancellations(stack, scenario, 'after'), { timeout: c.timeoutMs }).toBe(cancelledBefore + 1);
    });
  }
}

/** A client that gives up after a timeout is a departed client too. */
export async function cancelOnClientTimeout(stack: StartedStack, client: OpenAIClient, c: CancellationCase & { clientTimeoutMs: number }): Promise<void> {
  const worker = stack.workers[0]!;
  const marks = stack.markLogs();
  const tokensBefore = await generatedTokens(stack, worker);
  const pending = send(client, 'completion', requestBody('completion', LONG_PROMPT, c.maxTokens), { timeoutMs: c.clientTimeoutMs });
  await expect(pending).rejects.toBeInstanceOf(ClientTimeoutError);
  const requestId = await lastRequestIdSince(worker.proc.log, marks.workers[worker.id]!, stack.profile.patterns.newRequest, c.timeoutMs);
  await expectCancelled(stack, worker, marks, requestId, tokensBefore, c);
}

function prefillPattern(stack: StartedStack): RegExp {
  const pattern = stack.profile.patterns.newPrefillRequest;
  if (pattern === undefined) throw new Error(lacks(stack.profile, 'disaggregation') ?? `profile ${stack.profile.name} has no prefill request pattern`);
  return pattern;
}

/** Disaggregated: cancelled while decoding, the decode worker aborts; the prefill worker served the prefill. */
export async function cancelDuringDecode(stack: StartedStack, client: OpenAIClient, prefill: StackWorker, decode: StackWorker, c: CancellationCase): Promise<void> {
  const marks = stack.markLogs();
  const tokensBefore = await generatedTokens(stack, decode);
  const stream = await open(client, 'completion', requestBody('completion', LONG_PROMPT, c.maxTokens), { timeoutMs: c.timeoutMs });
  expect(await stream.take(5)).toHaveLength(5);
  const requestId = await lastRequestIdSince(decode.proc.log, marks.workers[decode.id]!, stack.profile.patterns.newRequest, c.timeoutMs);
  await phase('fault', () => stream.abort());
  await expect(stream.collect()).rejects.toBeInstanceOf(ClientAbortError);
  await expectCancelled(stack, decode, marks, requestId, tokensBefore, c);
  expect(loggedSince(prefill.proc.log, marks.workers[prefill.id]!, prefillPattern(stack), requestId)).toBe(true);
}

/**
 * Disaggregated: cancelled while the prompt is still being prefilled. Engines that abort
 * the prefill log it and the decode worker never sees the request; engines that run the
 * prefill to its end (newer Dynamo) log its completion instead.
 */
export async function cancelDuringPrefill(stack: StartedStack, prefill: StackWorker, decode: StackWorker, c: CancellationCase & { prompt?: string }): Promise<void> {
  const { patterns, semantics } = stack.profile;
  const marks = stack.markLogs();
  const controller = new AbortController();
  const pending = send(stack.client(), 'completion', requestBody('completion', c.prompt ?? LONG_PROMPT, 16), { signal: controller.signal });
  pending.catch(() => undefined);
  const requestId = await lastRequestIdSince(prefill.proc.log, marks.workers[prefill.id]!, prefillPattern(stack), c.timeoutMs);
  controller.abort();
  await expect(pending).rejects.toBeInstanceOf(ClientAbortError);
  const outcome = semantics.prefillCancel === 'aborts' ? patterns.abortedPrefillRequest : patterns.prefillCompleted;
  if (outcome === undefined) throw new Error(`profile ${stack.profile.name}: prefillCancel '${semantics.prefillCancel}' without its log pattern`);
  await expect.poll(() => loggedSince(prefill.proc.log, marks.workers[prefill.id]!, outcome, requestId), {
    timeout: c.timeoutMs,
    message: `prefill worker ${prefill.id} logs that the prefill of ${requestId} ${semantics.prefillCancel === 'aborts' ? 'was aborted' : 'ran to its end'}`,
  }).toBe(true);
  if (semantics.prefillCancel === 'aborts') {
    const kill = patterns.killIssued;
    if (kill !== undefined) await expect.poll(() => stack.frontend.proc.log.matchesSince(marks.frontend, kill).length, { timeout: c.timeoutMs }).toBeGreaterThan(0);
    // The frontend stopped the request before any decode: the decode worker never saw it.
    expect(loggedSince(decode.proc.log, marks.workers[decode.id]!, patterns.newRequest, requestId), `decode worker ${decode.id} never saw ${requestId}`).toBe(false);
  }
}
