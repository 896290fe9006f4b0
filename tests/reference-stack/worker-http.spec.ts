// The mock worker as a process over HTTP, checked like vLLM's OpenAI server: response
// shapes (zod schemas of the OpenAI wire format, and the official openai client), queue
// overflow, prefix caching, context limits, failure injection, metrics and disconnects.

import OpenAI from 'openai';
import { spawnSync } from 'node:child_process';
import { z } from 'zod';
import { test, expect, Metrics } from 'servewright';
import { stackBundlePath } from '../../fixtures/state-dir.ts';
import { WORKER_ID_HEADER } from '../../protocol/headers.ts';
import { post, readSse } from './openai-wire.ts';
import { MODEL, startWorker } from './worker-support.ts';

const tags = { tag: ['@e2e', '@reference-stack'] };

const Usage = z.strictObject({
  prompt_tokens: z.number().int().positive(),
  completion_tokens: z.number().int().nonnegative(),
  total_tokens: z.number().int().positive(),
  prompt_tokens_details: z.strictObject({ cached_tokens: z.number().int().nonnegative() }),
});
const envelope = (object: string) => ({
  id: z.string().regex(/^(chat)?cmpl-/),
  object: z.literal(object),
  created: z.number().int().positive(),
  model: z.literal(MODEL),
  nvext: z.strictObject({ worker_id: z.string() }),
});
const finish = z.enum(['length', 'stop']).nullable();
const CompletionResponse = z.strictObject({
  ...envelope('text_completion'),
  choices: z.tuple([z.strictObject({ index: z.literal(0), text: z.string(), logprobs: z.null(), finish_reason: finish })]),
  usage: Usage,
});
const ChatResponse = z.strictObject({
  ...envelope('chat.completion'),
  choices: z.tuple([
    z.strictObject({
      index: z.literal(0),
      message: z.strictObject({ role: z.literal('assistant'), content: z.string() }),
      logprobs: z.null(),
      finish_reason: finish,
    }),
  ]),
  usage: Usage,
});
const CompletionChunk = z.strictObject({
  ...envelope('text_completion'),
  choices: z.union([z.tuple([z.strictObject({ index: z.literal(0), text: z.string(), logprobs: z.null(), finish_reason: finish })]), z.tuple([])]),
  usage: Usage.nullable().optional(),
});
const ChatChunk = z.strictObject({
  ...envelope('chat.completion.chunk'),
  choices: z.union([
    z.tuple([
      z.strictObject({
        index: z.literal(0),
        delta: z.strictObject({ role: z.literal('assistant').optional(), content: z.string() }),
        logprobs: z.null(),
        finish_reason: finish,
      }),
    ]),
    z.tuple([]),
  ]),
  usage: Usage.nullable().optional(),
});
const ErrorBody = z.strictObject({
  error: z.strictObject({ message: z.string().min(1), type: z.string(), param: z.string().nullable(), code: z.number().int() }),
});

const prompt = 'Tell me a long long long story about yourself?';
const messages = [{ role: 'user', content: 'Who are you?' }];

test.describe('worker over HTTP', () => {
  test('non-streaming completion and chat have the OpenAI shape, usage and the worker id', tags, async ({ procs }) => {
    const { url } = await startWorker(procs, 'w-shapes', ['--speedup', '0']);
    const res = await post(url, '/v1/completions', { model: MODEL, prompt, max_tokens: 12 });
    expect(res.status).toBe(200);
    expect(res.headers.get(WORKER_ID_HEADER)).toBe('w-shapes');
    const completion = CompletionResponse.parse(await res.json());
    expect(completion.nvext.worker_id).toBe('w-shapes');
    expect(completion.choices[0].finish_reason).toBe('length');
    expect(completion.usage).toMatchObject({ completion_tokens: 12, total_tokens: completion.usage.prompt_tokens + 12 });
    expect(completion.choices[0].text.trim().split(/\s+|(?=[,.;])/).filter(Boolean)).toHaveLength(12);

    const chat = ChatResponse.parse(await (await post(url, '/v1/chat/completions', { model: MODEL, messages, max_tokens: 5 })).json());
    expect(chat.usage.completion_tokens).toBe(5);

    const again = CompletionResponse.parse(await (await post(url, '/v1/completions', { model: MODEL, prompt, max_tokens: 12 })).json());
    expect(again.choices[0].text).toBe(completion.choices[0].text);
    const reseeded = CompletionResponse.parse(await (await post(url, '/v1/completions', { model: MODEL, prompt, max_tokens: 12, seed: 5 })).json());
    expect(reseeded.choices[0].text).not.toBe(completion.choices[0].text);
  });

  test('streaming completion and chat send OpenAI chunks, a usage chunk and [DONE], with the same text', tags, async ({ procs }) => {
    const { url } = await startWorker(procs, 'w-stream', ['--speedup', '0']);
    const whole = CompletionResponse.parse(await (await post(url, '/v1/completions', { model: MODEL, prompt, max_tokens: 40 })).json());

    const res = await post(url, '/v1/completions', { model: MODEL, prompt, max_tokens: 40, stream: true, stream_options: { include_usage: true } });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const events = await readSse(res);
    expect(events.at(-1)).toBe('[DONE]');
    const chunks = events.slice(0, -1).map((e) => CompletionChunk.parse(JSON.parse(e)));
    const tokenChunks = chunks.filter((c) => c.choices.length === 1);
    expect(tokenChunks).toHaveLength(40);
    expect(tokenChunks.map((c) => c.choices[0]?.text).join('')).toBe(whole.choices[0].text);
    expect(tokenChunks.map((c) => c.choices[0]?.finish_reason)).toEqual([...Array<null>(39).fill(null), 'length']);
    expect(chunks.at(-1)?.usage).toEqual(whole.usage);
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);

    const chatEvents = await readSse(await post(url, '/v1/chat/completions', { model: MODEL, messages, max_tokens: 6, stream: true }));
    expect(chatEvents.at(-1)).toBe('[DONE]');
    const chatChunks = chatEvents.slice(0, -1).map((e) => ChatChunk.parse(JSON.parse(e)));
    expect(chatChunks[0]?.choices[0]?.delta).toEqual({ role: 'assistant', content: '' });
    expect(chatChunks).toHaveLength(7);
    expect(chatChunks.every((c) => c.usage === undefined)).toBe(true);
  });

  test('the official openai client reads completions, chat streams, usage and cached tokens', tags, async ({ procs }) => {
    const { url } = await startWorker(procs, 'w-openai', ['--speedup', '0']);
    const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'unused', maxRetries: 0 });
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toEqual([MODEL]);

    const longPrompt = `${prompt} `.repeat(8);
    const first = await client.completions.create({ model: MODEL, prompt: longPrompt, max_tokens: 4 });
    const second = await client.completions.create({ model: MODEL, prompt: longPrompt, max_tokens: 4 });
    expect(first.usage?.prompt_tokens_details?.cached_tokens ?? 0).toBe(0);
    expect(second.usage?.prompt_tokens_details?.cached_tokens).toBeGreaterThan(0);

    const stream = await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }], max_tokens: 9, stream: true, stream_options: { include_usage: true } });
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      usage = chunk.usage ?? usage;
    }
    expect(usage?.completion_tokens).toBe(9);
    expect(text.length).toBeGreaterThan(0);

    const failed = client.completions.create({ model: 'no-such-model', prompt: 'x' });
    await expect(failed).rejects.toMatchObject({ status: 404 });
  });

  test('a full waiting queue answers 429 with a clear body, and a disconnect aborts the running request', tags, async ({ procs }) => {
    const { url, proc } = await startWorker(procs, 'w-queue', ['--max-num-seqs', '1', '--max-waiting', '1', '--itl-ms', '20', '--prefill-ms-per-token', '0']);
    const metrics = async () => new Metrics(await (await fetch(`${url}/metrics`)).text());
    const running = new AbortController();
    const long = await post(url, '/v1/completions', { model: MODEL, prompt, max_tokens: 5000, stream: true }, { signal: running.signal });
    let longId = '';
    await readSse(long, (data) => {
      longId = (JSON.parse(data) as { id: string }).id;
      return false;
    });
    const queued = post(url, '/v1/completions', { model: MODEL, prompt: 'short', max_tokens: 2 });
    await expect.poll(async () => (await metrics()).value('vllm:num_requests_waiting', { model_name: MODEL })).toBe(1);
    expect((await metrics()).value('vllm:num_requests_running', { model_name: MODEL })).toBe(1);

    const overflow = await post(url, '/v1/completions', { model: MODEL, prompt: 'one too many', max_tokens: 2 });
    expect(overflow.status).toBe(429);
    expect(ErrorBody.parse(await overflow.json()).error.message).toMatch(/waiting queue is full/);

    running.abort();
    await proc.log.waitFor(new RegExp(`Aborted Request ID: ${longId}$`));
    expect(proc.log.matchesSince(0, new RegExp(`New Request ID: ${longId}$`))).toHaveLength(1);
    expect((await queued).status).toBe(200);
    const after = await metrics();
    expect(after.value('vllm:request_success_total', { model_name: MODEL, finished_reason: 'abort' })).toBe(1);
    expect(after.value('vllm:num_requests_running', { model_name: MODEL })).toBe(0);
  });

  test('an identical second prompt is served from the prefix cache: cached tokens up, TTFT down', tags, async ({ procs }) => {
    const { url } = await startWorker(procs, 'w-prefix', ['--prefill-ms-per-token', '10', '--itl-ms', '1', '--jitter', '0']);
    const longPrompt = Array.from({ length: 160 }, (_, i) => `word${i}`).join(' ');
    const timed = async () => {
      const started = performance.now();
      let ttft = 0;
      const events = await readSse(await post(url, '/v1/completions', { model: MODEL, prompt: longPrompt, max_tokens: 3, stream: true, stream_options: { include_usage: true } }), () => {
        ttft ||= performance.now() - started;
      });
      const usage = (JSON.parse(events.at(-2) as string) as { usage: z.infer<typeof Usage> }).usage;
      return { ttft, cached: usage.prompt_tokens_details.cached_tokens };
    };
    const cold = await timed();
    const warm = await timed();
    expect(cold.cached).toBe(0);
    expect(warm.cached).toBe(144);
    // 160 uncached tokens cost 1.6 s of prefill; the warm run computes only 16 (0.16 s).
    expect(warm.ttft).toBeLessThan(cold.ttft / 2);
    const metrics = new Metrics(await (await fetch(`${url}/metrics`)).text());
    expect(metrics.value('vllm:prefix_cache_hits_total', { model_name: MODEL })).toBe(144);
    expect(metrics.value('vllm:prefix_cache_queries_total', { model_name: MODEL })).toBe(320);
  });

  test('validation, context length, unknown model and forced errors answer OpenAI error bodies', tags, async ({ procs }) => {
    const { url } = await startWorker(procs, 'w-errors', ['--speedup', '0', '--max-model-len', '400']);
    const error = async (res: Response) => ({ status: res.status, body: ErrorBody.parse(await res.json()).error });

    const tooLong = await error(await post(url, '/v1/completions', { model: MODEL, prompt: 'one two three', max_tokens: 398 }));
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.message).toMatch(/maximum context length is 400 tokens.*requested 401 tokens \(3 in the prompt, 398 in the completion\)/);
    expect((await post(url, '/v1/completions', { model: MODEL, prompt: 'one two three', max_tokens: 397 })).status).toBe(200);

    const missing = await error(await post(url, '/v1/completions', { model: MODEL }));
    expect(missing).toMatchObject({ status: 400, body: { param: 'prompt', message: expect.stringMatching(/prompt: required/) } });
    const badType = await error(await post(url, '/v1/chat/completions', { model: MODEL, messages, max_tokens: 'ten' }));
    expect(badType).toMatchObject({ status: 400, body: { param: 'max_tokens' } });
    expect((await error(await post(url, '/v1/completions', '{not json'))).status).toBe(400);
    expect((await error(await post(url, '/v1/completions', { model: 'other', prompt: 'x' }))).status).toBe(404);

    const forced = await error(await post(url, '/v1/completions', { model: MODEL, prompt: 'x' }, { headers: { 'x-servewright-force-error': '503' } }));
    expect(forced).toMatchObject({ status: 503, body: { code: 503, message: expect.stringMatching(/Forced error 503/) } });
    const badHeader = await error(await post(url, '/v1/completions', { model: MODEL, prompt: 'x' }, { headers: { 'x-servewright-force-error': 'teapot' } }));
    expect(badHeader.status).toBe(400);
  });

  test('/health, /v1/models and /metrics report the worker, and metrics move with traffic', tags, async ({ procs }) => {
    const { url } = await startWorker(procs, 'w-metrics', ['--speedup', '0']);
    expect(await (await fetch(`${url}/health`)).json()).toEqual({ status: 'ready' });
    const before = new Metrics(await (await fetch(`${url}/metrics`)).text());
    const labels = { model_name: MODEL };
    expect(before.value('vllm:generation_tokens_total', labels)).toBe(0);
    for (const max_tokens of [3, 4, 5]) await post(url, '/v1/completions', { model: MODEL, prompt: 'a b c d', max_tokens });
    const after = new Metrics(await (await fetch(`${url}/metrics`)).text());
    expect(after.value('vllm:generation_tokens_total', labels)).toBe(12);
    expect(after.value('vllm:prompt_tokens_total', labels)).toBe(12);
    expect(after.value('vllm:request_success_total', { ...labels, finished_reason: 'length' })).toBe(3);
    expect(after.histogram('vllm:time_to_first_token_seconds', labels).count).toBe(3);
    expect(after.histogram('vllm:inter_token_latency_seconds', labels).count).toBe(9);
    expect(after.histogram('vllm:e2e_request_latency_seconds', labels).count).toBe(3);
    for (const gauge of ['vllm:num_requests_running', 'vllm:num_requests_waiting', 'vllm:gpu_cache_usage_perc', 'vllm:kv_cache_usage_perc']) {
      expect(after.value(gauge, labels)).toBe(0);
    }
  });

  test('SIGTERM answers in-flight requests with 503 (SSE error event or JSON) and exits 0', tags, async ({ procs }) => {
    const { url, proc } = await startWorker(procs, 'w-sigterm', ['--itl-ms', '20']);
    const streaming = await post(url, '/v1/completions', { model: MODEL, prompt, max_tokens: 5000, stream: true });
    const events: string[] = [];
    const streamed = readSse(streaming, (data) => void events.push(data));
    const plain = post(url, '/v1/chat/completions', { model: MODEL, messages, max_tokens: 5000 });
    await expect.poll(() => events.length).toBeGreaterThan(0);
    // Both requests must be in the engine: a chat still connecting when SIGTERM lands is refused, not answered.
    await expect.poll(() => proc.log.matchesSince(0, /New Request ID/).length).toBe(2);
    await proc.kill({ signal: 'SIGTERM' });
    expect(await proc.exited).toEqual({ code: 0, signal: null });
    const plainRes = await plain;
    expect(plainRes.status).toBe(503);
    expect(ErrorBody.parse(await plainRes.json()).error.message).toMatch(/shutting down/);
    await streamed;
    expect(ErrorBody.parse(JSON.parse(events.at(-2) as string)).error.code).toBe(503);
    expect(events.at(-1)).toBe('[DONE]');
  });

  test('bad command lines exit 2 naming the flag', tags, () => {
    const run = (...args: string[]) => spawnSync(process.execPath, [stackBundlePath('worker'), ...args], { encoding: 'utf8', timeout: 20_000 });
    const unknown = run('--no-such-flag', '1');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/unknown flag --no-such-flag/);
    const badValue = run('--max-num-seqs', 'many');
    expect(badValue.status).toBe(2);
    expect(badValue.stderr).toMatch(/--max-num-seqs "many"/);
    const halfCluster = run('--nats', 'nats://127.0.0.1:4222');
    expect(halfCluster.status).toBe(2);
    expect(halfCluster.stderr).toMatch(/needs both --nats/);
  });
});
