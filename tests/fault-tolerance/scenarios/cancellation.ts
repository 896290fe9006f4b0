// Cancellation scenarios from Dynamo's fault-tolerance suite. Every check reads only log
// lines written since the scenario's mark, so scenarios can share processes safely.

import {
  expect,
  phase,
  test,
  ClientAbortError,
  ClientTimeoutError,
  lastRequestIdSince,
  loggedSince,
  type StartedStack,
  type StackWorker,
  type LogMarks,
  type OpenAIClient,
} from '../../../fixtures/index.ts';
import { LONG_PROMPT, open, requestBody, send, type Api } from './requests.ts';

export interface CancellationCase {
  maxTokens: number;
  timeoutMs: number;
}

const SCENARIOS: Array<{ name: string; api: Api; streaming: boolean }> = [
  { name: 'completion API', api: 'completion', streaming: false },
  { name: 'chat completion API (non-streaming)', api: 'chat', streaming: false },
  { name: 'chat completion API (streaming)', api: 'chat', streaming: true },
];

async function generatedTokens(stack: StartedStack, worker: StackWorker): Promise<number> {
  return (await worker.metrics()).sum(stack.profile.metrics.workerGenerationTokens);
}

async function cancellations(stack: StartedStack): Promise<number> {
  const name = stack.profile.metrics.cancellationTotal;
  return name === undefined ? 0 : (await stack.frontend.metrics()).sum(name);
}

/**
 * What a departed client must cause, from lines logged since `marks`: the worker aborted
 * this request, the frontend issued the Kill, the worker's running requests drop to 0,
 * and it generated far fewer tokens than requested.
 */
async function expectCancelled(stack: StartedStack, worker: StackWorker, marks: LogMarks, requestId: string, tokensBefore: number, c: CancellationCase): Promise<void> {
  await phase('assertions', () => cancelledSince(stack, worker, marks, requestId, tokensBefore, c));
}

async function cancelledSince(stack: StartedStack, worker: StackWorker, marks: LogMarks, requestId: string, tokensBefore: number, c: CancellationCase): Promise<void> {
  const { patterns, metrics } = stack.profile;
  const poll = { timeout: c.timeoutMs };
  await expect.poll(() => loggedSince(worker.proc.log, marks.workers[worker.id]!, patterns.abortedRequest, requestId), {
    ...poll,
    message: `worker ${worker.id} logs the abort of ${requestId}`,
  }).toBe(true);
  await expect.poll(() => stack.frontend.proc.log.matchesSince(marks.frontend, patterns.killIssued).length, {
    ...poll,
    message: 'frontend logs the Kill it sent',
  }).toBeGreaterThan(0);
  await expect.poll(async () => (await worker.metrics()).sum(metrics.workerRunning), { ...poll, message: 'worker has no running request' }).toBe(0);
  expect(await generatedTokens(stack, worker) - tokensBefore).toBeLessThan(c.maxTokens / 4);
}

/** Completion, chat and chat streaming cancelled in sequence against the same processes. */
export async function cancelInSequence(stack: StartedStack, client: OpenAIClient, c: CancellationCase): Promise<void> {
  const worker = stack.workers[0]!;
  for (const scenario of SCENARIOS) {
    await test.step(scenario.name, async () => {
      const marks = stack.markLogs();
      const tokensBefore = await generatedTokens(stack, worker);
      const cancelledBefore = await cancellations(stack);
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
      if (stack.profile.metrics.cancellationTotal) expect(await cancellations(stack)).toBeGreaterThan(cancelledBefore);
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
  expect(loggedSince(prefill.proc.log, marks.workers[prefill.id]!, stack.profile.patterns.newPrefillRequest, requestId)).toBe(true);
}

/** Disaggregated: cancelled while the prompt is still being prefilled, the prefill worker aborts it. */
export async function cancelDuringPrefill(stack: StartedStack, prefill: StackWorker, c: CancellationCase): Promise<void> {
  const { patterns } = stack.profile;
  const marks = stack.markLogs();
  const controller = new AbortController();
  const pending = send(stack.client(), 'completion', requestBody('completion', LONG_PROMPT, 16), { signal: controller.signal });
  pending.catch(() => undefined);
  const requestId = await lastRequestIdSince(prefill.proc.log, marks.workers[prefill.id]!, patterns.newPrefillRequest, c.timeoutMs);
  controller.abort();
  await expect.poll(() => loggedSince(prefill.proc.log, marks.workers[prefill.id]!, patterns.abortedPrefillRequest, requestId), { timeout: c.timeoutMs }).toBe(true);
  await expect.poll(() => stack.frontend.proc.log.matchesSince(marks.frontend, patterns.killIssued).length, { timeout: c.timeoutMs }).toBeGreaterThan(0);
}
