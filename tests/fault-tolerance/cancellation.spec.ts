import {
  test,
  expect,
  ClientAbortError,
  ClientTimeoutError,
  lastRequestIdSince,
  loggedSince,
  profileByName,
  type StartedStack,
  type StackWorker,
  type LogMarks,
} from '../../fixtures/index.ts';
import { LONG_PROMPT, open, requestBody, send, type Api } from './requests.ts';

const MAX_TOKENS = 4_000;

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

async function generatedTokens(stack: StartedStack, worker: StackWorker): Promise<number> {
  return (await worker.metrics()).sum(stack.profile.metrics.workerGenerationTokens);
}

async function cancellations(stack: StartedStack): Promise<number> {
  const name = stack.profile.metrics.cancellationTotal;
  return name === undefined ? 0 : (await stack.frontend.metrics()).sum(name);
}

/**
 * Checks what a departed client must cause, using only lines logged since `marks`: the
 * worker aborted the LAST request it started, the frontend issued the Kill, the worker's
 * running requests drop back to 0, and it generated far fewer tokens than requested.
 */
async function expectCancelled(stack: StartedStack, worker: StackWorker, marks: LogMarks, requestId: string, tokensBefore: number): Promise<void> {
  const { patterns, metrics } = stack.profile;
  const workerMark = marks.workers[worker.id]!;
  await expect.poll(() => loggedSince(worker.proc.log, workerMark, patterns.abortedRequest, requestId), {
    message: `worker ${worker.id} logs "Aborted Request ID: ${requestId}"`,
  }).toBe(true);
  await expect.poll(() => stack.frontend.proc.log.matchesSince(marks.frontend, patterns.killIssued).length, {
    message: 'frontend logs the Kill it sent',
  }).toBeGreaterThan(0);
  await expect.poll(async () => (await worker.metrics()).sum(metrics.workerRunning), { message: 'worker has no running request' }).toBe(0);
  expect(await generatedTokens(stack, worker) - tokensBefore).toBeLessThan(MAX_TOKENS / 4);
}

test.describe('request cancellation', { tag: ['@e2e', '@fault-tolerance'] }, () => {
  test.use({ stackOptions: { workers: 1 } });

  test('client disconnect cancels on the worker: completion, chat, chat streaming in sequence', async ({ stack, client }) => {
    const worker = stack.workers[0]!;
    for (const scenario of SCENARIOS) {
      await test.step(scenario.name, async () => {
        const marks = stack.markLogs();
        const tokensBefore = await generatedTokens(stack, worker);
        const cancelledBefore = await cancellations(stack);
        const body = requestBody(scenario.api, LONG_PROMPT, MAX_TOKENS);
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
        const requestId = await lastRequestIdSince(worker.proc.log, marks.workers[worker.id]!, stack.profile.patterns.newRequest);
        controller.abort();
        await expect(outcome).rejects.toBeInstanceOf(ClientAbortError);
        await expectCancelled(stack, worker, marks, requestId, tokensBefore);
        if (stack.profile.metrics.cancellationTotal) expect(await cancellations(stack)).toBeGreaterThan(cancelledBefore);
      });
    }
  });

  test('a client timeout cancels the request on the worker', async ({ stack, client }) => {
    const worker = stack.workers[0]!;
    const marks = stack.markLogs();
    const tokensBefore = await generatedTokens(stack, worker);
    const pending = send(client, 'completion', requestBody('completion', LONG_PROMPT, MAX_TOKENS), { timeoutMs: 300 });
    await expect(pending).rejects.toBeInstanceOf(ClientTimeoutError);
    const requestId = await lastRequestIdSince(worker.proc.log, marks.workers[worker.id]!, stack.profile.patterns.newRequest);
    await expectCancelled(stack, worker, marks, requestId, tokensBefore);
  });
});

test.describe('request cancellation, disaggregated', { tag: ['@e2e', '@fault-tolerance'] }, () => {
  test.use({ stackOptions: { workers: [{ id: 'prefill-0', role: 'prefill' }, { id: 'decode-0', role: 'decode' }] } });

  test('cancel during decode: decode worker aborts, prefill worker served the prefill', async ({ stack, client }) => {
    const prefill = stack.worker('prefill-0');
    const decode = stack.worker('decode-0');
    const marks = stack.markLogs();
    const tokensBefore = await generatedTokens(stack, decode);
    const stream = await open(client, 'completion', requestBody('completion', LONG_PROMPT, MAX_TOKENS));
    expect(await stream.take(5)).toHaveLength(5);
    const requestId = await lastRequestIdSince(decode.proc.log, marks.workers[decode.id]!, stack.profile.patterns.newRequest);
    stream.abort();
    await expect(stream.collect()).rejects.toBeInstanceOf(ClientAbortError);
    await expectCancelled(stack, decode, marks, requestId, tokensBefore);
    expect(loggedSince(prefill.proc.log, marks.workers[prefill.id]!, stack.profile.patterns.newPrefillRequest, requestId)).toBe(true);
  });

  test('cancel during prefill: the prefill worker aborts the prefill', async ({ launchStack, stackProfile }) => {
    test.skip(!profileByName(stackProfile).supportsSlowPrefill, `profile ${stackProfile} cannot slow prefill enough to cancel during it`);
    const stack = await launchStack({
      workers: [
        { id: 'prefill-0', role: 'prefill', slowPrefill: true },
        { id: 'decode-0', role: 'decode' },
      ],
    });
    const prefill = stack.worker('prefill-0');
    const marks = stack.markLogs();
    const controller = new AbortController();
    const pending = send(stack.client(), 'completion', requestBody('completion', LONG_PROMPT, 16), { signal: controller.signal });
    pending.catch(() => undefined);
    const requestId = await lastRequestIdSince(prefill.proc.log, marks.workers[prefill.id]!, stack.profile.patterns.newPrefillRequest);
    controller.abort();
    await expect.poll(() => loggedSince(prefill.proc.log, marks.workers[prefill.id]!, stack.profile.patterns.abortedPrefillRequest, requestId)).toBe(true);
    await expect.poll(() => stack.frontend.proc.log.matchesSince(marks.frontend, stack.profile.patterns.killIssued).length).toBeGreaterThan(0);
  });
});
