import { test, expect, StreamErrorEvent, OpenAIHttpError, type StartedStack, type StackWorker, type OpenAIClient } from '../../fixtures/index.ts';
import { LONG_PROMPT, SHORT_PROMPT, open, requestBody, send, type Api } from './requests.ts';

const LONG_TOKENS = 2_000;

/** Sends the warm-up request and returns the worker that served it. */
async function warmUp(stack: StartedStack, client: OpenAIClient): Promise<StackWorker> {
  const marks = stack.markLogs();
  const res = await client.completions(requestBody('completion', SHORT_PROMPT, 16));
  return stack.whoServed(marks, res.workerId);
}

async function migrations(stack: StartedStack): Promise<number> {
  const { migrationTotal, ongoingMigration } = stack.profile.metrics;
  return (await stack.frontend.metrics()).sum(migrationTotal, ongoingMigration);
}

interface Outcome {
  text: string;
  completionTokens: number | undefined;
}

/**
 * Starts the long request and resolves once it is generating on a worker: for streams,
 * after the first tokens arrived; otherwise once a worker logged the new request.
 */
async function startLong(stack: StartedStack, client: OpenAIClient, api: Api, streaming: boolean) {
  const marks = stack.markLogs();
  const body = requestBody(api, LONG_PROMPT, LONG_TOKENS);
  // Bounds every wait: a stack that hangs fails with ClientTimeoutError, named as such.
  const bounded = { timeoutMs: 30_000 };
  if (streaming) {
    const stream = await open(client, api, body, bounded);
    await stream.take(5);
    const served = stack.whoServed(marks, stream.result().workerIds[0]);
    const outcome = stream.collect().then((r): Outcome => ({ text: r.text, completionTokens: r.usage?.completion_tokens as number | undefined }));
    return { marks, body, served, outcome };
  }
  const outcome = send(client, api, body, bounded).then((r): Outcome => ({
    text: r.text,
    completionTokens: (r.body.usage as { completion_tokens?: number } | undefined)?.completion_tokens,
  }));
  outcome.catch(() => undefined);
  await expect.poll(() => stack.workers.some((w) => w.proc.log.matchesSince(marks.workers[w.id]!, stack.profile.patterns.newRequest).length > 0)).toBe(true);
  return { marks, body, served: stack.whoServed(marks), outcome };
}

test.describe('request migration', { tag: ['@e2e', '@fault-tolerance'] }, () => {
  test.use({ stackOptions: { frontend: { routerMode: 'round-robin', migrationLimit: 3 }, workers: 2 } });

  for (const api of ['completion', 'chat'] as const) {
    for (const streaming of [true, false]) {
      for (const signal of ['SIGKILL', 'SIGTERM'] as const) {
        test(`${api} ${streaming ? 'streaming' : 'non-streaming'} request completes after ${signal} of its worker`, async ({ stack, client }) => {
          const warm = await warmUp(stack, client);
          const before = await migrations(stack);

          const long = await startLong(stack, client, api, streaming);
          // Round-robin sends the long request to the worker the warm-up did not use.
          expect(long.served).not.toBe(warm);
          await stack.kill(long.served, signal === 'SIGKILL' ? { signal } : { signal, graceMs: 2_000 });

          const migrated = await long.outcome;
          expect(migrated.completionTokens).toBe(LONG_TOKENS);
          const unbroken = await send(client, api, long.body);
          expect(unbroken.workerId === undefined || unbroken.workerId === warm.id).toBe(true);
          expect(migrated.text).toBe(unbroken.text);

          expect(await migrations(stack)).toBeGreaterThan(before);
          expect(stack.frontend.proc.log.matchesSince(long.marks.frontend, stack.profile.patterns.streamDisconnected)).not.toHaveLength(0);
        });
      }
    }
  }

  test('a request fails cleanly when every worker dies under it', async ({ stack, client }) => {
    await warmUp(stack, client);
    const marks = stack.markLogs();
    // The client's own timeout bounds the wait: a hang shows up as ClientTimeoutError, not as this error.
    const stream = await open(client, 'completion', requestBody('completion', LONG_PROMPT, LONG_TOKENS), { timeoutMs: 20_000 });
    await stream.take(5);
    const first = stack.whoServed(marks, stream.result().workerIds[0]);
    const [second] = stack.workers.filter((w) => w !== first);
    const secondMark = second!.proc.log.mark();
    await stack.kill(first, { signal: 'SIGKILL' });
    await second!.proc.log.waitFor(stack.profile.patterns.newRequest, { since: secondMark, timeoutMs: 10_000 });
    await stack.kill(second!, { signal: 'SIGKILL' });
    await expect(stream.collect()).rejects.toBeInstanceOf(StreamErrorEvent);
  });
});

test.describe('migration disabled', { tag: ['@e2e', '@fault-tolerance'] }, () => {
  test.use({ stackOptions: { frontend: { routerMode: 'round-robin', migrationLimit: 0 }, workers: 2 } });

  test('streaming: the client gets an error event, not a hang, and nothing migrates', async ({ stack, client }) => {
    await warmUp(stack, client);
    const before = await migrations(stack);
    const marks = stack.markLogs();
    const stream = await open(client, 'chat', requestBody('chat', LONG_PROMPT, LONG_TOKENS), { timeoutMs: 20_000 });
    await stream.take(5);
    await stack.kill(stack.whoServed(marks, stream.result().workerIds[0]), { signal: 'SIGKILL' });
    await expect(stream.collect()).rejects.toBeInstanceOf(StreamErrorEvent);
    expect(await migrations(stack)).toBe(before);
  });

  test('non-streaming: the client gets an HTTP error, not a hang, and nothing migrates', async ({ stack, client }) => {
    await warmUp(stack, client);
    const before = await migrations(stack);
    const long = await startLong(stack, client, 'completion', false);
    await stack.kill(long.served, { signal: 'SIGKILL' });
    const err = await long.outcome.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAIHttpError);
    expect((err as OpenAIHttpError).status).toBeGreaterThanOrEqual(500);
    expect(await migrations(stack)).toBe(before);
  });
});
