// Migration scenarios from Dynamo's fault-tolerance suite, written against the stack
// fixture and profile data only, so the reference and real-engine specs share them.

import { expect, lacks, phase, StreamErrorEvent, OpenAIHttpError, type StartedStack, type StackWorker, type OpenAIClient } from '../fixtures/index.ts';
import { LONG_PROMPT, SHORT_PROMPT, open, requestBody, send, type Api } from './requests.ts';

export interface MigrationCase {
  api: Api;
  streaming: boolean;
  signal: 'SIGKILL' | 'SIGTERM';
  longTokens: number;
  /** Bounds every wait on the long request: a hang fails as ClientTimeoutError. */
  timeoutMs: number;
  /** Whether the warm-up and the long request land on different workers (round-robin over aggregated workers). */
  alternates?: boolean;
}

/** Sends the warm-up request and returns the worker that served it. */
export async function warmUp(stack: StartedStack, client: OpenAIClient): Promise<StackWorker> {
  const marks = stack.markLogs();
  const res = await client.completions(requestBody('completion', SHORT_PROMPT, 16));
  return await stack.whoServed(marks, res.workerId);
}

/**
 * Ongoing migrations the frontend counted. Dynamo's counter appears at its first increment,
 * so before any migration its absence reads as 0; afterwards it must be exposed.
 */
export async function migrations(stack: StartedStack, phase: 'before' | 'after'): Promise<number> {
  const { migrationTotal, ongoingMigration } = stack.profile.metrics;
  if (migrationTotal === undefined) throw new Error(lacks(stack.profile, 'migration') ?? `profile ${stack.profile.name} has no migration metric`);
  const metrics = await stack.frontend.metrics();
  return phase === 'before' && !metrics.has(migrationTotal) ? 0 : metrics.sum(migrationTotal, ongoingMigration);
}

function disconnected(stack: StartedStack): RegExp {
  const pattern = stack.profile.patterns.streamDisconnected;
  if (pattern === undefined) throw new Error(lacks(stack.profile, 'migration') ?? `profile ${stack.profile.name} has no stream-disconnected pattern`);
  return pattern;
}

interface Outcome {
  text: string;
  completionTokens: number | undefined;
}

/**
 * Starts the long request and resolves once it is generating on a worker: for streams,
 * after the first tokens arrived; otherwise once a worker logged the new request.
 */
async function startLong(stack: StartedStack, client: OpenAIClient, c: Omit<MigrationCase, 'signal'>) {
  const marks = stack.markLogs();
  const body = requestBody(c.api, LONG_PROMPT, c.longTokens);
  const bounded = { timeoutMs: c.timeoutMs };
  if (c.streaming) {
    const stream = await open(client, c.api, body, bounded);
    await stream.take(5);
    // The last worker that sent tokens is generating them (a prefill worker sends the first one).
    const served = await stack.whoServed(marks, stream.result().workerIds.at(-1));
    const outcome = stream.collect().then((r): Outcome => ({ text: r.text, completionTokens: r.usage?.completion_tokens as number | undefined }));
    return { marks, body, served, outcome };
  }
  const outcome = send(client, c.api, body, bounded).then((r): Outcome => ({
    text: r.text,
    completionTokens: (r.body.usage as { completion_tokens?: number } | undefined)?.completion_tokens,
  }));
  outcome.catch(() => undefined);
  return { marks, body, served: await stack.whoServed(marks, undefined, c.timeoutMs), outcome };
}

/** The long request survives the death of its worker, token for token. */
export async function survivesWorkerDeath(stack: StartedStack, client: OpenAIClient, c: MigrationCase): Promise<void> {
  const { warm, before, long } = await phase('traffic', async () => {
    const warm = await warmUp(stack, client);
    return { warm, before: await migrations(stack, 'before'), long: await startLong(stack, client, c) };
  });
  // Round-robin sends the long request to the worker the warm-up did not use.
  if (c.alternates !== false) expect(long.served).not.toBe(warm);
  await phase('fault', () => stack.kill(long.served, c.signal === 'SIGKILL' ? { signal: 'SIGKILL' } : { signal: 'SIGTERM', graceMs: 2_000 }));

  await phase('assertions', async () => {
    // The reference run goes to the survivor while the migrated stream finishes there.
    const [migrated, unbroken] = await Promise.all([long.outcome, send(client, c.api, long.body, { timeoutMs: c.timeoutMs })]);
    expect(migrated.completionTokens).toBe(c.longTokens);
    expect(migrated.text).toBe(unbroken.text);

    // The client can have its last token before the frontend's counter and log line are out
    // (a stand-in proxy in between, lines flushed in batches): poll both.
    await expect.poll(() => migrations(stack, 'after')).toBeGreaterThan(before);
    await expect.poll(() => stack.frontend.proc.log.matchesSince(long.marks.frontend, disconnected(stack)).length).toBeGreaterThan(0);
  });
}

/** Every worker dies under the request: the client gets an error event, not a hang. */
export async function failsWhenEveryWorkerDies(stack: StartedStack, client: OpenAIClient, c: Pick<MigrationCase, 'longTokens' | 'timeoutMs'>): Promise<void> {
  await warmUp(stack, client);
  const marks = stack.markLogs();
  const stream = await open(client, 'completion', requestBody('completion', LONG_PROMPT, c.longTokens), { timeoutMs: c.timeoutMs });
  await stream.take(5);
  const first = await stack.whoServed(marks, stream.result().workerIds.at(-1));
  const [second] = stack.workers.filter((w) => w !== first);
  const secondMark = second!.proc.log.mark();
  await stack.kill(first, { signal: 'SIGKILL' });
  await second!.proc.log.waitFor(stack.profile.patterns.newRequest, { since: secondMark, timeoutMs: c.timeoutMs });
  await stack.kill(second!, { signal: 'SIGKILL' });
  await expect(stream.collect()).rejects.toBeInstanceOf(StreamErrorEvent);
}

/**
 * With migration disabled, a dead worker's request fails cleanly and is not re-issued.
 * Dynamo still counts (and logs) the one attempt it then finds the limit forbids
 * (lib/llm/src/migration.rs@0135b9a); the reference frontend counts nothing.
 */
export async function failsWithoutMigration(stack: StartedStack, client: OpenAIClient, c: Omit<MigrationCase, 'signal'>): Promise<void> {
  const attempts = stack.profile.semantics.limitZeroCountsMigration ? 1 : 0;
  const { before, long } = await phase('traffic', async () => {
    await warmUp(stack, client);
    return { before: await migrations(stack, 'before'), long: await startLong(stack, client, c) };
  });
  await phase('fault', () => stack.kill(long.served, { signal: 'SIGKILL' }));
  await phase('assertions', async () => {
    const err = await long.outcome.catch((e: unknown) => e);
    if (c.streaming) {
      expect(err).toBeInstanceOf(StreamErrorEvent);
    } else {
      expect(err).toBeInstanceOf(OpenAIHttpError);
      expect((err as OpenAIHttpError).status).toBeGreaterThanOrEqual(500);
    }
    // Nothing counted may leave a lazily created counter absent (its name is checked against the corpus).
    expect(await migrations(stack, attempts === 0 ? 'before' : 'after')).toBe(before + attempts);
    // The line travels through a pipe (batched by the frontend) and can land after the metric moved.
    await expect
      .poll(() => stack.frontend.proc.log.matchesSince(long.marks.frontend, disconnected(stack)).length, { message: 'stream-disconnected lines for the one broken stream' })
      .toBe(attempts);
  });
}

/**
 * Disaggregated (1 decode + 2 prefill): the prefill worker dies while prefilling; the
 * request is prefilled again on the other one and completes. Upstream marks this xfail
 * for Dynamo (tests/fault_tolerance/migration/test_vllm.py@4a78ada).
 */
export async function survivesPrefillWorkerDeath(stack: StartedStack, client: OpenAIClient, c: Omit<MigrationCase, 'signal' | 'api' | 'streaming'>): Promise<void> {
  const prefill = stack.profile.patterns.newPrefillRequest;
  if (prefill === undefined) throw new Error(lacks(stack.profile, 'disaggregation') ?? `profile ${stack.profile.name} has no prefill request pattern`);
  const marks = stack.markLogs();
  const body = requestBody('completion', LONG_PROMPT, c.longTokens);
  const outcome = send(client, 'completion', body, { timeoutMs: c.timeoutMs });
  outcome.catch(() => undefined);
  const prefillWorkers = stack.workers.filter((w) => w.role === 'prefill');
  await expect.poll(() => prefillWorkers.filter((w) => w.proc.log.matchesSince(marks.workers[w.id]!, prefill).length > 0).length, { timeout: c.timeoutMs }).toBe(1);
  const [victim] = prefillWorkers.filter((w) => w.proc.log.matchesSince(marks.workers[w.id]!, prefill).length > 0);
  const [other] = prefillWorkers.filter((w) => w !== victim);
  await stack.kill(victim!, { signal: 'SIGKILL' });
  const res = await outcome;
  expect((res.body.usage as { completion_tokens?: number }).completion_tokens).toBe(c.longTokens);
  expect(other!.proc.log.matchesSince(marks.workers[other!.id]!, prefill).length, `prefill worker ${other!.id} prefilled the request again`).toBe(1);
  await expect.poll(() => stack.frontend.proc.log.matchesSince(marks.frontend, disconnected(stack)).length).toBeGreaterThan(0);
}
