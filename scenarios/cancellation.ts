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
  type Metrics,
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

const COMPLETION: Scenario = { name: 'completion API', api: 'completion', streaming: false };
const COMPLETION_STREAM: Scenario = { name: 'completion API (streaming)', api: 'completion', streaming: true };
const SCENARIOS: Scenario[] = [
  COMPLETION,
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
 * The one series of `name` whose label set is exactly `labels` (a series with more or other
 * labels fails the check). A counter that appears at its first increment (Dynamo's frontend
 * counters) may be absent before it: that reads as 0 only for `before`.
 */
function exactSeries(metrics: Metrics, name: string, labels: Record<string, string>, phase: 'before' | 'after'): number {
  if (phase === 'before' && !metrics.has(name, labels)) return 0;
  metrics.sum(name); // throws, naming its neighbours, when the metric is not exposed at all
  const series = metrics.select(name, labels);
  expect(series.map((s) => s.labels), `${name}: one series labelled exactly ${JSON.stringify(labels)}`).toEqual([labels]);
  return series[0]!.value;
}

/** The frontend's cancellation counter for one kind of request, under the exact labels upstream gives it. */
async function cancellations(stack: StartedStack, scenario: Scenario, phase: 'before' | 'after'): Promise<number | undefined> {
  const { cancellationTotal, cancellationLabels } = stack.profile.metrics;
  const missing = lacks(stack.profile, 'cancellationMetric');
  if (cancellationTotal === undefined || missing !== undefined) return skipCheck(`cancellation counter check: ${missing}`);
  const labels = cancellationLabels?.({ model: stack.model, api: scenario.api, streaming: scenario.streaming }) ?? {};
  return exactSeries(await stack.frontend.metrics(), cancellationTotal, labels, phase);
}

/** The cancellation signals a worker's runtime counted (Dynamo's dynamo_component_cancellation_total). */
async function workerCancellations(stack: StartedStack, worker: StackWorker): Promise<number | undefined> {
  const { workerCancellationTotal, workerCancellationLabels } = stack.profile.metrics;
  const missing = lacks(stack.profile, 'workerCancellationMetric');
  if (workerCancellationTotal === undefined || workerCancellationLabels === undefined || missing !== undefined) return skipCheck(`worker cancellation counter check: ${missing}`);
  return exactSeries(await worker.metrics(), workerCancellationTotal, workerCancellationLabels({ namespace: stack.namespace, role: worker.role }), 'after');
}

type Counts = { frontend: number | undefined; workers: Map<StackWorker, number | undefined> };

async function countsNow(stack: StartedStack, scenario: Scenario, workers: readonly StackWorker[]): Promise<Counts> {
  const counted = new Map<StackWorker, number | undefined>();
  for (const w of workers) counted.set(w, await workerCancellations(stack, w));
  return { frontend: await cancellations(stack, scenario, 'before'), workers: counted };
}

/**
 * Exactly one more cancellation for this kind of request on the frontend, one more signal on
 * the worker that got the Kill and none on the others, as upstream's cancellation tests
 * count them (tests/fault_tolerance/cancellation/test_vllm.py@011e943).
 */
async function expectCounted(stack: StartedStack, scenario: Scenario, before: Counts, killed: StackWorker, timeoutMs: number): Promise<void> {
  const { frontend } = before;
  if (frontend !== undefined) await expect.poll(() => cancellations(stack, scenario, 'after'), { timeout: timeoutMs, message: 'frontend cancellation counter' }).toBe(frontend + 1);
  // The worker that got the Kill first: once its count moved, the others have had their chance to.
  for (const worker of [killed, ...[...before.workers.keys()].filter((w) => w !== killed)]) {
    const count = before.workers.get(worker);
    if (count === undefined) continue;
    const expected = count + (worker === killed ? 1 : 0);
    await expect.poll(() => workerCancellations(stack, worker), { timeout: timeoutMs, message: `cancellation signals counted by ${worker.id}` }).toBe(expected);
  }
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
      const counted = await countsNow(stack, scenario, [worker]);
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
      await expectCounted(stack, scenario, counted, worker, c.timeoutMs);
    });
  }
}

/** A client that gives up after a timeout is a departed client too. */
export async function cancelOnClientTimeout(stack: StartedStack, client: OpenAIClient, c: CancellationCase & { clientTimeoutMs: number }): Promise<void> {
  const worker = stack.workers[0]!;
  const marks = stack.markLogs();
  const tokensBefore = await generatedTokens(stack, worker);
  const counted = await countsNow(stack, COMPLETION, [worker]);
  const pending = send(client, 'completion', requestBody('completion', LONG_PROMPT, c.maxTokens), { timeoutMs: c.clientTimeoutMs });
  await expect(pending).rejects.toBeInstanceOf(ClientTimeoutError);
  const requestId = await lastRequestIdSince(worker.proc.log, marks.workers[worker.id]!, stack.profile.patterns.newRequest, c.timeoutMs);
  await expectCancelled(stack, worker, marks, requestId, tokensBefore, c);
  await expectCounted(stack, COMPLETION, counted, worker, c.timeoutMs);
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
  const counted = await countsNow(stack, COMPLETION_STREAM, [prefill, decode]);
  const stream = await open(client, 'completion', requestBody('completion', LONG_PROMPT, c.maxTokens), { timeoutMs: c.timeoutMs });
  expect(await stream.take(5)).toHaveLength(5);
  const requestId = await lastRequestIdSince(decode.proc.log, marks.workers[decode.id]!, stack.profile.patterns.newRequest, c.timeoutMs);
  await phase('fault', () => stream.abort());
  await expect(stream.collect()).rejects.toBeInstanceOf(ClientAbortError);
  await expectCancelled(stack, decode, marks, requestId, tokensBefore, c);
  expect(loggedSince(prefill.proc.log, marks.workers[prefill.id]!, prefillPattern(stack), requestId)).toBe(true);
  await expectCounted(stack, COMPLETION_STREAM, counted, decode, c.timeoutMs);
}

/**
 * Disaggregated: cancelled while the prompt is still being prefilled. Engines that abort
 * the prefill log it and the decode worker never sees the request; engines that run the
 * prefill to its end (newer Dynamo) log its completion instead.
 */
export async function cancelDuringPrefill(stack: StartedStack, prefill: StackWorker, decode: StackWorker, c: CancellationCase & { prompt?: string }): Promise<void> {
  const { patterns, semantics } = stack.profile;
  const marks = stack.markLogs();
  const counted = await countsNow(stack, COMPLETION, [prefill, decode]);
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
  // Where the prefill runs to its end the decode worker is reached and killed there instead.
  await expectCounted(stack, COMPLETION, counted, semantics.prefillCancel === 'aborts' ? prefill : decode, c.timeoutMs);
}
