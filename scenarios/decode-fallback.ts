// Decode-only fallback from Dynamo's fault-tolerance suite
// (tests/fault_tolerance/decode_fallback/utils.py@29e9497): with a prefill and a decode
// worker, a request is served through the prefill worker; once the prefill worker is gone,
// the next request is served by the decode worker alone and counted exactly once. Under
// --enforce-disagg the same request fails instead and nothing is counted.

import { expect, lacks, phase, OpenAIHttpError, StreamErrorEvent, loggedSince, lastRequestIdSince, type StartedStack, type StackWorker, type OpenAIClient } from '../fixtures/index.ts';
import { open, requestBody, send, type Api } from './requests.ts';

export interface FallbackCase {
  api: Api;
  streaming: boolean;
  maxTokens: number;
  timeoutMs: number;
}

// Upstream's prompt for this scenario.
const PROMPT = 'Say hello in one sentence.';

/** Requests the frontend served decode-only; the counter appears at its first count, so absent reads as 0. */
export async function decodeOnlyFallbacks(stack: StartedStack): Promise<number> {
  const name = stack.profile.metrics.decodeOnlyFallbackTotal;
  if (name === undefined) throw new Error(lacks(stack.profile, 'decodeFallback') ?? `profile ${stack.profile.name} has no decode-only fallback counter`);
  const metrics = await stack.frontend.metrics();
  if (!metrics.has(name)) return 0;
  const series = metrics.select(name, { model: stack.model });
  expect(series.map((s) => s.labels), `${name}: one series labelled exactly by model`).toEqual([{ model: stack.model }]);
  return series[0]!.value;
}

async function complete(client: OpenAIClient, c: FallbackCase): Promise<string> {
  const body = requestBody(c.api, PROMPT, c.maxTokens);
  if (!c.streaming) return (await send(client, c.api, body, { timeoutMs: c.timeoutMs })).text;
  const result = await (await open(client, c.api, body, { timeoutMs: c.timeoutMs })).collect();
  return result.text;
}

function prefillPattern(stack: StartedStack): RegExp {
  const pattern = stack.profile.patterns.newPrefillRequest;
  if (pattern === undefined) throw new Error(lacks(stack.profile, 'disaggregation') ?? `profile ${stack.profile.name} has no prefill request pattern`);
  return pattern;
}

/** Both workers up: served through the prefill worker, nothing counted. Returns the count to compare against. */
async function servedDisaggregated(stack: StartedStack, client: OpenAIClient, prefill: StackWorker, c: FallbackCase): Promise<number> {
  return await phase('traffic', async () => {
    const marks = stack.markLogs();
    expect(await complete(client, c)).not.toBe('');
    await lastRequestIdSince(prefill.proc.log, marks.workers[prefill.id]!, prefillPattern(stack), c.timeoutMs);
    const counted = await decodeOnlyFallbacks(stack);
    expect(counted, 'no fallback while the prefill worker serves').toBe(0);
    return counted;
  });
}

/** The prefill worker dies; the next request is served decode-only, counted once, with the frontend's warning. */
export async function fallsBackToDecodeOnly(stack: StartedStack, client: OpenAIClient, prefill: StackWorker, decode: StackWorker, c: FallbackCase): Promise<void> {
  const before = await servedDisaggregated(stack, client, prefill, c);
  await phase('fault', () => stack.kill(prefill, { signal: 'SIGKILL' }));
  await phase('assertions', async () => {
    const marks = stack.markLogs();
    expect(await complete(client, c)).not.toBe('');
    const requestId = await lastRequestIdSince(decode.proc.log, marks.workers[decode.id]!, stack.profile.patterns.newRequest, c.timeoutMs);
    expect(requestId).not.toBe('');
    expect(await decodeOnlyFallbacks(stack)).toBe(before + 1);
    // Log lines travel through a pipe, metrics over HTTP: the line may land a moment later.
    await expect.poll(() => stack.frontend.proc.log.matchesSince(marks.frontend, stack.profile.patterns.decodeOnlyFallback!).length, { timeout: c.timeoutMs }).toBe(1);
    expect(loggedSince(decode.proc.log, marks.workers[decode.id]!, stack.profile.patterns.newRequest, requestId)).toBe(true);
  });
}

/**
 * Under enforced disaggregation the request fails once the prefill worker is gone (a 5xx, or
 * an SSE error event where the stream had opened), and no fallback is counted.
 */
export async function failsWhenDisaggregationIsEnforced(stack: StartedStack, client: OpenAIClient, prefill: StackWorker, c: FallbackCase): Promise<OpenAIHttpError | StreamErrorEvent> {
  const before = await servedDisaggregated(stack, client, prefill, c);
  await phase('fault', () => stack.kill(prefill, { signal: 'SIGKILL' }));
  return await phase('assertions', async () => {
    const failed = await complete(client, c).then(
      (text) => new Error(`served "${text}" although disaggregation is enforced and no prefill worker is left`),
      (e: unknown) => e,
    );
    if (!(failed instanceof OpenAIHttpError || failed instanceof StreamErrorEvent)) throw failed;
    if (failed instanceof OpenAIHttpError) expect(failed.status).toBeGreaterThanOrEqual(500);
    expect(await decodeOnlyFallbacks(stack)).toBe(before);
    return failed;
  });
}
