// The frontend as a process in front of real mock workers over NATS and etcd: discovery,
// routing, the OpenAI wire format, worker death, migration and cancellation. The stack
// runs from the esbuild bundles that global setup keeps fresh, as the stack fixture does.

import { spawnSync } from 'node:child_process';
import { test, expect, type ManagedProcess, type Procs } from '../../fixtures/index.ts';
import type { Services } from '../../fixtures/index.ts';
import { stackBundlePath } from '../../fixtures/state-dir.ts';

const tags = { tag: ['@e2e', '@reference-stack', '@fault-tolerance'] };
const MODEL = 'mock-model';

interface Cluster {
  procs: Procs;
  services: Services;
  namespace: string;
}

const clusterFlags = (c: Cluster) => ['--nats', c.services.nats.url, '--etcd', c.services.etcd.endpoints.join(','), '--namespace', c.namespace];

async function startFrontend(c: Cluster, args: string[] = []): Promise<{ url: string; proc: ManagedProcess }> {
  const proc = await c.procs.start({
    name: 'frontend',
    command: process.execPath,
    args: [stackBundlePath('frontend'), '--http-port', '0', ...clusterFlags(c), ...args],
    ready: { log: /listening on http/, timeoutMs: 60_000 },
  });
  const url = (await proc.log.waitFor(/listening on (http:\/\/\S+)/))[1]!;
  return { url, proc };
}

function startWorker(c: Cluster, id: string, args: string[] = []): Promise<ManagedProcess> {
  return c.procs.start({
    name: id,
    command: process.execPath,
    args: [stackBundlePath('worker'), '--worker-id', id, '--lease-ttl-s', '1', '--heartbeat-ms', '100', ...clusterFlags(c), ...args],
    ready: { log: /listening on http/, timeoutMs: 60_000 },
  });
}

async function waitForWorkers(frontendUrl: string, n: number): Promise<void> {
  await expect
    .poll(async () => ((await (await fetch(`${frontendUrl}/health`)).json()) as { workers: number }).workers, { timeout: 30_000 })
    .toBe(n);
}

interface PostOptions {
  path?: string;
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

function post(url: string, body: Record<string, unknown>, opts: PostOptions = {}): Promise<Response> {
  return fetch(`${url}${opts.path ?? '/v1/completions'}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...opts.headers },
    body: JSON.stringify({ model: MODEL, ...body }),
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
}

async function complete(url: string, body: Record<string, unknown>, signal?: AbortSignal, headers?: Record<string, string>) {
  const res = await post(url, body, { ...(signal ? { signal } : {}), ...(headers ? { headers } : {}) });
  return { res, json: (await res.json()) as Record<string, any> };
}

/** Reads an SSE response event by event; `onEvent` may stop early by returning false. */
async function readSse(res: Response, onEvent: (data: string) => boolean | void = () => {}): Promise<string[]> {
  const events: string[] = [];
  const decoder = new TextDecoder();
  let buffered = '';
  const reader = res.body!.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return events;
    buffered += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffered.indexOf('\n\n')) !== -1) {
      const data = buffered.slice(0, end).replace(/^data: /, '');
      buffered = buffered.slice(end + 2);
      events.push(data);
      if (onEvent(data) === false) {
        await reader.cancel();
        return events;
      }
    }
  }
}

const streamedText = (events: string[]) =>
  events
    .filter((e) => e !== '[DONE]')
    .map((e) => JSON.parse(e) as { choices: Array<{ text?: string }> })
    .map((e) => e.choices[0]?.text ?? '')
    .join('');

async function metric(url: string, series: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

test.describe('frontend process', () => {
  // Each test starts up to four processes; a shared, loaded machine can make that slow.
  test.describe.configure({ timeout: 120_000 });

  test('a bad flag is a clear error and exit status 2', tags, () => {
    const run = spawnSync(process.execPath, [stackBundlePath('frontend'), '--router-mode', 'nearest'], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--router-mode: one of round-robin');
  });

  test('discovers workers, round-robins between them, names the worker and drops a dead one', tags, async ({ procs, services, namespace }) => {
    const c = { procs, services, namespace };
    const frontend = await startFrontend(c, ['--router-mode', 'round-robin']);
    expect(await (await fetch(`${frontend.url}/v1/models`)).json()).toEqual({ object: 'list', data: [] });
    const workers = [await startWorker(c, 'w-a', ['--speedup', '0']), await startWorker(c, 'w-b', ['--speedup', '0'])];
    await waitForWorkers(frontend.url, 2);
    const models = (await (await fetch(`${frontend.url}/v1/models`)).json()) as { data: Array<{ id: string }> };
    expect(models.data.map((m) => m.id)).toEqual([MODEL]);

    const served: string[] = [];
    for (let i = 0; i < 4; i++) {
      const { res, json } = await complete(frontend.url, { prompt: `hello ${i}`, max_tokens: 3 });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-servewright-worker-id')).toBe(json.nvext.worker_id);
      expect(Number(res.headers.get('x-servewright-queue-ms'))).toBeGreaterThanOrEqual(0);
      expect(json).toMatchObject({ object: 'text_completion', model: MODEL, usage: { completion_tokens: 3 } });
      const requestId = String(json.id).replace(/^cmpl-/, '');
      await procs.get(json.nvext.worker_id).log.waitFor(new RegExp(`New Request ID: ${requestId}`));
      served.push(json.nvext.worker_id);
    }
    expect(served[0]).not.toBe(served[1]);
    expect(served).toEqual([served[0], served[1], served[0], served[1]]);
    expect(await metric(frontend.url, 'servewright_frontend_worker_requests_total{worker_id="w-a"}')).toBe(2);

    await workers[0]!.kill({ signal: 'SIGKILL' });
    await waitForWorkers(frontend.url, 1);
    for (let i = 0; i < 3; i++) {
      const { json } = await complete(frontend.url, { prompt: `after ${i}`, max_tokens: 2 });
      expect(json.nvext.worker_id).toBe('w-b');
    }
  });

  test('streams in the OpenAI SSE format with usage and cached tokens', tags, async ({ procs, services, namespace }) => {
    const c = { procs, services, namespace };
    const frontend = await startFrontend(c);
    await startWorker(c, 'w-a', ['--speedup', '0', '--block-size', '2']);
    await waitForWorkers(frontend.url, 1);
    const prompt = 'one two three four five six seven eight';
    const body = { model: MODEL, prompt, max_tokens: 5, seed: 7, stream: true, stream_options: { include_usage: true } };
    const postBody = () => post(frontend.url, body);
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

    const chat = await post(frontend.url, { messages: [{ role: 'user', content: 'hi' }], max_tokens: 3, stream: true }, { path: '/v1/chat/completions' });
    const chunks = (await readSse(chat)).slice(0, -1).map((e) => JSON.parse(e) as Record<string, any>);
    expect(chunks[0]!.choices[0].delta).toEqual({ role: 'assistant', content: '' });
    expect(chunks.every((e) => e.object === 'chat.completion.chunk')).toBe(true);
    expect(chunks.at(-1)!.choices[0]).toMatchObject({ delta: {}, finish_reason: 'length' });
  });

  test('migrates a stream off a SIGKILLed worker with the same text as an unbroken run', tags, async ({ procs, services, namespace }) => {
    const c = { procs, services, namespace };
    const frontend = await startFrontend(c, ['--migration-limit', '3', '--stream-timeout-ms', '1000']);
    await startWorker(c, 'w-a', ['--itl-ms', '20']);
    await startWorker(c, 'w-b', ['--itl-ms', '20']);
    await waitForWorkers(frontend.url, 2);
    const body = { model: MODEL, prompt: 'Tell me a long long long story about yourself?', max_tokens: 60, seed: 11, stream: true };
    const postBody = () => post(frontend.url, body);
    const unbroken = streamedText(await readSse(await postBody()));

    const res = await postBody();
    const victim = res.headers.get('x-servewright-worker-id')!;
    let killed: Promise<void> | undefined;
    const events = await readSse(res, () => {
      killed ??= procs.get(victim).kill({ signal: 'SIGKILL' });
    });
    await killed;
    expect(streamedText(events)).toBe(unbroken);
    await frontend.proc.log.waitFor(/Stream disconnected\.\.\. recreating stream\.\.\./);
    expect(await metric(frontend.url, 'servewright_frontend_migration_total{migration_type="ongoing_request"}')).toBe(1);
  });

  test('without migration a broken stream ends with an SSE error event, and a non-stream request with a 5xx', tags, async ({ procs, services, namespace }) => {
    const c = { procs, services, namespace };
    const frontend = await startFrontend(c, ['--migration-limit', '0', '--stream-timeout-ms', '1000']);
    const worker = await startWorker(c, 'w-a', ['--itl-ms', '20']);
    const other = await startWorker(c, 'w-b', ['--itl-ms', '20']);
    await waitForWorkers(frontend.url, 2);
    const res = await post(frontend.url, { prompt: 'doomed', max_tokens: 200, stream: true });
    expect(res.headers.get('x-servewright-worker-id')).toBe('w-a');
    let killed: Promise<void> | undefined;
    const events = await readSse(res, () => {
      killed ??= worker.kill({ signal: 'SIGKILL' });
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
    expect(await metric(frontend.url, 'servewright_frontend_requests_total{model="mock-model",status="error"}')).toBe(2);
  });

  test('a client that disconnects gets its request killed on the worker', tags, async ({ procs, services, namespace }) => {
    const c = { procs, services, namespace };
    const frontend = await startFrontend(c);
    const worker = await startWorker(c, 'w-a', ['--itl-ms', '50']);
    await waitForWorkers(frontend.url, 1);

    const streaming = await post(frontend.url, { prompt: 'a long story', max_tokens: 400, stream: true });
    const streamId = (JSON.parse((await readSse(streaming, () => false))[0]!) as { id: string }).id.replace(/^cmpl-/, '');
    await frontend.proc.log.waitFor(new RegExp(`issued control message Kill to sender request_id=${streamId}`));
    await worker.log.waitFor(new RegExp(`Aborted Request ID: ${streamId}`));

    const mark = worker.log.mark();
    const abort = new AbortController();
    const pending = complete(frontend.url, { prompt: 'another long story', max_tokens: 400 }, abort.signal).catch((e: Error) => e);
    const started = await worker.log.waitFor(/New Request ID: (\S+)/, { since: mark });
    abort.abort();
    expect(await pending).toBeInstanceOf(Error);
    await frontend.proc.log.waitFor(new RegExp(`issued control message Kill to sender request_id=${started[1]}`));
    await worker.log.waitFor(new RegExp(`Aborted Request ID: ${started[1]}`));
    expect(await metric(frontend.url, 'servewright_frontend_cancellation_total')).toBe(2);
  });

  test('disaggregated: prefill worker then decode worker; a disconnect during decode kills on the decode worker', tags, async ({ procs, services, namespace }) => {
    const c = { procs, services, namespace };
    const frontend = await startFrontend(c);
    const prefill = await startWorker(c, 'w-prefill', ['--role', 'prefill', '--speedup', '0']);
    const decode = await startWorker(c, 'w-decode', ['--role', 'decode', '--itl-ms', '50']);
    await waitForWorkers(frontend.url, 2);

    const { res, json } = await complete(frontend.url, { prompt: 'split me in two phases', max_tokens: 4, seed: 3 });
    expect(res.status).toBe(200);
    expect(json.nvext).toEqual({ worker_id: 'w-decode', prefill_worker_id: 'w-prefill' });
    expect(json.usage.completion_tokens).toBe(4);
    const id = String(json.id).replace(/^cmpl-/, '');
    await prefill.log.waitFor(new RegExp(`New Prefill Request ID: ${id}`));
    await decode.log.waitFor(new RegExp(`New Request ID: ${id}`));

    const stream = await post(frontend.url, { prompt: 'a long decode', max_tokens: 400, stream: true });
    let seen = 0;
    const events = await readSse(stream, (data) => (JSON.parse(data) as { nvext: { worker_id: string } }).nvext.worker_id !== 'w-decode' || ++seen < 2);
    const streamId = (JSON.parse(events[0]!) as { id: string }).id.replace(/^cmpl-/, '');
    await frontend.proc.log.waitFor(new RegExp(`issued control message Kill to sender request_id=${streamId} worker_id=w-decode`));
    await decode.log.waitFor(new RegExp(`Aborted Request ID: ${streamId}`));
  });

  test('a client x-request-id names the request unless one with that id is in flight', tags, async ({ procs, services, namespace }) => {
    const c = { procs, services, namespace };
    const frontend = await startFrontend(c);
    const worker = await startWorker(c, 'w-a', ['--itl-ms', '20']);
    await waitForWorkers(frontend.url, 1);
    const both = await Promise.all([0, 1].map(() => complete(frontend.url, { prompt: 'same id', max_tokens: 20 }, undefined, { 'x-request-id': 'dup-1' })));
    expect(both.map((r) => r.res.status)).toEqual([200, 200]);
    const ids = both.map((r) => String(r.json.id).replace(/^cmpl-/, ''));
    expect(ids).toContain('dup-1');
    expect(new Set(ids).size).toBe(2);
    for (const id of ids) await worker.log.waitFor(new RegExp(`New Request ID: ${id}`));
  });

  test('a full frontend queue answers 503 with a clear body', tags, async ({ procs, services, namespace }) => {
    const c = { procs, services, namespace };
    const frontend = await startFrontend(c, ['--max-queue', '1']);
    await startWorker(c, 'w-a', ['--itl-ms', '50', '--max-num-seqs', '1']);
    await waitForWorkers(frontend.url, 1);
    const abort = new AbortController();
    const busy = [0, 1].map(() => complete(frontend.url, { prompt: 'x', max_tokens: 200 }, abort.signal).catch(() => undefined));
    await expect.poll(async () => metric(frontend.url, 'servewright_frontend_queue_depth')).toBe(1);
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
