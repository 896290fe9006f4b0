// Large requests end to end: the frontend and the worker read bodies up to one limit
// (MAX_REQUEST_BODY_BYTES) and answer 413 past it, with an error body rather than a reset;
// through the frontend a prompt also has to fit one NATS message (the server's
// max_payload, 1 MiB by default), and one that does not gets a 413 that says so, not a
// retryable 503.

import { Readable } from 'node:stream';
import { request } from 'undici';
import { test, expect } from 'servewright';
import { MAX_REQUEST_BODY_BYTES } from '../../protocol/openai/request.ts';
import { tokenize } from '../../protocol/tokenizer.ts';
import { post } from './openai-wire.ts';
import { MODEL } from './worker-support.ts';

const tags = { tag: ['@e2e', '@reference-stack'] };
const NATS_DEFAULT_MAX_PAYLOAD = 1024 * 1024;

test.use({ stackProfile: 'reference' });

/** A prompt of exactly `tokens` tokens. */
const prompt = (tokens: number): string => 'a '.repeat(tokens);
/** Bytes per prompt token in the GenerateRequest JSON: the id's digits and a comma. */
const bytesPerToken = String(tokenize('a')[0]).length + 1;

async function errorOf(res: { status: number; json(): Promise<unknown> }): Promise<{ status: number; message: string }> {
  const body = (await res.json()) as { error: { message: string } };
  return { status: res.status, message: body.error.message };
}

test('a prompt that fits a NATS message works through the frontend; a bigger one is a 413 naming max_payload', tags, async ({ launchStack, services }) => {
  const stack = await launchStack({
    workers: [{ id: 'w-big', speedup: 0, args: ['--max-model-len', '2000000', '--num-gpu-blocks', '200000'] }],
  });
  const fits = Math.floor((0.8 * NATS_DEFAULT_MAX_PAYLOAD) / bytesPerToken);
  const tooBig = Math.ceil((1.2 * NATS_DEFAULT_MAX_PAYLOAD) / bytesPerToken);

  const served = await post(stack.frontend.url, '/v1/completions', { model: MODEL, prompt: prompt(fits), max_tokens: 2 });
  expect(served.status).toBe(200);
  expect(((await served.json()) as { usage: { prompt_tokens: number } }).usage.prompt_tokens).toBe(fits);

  const refused = await errorOf(await post(stack.frontend.url, '/v1/completions', { model: MODEL, prompt: prompt(tooBig), max_tokens: 2 }));
  expect(refused.status).toBe(413);
  expect(refused.message).toContain(`request of ${tooBig} tokens is`);
  expect(refused.message).toContain(`over the max_payload of ${NATS_DEFAULT_MAX_PAYLOAD} bytes of the NATS server at`);
  expect(refused.message).toContain(new URL(services.nats.url).port);

  // The limit is the message bus's, not the body's: the worker alone serves the same body.
  const direct = await post(stack.workers[0]!.url, '/v1/completions', { model: MODEL, prompt: prompt(tooBig), max_tokens: 2 });
  expect(direct.status).toBe(200);
});

test('frontend and worker answer a body over the limit with 413 and an error body, declared or streamed', tags, async ({ launchStack }) => {
  const stack = await launchStack({ workers: [{ id: 'w-413', speedup: 0 }] });
  const over = MAX_REQUEST_BODY_BYTES + 1024;
  for (const [name, url] of [['frontend', stack.frontend.url], ['worker', stack.workers[0]!.url]] as const) {
    // Content-Length says it at once: refused before reading, the upload drained, no reset.
    const body = `{"model":"${MODEL}","prompt":"${'x'.repeat(over)}"}`;
    const declared = await errorOf(await post(url, '/v1/completions', body));
    expect(declared, name).toEqual({ status: 413, message: `request body of ${body.length} bytes exceeds the limit of ${MAX_REQUEST_BODY_BYTES} bytes` });
    // Chunked, no Content-Length: refused once the bytes read pass the limit.
    const streamed = await request(`${url}/v1/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: Readable.from(Array.from({ length: over / (64 * 1024) + 1 }, () => Buffer.alloc(64 * 1024, 0x20))),
    });
    expect(streamed.statusCode, name).toBe(413);
    expect(((await streamed.body.json()) as { error: { message: string } }).error.message, name).toBe(
      `request body of more than ${MAX_REQUEST_BODY_BYTES} bytes exceeds the limit of ${MAX_REQUEST_BODY_BYTES} bytes`,
    );
    // A body exactly at the limit is read (and then judged as JSON).
    const atLimit = await post(url, '/v1/completions', `{"model":"${MODEL}","prompt":"a","max_tokens":1}`.padEnd(MAX_REQUEST_BODY_BYTES, ' '));
    expect(atLimit.status, name).toBe(200);
  }
});
