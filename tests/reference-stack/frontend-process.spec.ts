// The frontend as a process in front of real mock workers over NATS and etcd: discovery,
// routing, the OpenAI wire format, worker death, migration and cancellation. The stack
// fixture starts the processes (reference profile, always: these are its frontend's flags,
// logs and metrics); the wire itself is read raw, as a client library would see it.

import { spawnSync } from 'node:child_process';
import { test, expect, type StartedStack, type WorkerOptions } from 'servewright';
import { stackBundlePath } from '../../fixtures/state-dir.ts';
import { QUEUE_MS_HEADER, WORKER_ID_HEADER } from '../../protocol/headers.ts';
import { post, readSse } from './openai-wire.ts';
import { MODEL } from './worker-support.ts';

const tags = { tag: ['@e2e', '@reference-stack', '@fault-tolerance'] };

/**
 * A worker with the mock's own timing (speedup 1, unless a test sets another) and a 1 s etcd
 * lease, so the frontend drops a killed worker within about a second.
 */
function worker(id: string, opts: Omit<WorkerOptions, 'id'> = {}): WorkerOptions {
  return { id, speedup: 1, ...opts, args: ['--lease-ttl-s', '1', ...(opts.args ?? [])] };
}

/** Exactly `n` workers: the fixture's own wait accepts more, which would miss a dead one still served. */
async function expectWorkers(stack: StartedStack, n: number): Promise<void> {
  await expect.poll(async () => (await stack.frontend.getJson<{ workers: number }>('/health')).workers, { timeout: 30_000 }).toBe(n);
}

interface PostOptions {
  path?: string;
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

const postModel = (url: string, body: Record<string, unknown>, opts: PostOptions = {}): Promise<Response> =>
  post(url, opts.path ?? '/v1/completions', { model: MODEL, ...body }, opts);

async function complete(url: string, body: Record<string, unknown>, signal?: AbortSignal, headers?: Record<string, string>) {
  const res = await postModel(url, body, { ...(signal ? { signal } : {}), ...(headers ? { headers } : {}) });
  return { res, json: (await res.json()) as Record<string, any> };
}

const streamedText = (events: string[]) =>
  events
    .filter((e) => e !== '[DONE]')
    .map((e) => JSON.parse(e) as { choices: Array<{ text?: string }> })
    .map((e) => e.choices[0]?.text ?? '')
    .join('');

async function metric(stack: StartedStack, name: string, labels: Record<string, string> = {}): Promise<number> {
  return (await stack.frontend.metrics()).value(name, labels);
}

test.use({ stackProfile: 'reference' });

test.describe('frontend process', () => {
  // Each test starts up to four processes; a shared, loaded machine can make that slow.
  test.describe.configure({ timeout: 120_000 });

  test('a bad flag is a clear error and exit status 2', tags, () => {
    const run = spawnSync(process.execPath, [stackBundlePath('frontend'), '--router-mode', 'nearest'], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--router-mode: one of round-robin');
  });

  test('discovers workers, round-robins between them, names the worker and drops a dead one', tags, async ({ launchStack }) => {
    const stack = await launchStack({ frontend: { routerMode: 'round-robin' }, workers: 0 });
    const { frontend } = stack;
    expect(await (await fetch(`${frontend.url}/v1/models`)).json()).toEqual({ object: 'list', data: [] });
    const workers = [await stack.startWorker(worker('w-a', { speedup: 0 })), await stack.startWorker(worker('w-b', { speedup: 0 }))];
    await expectWorkers(stack, 2);
    const models = (await (await fetch(`${frontend.url}/v1/models`)).json()) as { data: Array<{ id: string }> };
    expect(models.data.map((m) => m.id)).toEqual([MODEL]);

    const served: string[] = [];
    for (let i = 0; i < 4; i++) {
      const { res, json } = await complete(frontend.url, { prompt: `hello ${i}`, max_tokens: 3 });
      expect(res.status).toBe(200);
      expect(res.headers.get(WORKER_ID_HEADER)).toBe(json.nvext.worker_id);
      // A missing header would read as Number(null) === 0: require a non-negative decimal.
      expect(res.headers.get(QUEUE_MS_HEADER)).toMatch(/^\d+(\.\d+)?$/);
      expect(json).toMatchObject({ object: 'text_completion', model: MODEL, usage: { completion_tokens: 3 } });
      const requestId = String(json.id).replace(/^cmpl-/, '');
      await stack.worker(json.nvext.worker_id).proc.log.waitFor(new RegExp(`New Request ID: ${requestId}`));
      served.push(json.nvext.worker_id);
    }
    expect(served[0]).not.toBe(served[1]);
    expect(served).toEqual([served[0], served[1], served[0], served[1]]);
    expect(await metric(stack, 'servewright_frontend_worker_requests_total', { worker_id: 'w-a' })).toBe(2);

    await stack.kill(workers[0]!, { signal: 'SIGKILL' });
    await expectWorkers(stack, 1);
    for (let i = 0; i < 3; i++) {
      const { json } = await complete(frontend.url, { prompt: `after ${i}`, max_tokens: 2 });
      expect(json.nvext.worker_id).toBe('w-b');
    }
  });

  test('streams in the OpenAI SSE format with usage and cached tokens', tags, async ({ launchStack }) => {
    const { frontend } = await launchStack({ workers: [worker('w-a', { speedup: 0, args: ['--block-size', '2'] })] });
    const prompt = 'one two three four five six seven eight';
    const body = { model: MODEL, prompt, max_tokens: 5, seed: 7, stream: true, stream_options: { include_usage: true } };
    const postBody = () => postModel(frontend.url, body);
    await readSse(await postBody());
    const res = await postBody();
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const events = await readSse(res);
    expect(events.at(-1)).toBe('[DONE]');
    const parsed = events.slice(0, -1).map((e) => JSON.parse(e) as Record<string, any>);
    expect(parsed.every((e) => e.object === 'text_completion' && e.nvext.worker_id === 'w-a')).toBe(true);
    expect(parsed.at(-2)!.choices[0].finish_reason).toBe('length');
    const usage = parsed.at(-1)!;
    expect(usage.choices).toEqual([]);
    expect(usage.usage).toMatchObject({ completion_tokens: 5, total_tokens: usage.usage.prompt_tokens + 5 });
    expect(usage.usage.prompt_tokens_details.cached_tokens).toBeGreaterThan(0);
    const { json } = await complete(frontend.url, { prompt, max_tokens: 5, seed: 7 });
    expect(streamedText(events)).toBe(json.choices[0].text);

    const chat = await postModel(frontend.url, { messages: [{ role: 'user', content: 'hi' }], max_tokens: 3, stream: true }, { path: '/v1/chat/completions' });
    const chunks = (await readSse(chat)).slice(0, -1).map((e) => JSON.parse(e) as Record<string, any>);
    expect(chunks[0]!.choices[0].delta).toEqual({ role: 'assistant', content: '' });
    expect(chunks.every((e) => e.object === 'chat.completion.chunk')).toBe(true);
    expect(chunks.at(-1)!.choices[0]).toMatchObject({ delta: {}, finish_reason: 'length' });
  });

  test('migrates a stream off a SIGKILLed worker with the same text as an unbroken run', tags, async ({ launchStack }) => {
    const stack = await launchStack({
      frontend: { migrationLimit: 3, args: ['--stream-timeout-ms', '1000'] },
      workers: [worker('w-a', { args: ['--itl-ms', '20'] }), worker('w-b', { args: ['--itl-ms', '20'] })],
    });
    const { frontend } = stack;
    const body = { model: MODEL, prompt: 'Tell me a long long long story about yourself?', max_tokens: 60, seed: 11, stream: true };
    const postBody = () => postModel(frontend.url, body);
    const unbroken = streamedText(await readSse(await postBody()));

    const res = await postBody();
    const victim = res.headers.get(WORKER_ID_HEADER)!;
    let killed: Promise<void> | undefined;
    const events = await readSse(res, () => {
      killed ??= stack.kill(stack.worker(victim), { signal: 'SIGKILL' });
    });
    await killed;
    expect(streamedText(events)).toBe(unbroken);
    await frontend.proc.log.waitFor(/Stream disconnected\.\.\. recreating stream\.\.\./);
    expect(await metric(stack, 'servewright_frontend_migration_total', { migration_type: 'ongoing_request' })).toBe(1);
  });

  test('without migration a broken stream ends with an SSE error event, and a non-stream request with a 5xx', tags, async ({ launchStack }) => {
    const stack = await launchStack({
      frontend: { migrationLimit: 0, args: ['--stream-timeout-ms', '1000'] },
      workers: [worker('w-a', { args: ['--itl-ms', '20'] }), worker('w-b', { args: ['--itl-ms', '20'] })],
    });
    const { frontend } = stack;
    const [victim, other] = [stack.worker('w-a').proc, stack.worker('w-b').proc];
    const res = await postModel(frontend.url, { prompt: 'doomed', max_tokens: 200, stream: true });
    expect(res.headers.get(WORKER_ID_HEADER)).toBe('w-a');
    let killed: Promise<void> | undefined;
    const events = await readSse(res, () => {
      killed ??= victim.kill({ signal: 'SIGKILL' });
    });
    await killed;
    const last = JSON.parse(events.at(-1)!) as { error?: { message: string; code: number } };
    expect(last.error).toMatchObject({ code: 502, message: expect.stringMatching(/migration limit \(0\) is reached/) });
    expect(events).not.toContain('[DONE]');

    const pending = complete(frontend.url, { prompt: 'doomed too', max_tokens: 200 });
    await other.log.waitFor(/New Request ID:/);
    await other.kill({ signal: 'SIGKILL' });
    const { res: plain, json } = await pending;
    expect(plain.status).toBe(502);
    expect(json.error.message).toMatch(/broke .* migration limit \(0\) is reached/);
    expect(await metric(stack, 'servewright_frontend_requests_total', { model: MODEL, status: 'error' })).toBe(2);
  });

  test('a client that disconnects gets its request killed on the worker', tags, async ({ launchStack }) => {
    const stack = await launchStack({ workers: [worker('w-a', { args: ['--itl-ms', '50'] })] });
    const { frontend } = stack;
    const { proc: wa } = stack.worker('w-a');

    const departing = new AbortController();
    const streaming = await postModel(frontend.url, { prompt: 'a long story', max_tokens: 400, stream: true }, { signal: departing.signal });
    const streamId = (JSON.parse((await readSse(streaming, () => false))[0]!) as { id: string }).id.replace(/^cmpl-/, '');
    departing.abort();
    await frontend.proc.log.waitFor(new RegExp(`issued control message Kill to sender request_id=${streamId}`));
    await wa.log.waitFor(new RegExp(`Aborted Request ID: ${streamId}`));

    const mark = wa.log.mark();
    const abort = new AbortController();
    const pending = complete(frontend.url, { prompt: 'another long story', max_tokens: 400 }, abort.signal).catch((e: Error) => e);
    const started = await wa.log.waitFor(/New Request ID: (\S+)/, { since: mark });
    abort.abort();
    expect(await pending).toBeInstanceOf(Error);
    await frontend.proc.log.waitFor(new RegExp(`issued control message Kill to sender request_id=${started[1]}`));
    await wa.log.waitFor(new RegExp(`Aborted Request ID: ${started[1]}`));
    // One per departed client, under the request's own labels.
    for (const request_type of ['stream', 'unary']) {
      expect(await metric(stack, 'servewright_frontend_cancellation_total', { endpoint: 'completions', request_type })).toBe(1);
    }
  });

  test('disaggregated: prefill worker then decode worker; a disconnect during decode kills on the decode worker', tags, async ({ launchStack }) => {
    const stack = await launchStack({
      workers: [worker('w-prefill', { role: 'prefill', speedup: 0 }), worker('w-decode', { role: 'decode', args: ['--itl-ms', '50'] })],
    });
    const { frontend } = stack;
    const [prefill, decode] = [stack.worker('w-prefill').proc, stack.worker('w-decode').proc];

    const { res, json } = await complete(frontend.url, { prompt: 'split me in two phases', max_tokens: 4, seed: 3 });
    expect(res.status).toBe(200);
    expect(json.nvext).toEqual({ worker_id: 'w-decode', prefill_worker_id: 'w-prefill' });
    expect(json.usage.completion_tokens).toBe(4);
    const id = String(json.id).replace(/^cmpl-/, '');
    await prefill.log.waitFor(new RegExp(`New Prefill Request ID: ${id}`));
    await decode.log.waitFor(new RegExp(`New Request ID: ${id}`));

    const departing = new AbortController();
    const stream = await postModel(frontend.url, { prompt: 'a long decode', max_tokens: 400, stream: true }, { signal: departing.signal });
    let seen = 0;
    const events = await readSse(stream, (data) => (JSON.parse(data) as { nvext: { worker_id: string } }).nvext.worker_id !== 'w-decode' || ++seen < 2);
    departing.abort();
    const streamId = (JSON.parse(events[0]!) as { id: string }).id.replace(/^cmpl-/, '');
    await frontend.proc.log.waitFor(new RegExp(`issued control message Kill to sender request_id=${streamId} worker_id=w-decode`));
    await decode.log.waitFor(new RegExp(`Aborted Request ID: ${streamId}`));
  });

  test('a client x-request-id names the request unless one with that id is in flight', tags, async ({ launchStack }) => {
    const stack = await launchStack({ workers: [worker('w-a', { args: ['--itl-ms', '20'] })] });
    const { frontend } = stack;
    const { proc: wa } = stack.worker('w-a');
    const both = await Promise.all([0, 1].map(() => complete(frontend.url, { prompt: 'same id', max_tokens: 20 }, undefined, { 'x-request-id': 'dup-1' })));
    expect(both.map((r) => r.res.status)).toEqual([200, 200]);
    const ids = both.map((r) => String(r.json.id).replace(/^cmpl-/, ''));
    expect(ids).toContain('dup-1');
    expect(new Set(ids).size).toBe(2);
    for (const id of ids) await wa.log.waitFor(new RegExp(`New Request ID: ${id}`));
  });

  test('a full frontend queue answers 503 with a clear body', tags, async ({ launchStack }) => {
    const stack = await launchStack({ frontend: { args: ['--max-queue', '1'] }, workers: [worker('w-a', { maxNumSeqs: 1, args: ['--itl-ms', '50'] })] });
    const { frontend } = stack;
    const abort = new AbortController();
    const busy = [0, 1].map(() => complete(frontend.url, { prompt: 'x', max_tokens: 200 }, abort.signal).catch(() => undefined));
    await expect.poll(async () => metric(stack, 'servewright_frontend_queue_depth')).toBe(1);
    const debug = (await (await fetch(`${frontend.url}/debug/scheduler`)).json()) as Record<string, any>;
    expect(debug).toMatchObject({ routerMode: 'round-robin', queueDepth: 1, scheduler: { policy: 'fcfs', queued: 1 } });
    expect(debug.workers).toEqual([expect.objectContaining({ id: 'w-a', inFlight: 1, capacity: 1 })]);
    const { res, json } = await complete(frontend.url, { prompt: 'y', max_tokens: 1 });
    expect(res.status).toBe(503);
    expect(json.error.message).toMatch(/queue is full/);
    abort.abort();
    await Promise.all(busy);
  });
});
