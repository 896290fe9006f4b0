// Migration and cancellation bookkeeping of the frontend's generation path, in-process:
// real NATS from the services fixture, scripted fake workers on the worker subjects.

import { connect, JSONCodec, type NatsConnection } from 'nats';
import { test, expect } from 'servewright';
import type { ControlMessage, GenerateChunk, GenerateRequest, WorkerRegistration } from '../../protocol/messages.ts';
import { controlSubject, generateSubject } from '../../protocol/subjects.ts';
import { HttpError } from '../../protocol/http/http-error.ts';
import { WorkerRegistry } from '../../stack/frontend/discovery/worker-registry.ts';
import { Dispatcher } from '../../stack/frontend/dispatch/dispatcher.ts';
import { CancelledError, generate, type GenerationRequest } from '../../stack/frontend/generation/generate.ts';
import { ReplyMux } from '../../stack/frontend/generation/reply-mux.ts';
import { TurnPublisher } from '../../stack/frontend/generation/turn-publisher.ts';
import { FrontendMetrics } from '../../stack/frontend/metrics.ts';
import { createRouter } from '../../stack/frontend/routing/create-router.ts';
import { FcfsScheduler } from '../../stack/frontend/scheduler/fcfs.ts';

const tags = { tag: ['@e2e', '@reference-stack', '@fault-tolerance'] };
const requestCodec = JSONCodec<GenerateRequest>();
const chunkCodec = JSONCodec<GenerateChunk>();
const controlCodec = JSONCodec<ControlMessage>();

/** What a fake worker does with a request: answer it all, or misbehave at token `at`. */
type Script = { kind: 'ok' } | { kind: 'stall' | 'retryable-error'; at: number };

const tokenAt = (seed: number, i: number): number => (seed * 31 + i * 7) % 1000;

class FakeWorker {
  readonly received: GenerateRequest[] = [];
  readonly kills: string[] = [];
  /** Called when the worker goes silent, so a spec can act on a stream that is mid-way. */
  onStall: () => void = () => {};

  constructor(
    nc: NatsConnection,
    ns: string,
    readonly id: string,
    private script: Script,
  ) {
    nc.subscribe(controlSubject(ns, id), { callback: (_e, msg) => this.kills.push(controlCodec.decode(msg.data).requestId) });
    nc.subscribe(generateSubject(ns, id), {
      callback: (_e, msg) => {
        const req = requestCodec.decode(msg.data);
        this.received.push(req);
        const send = (chunk: GenerateChunk): void => {
          msg.respond(chunkCodec.encode(chunk));
        };
        send({ type: 'started', requestId: req.requestId, workerId: id, cachedTokens: 2, queuedMs: 0 });
        for (let i = req.generatedTokens.length; i < req.maxTokens; i++) {
          if (this.script.kind !== 'ok' && i === this.script.at) {
            if (this.script.kind === 'stall') return this.onStall();
            return send({ type: 'error', requestId: req.requestId, status: 503, message: 'draining', retryable: true });
          }
          const token = tokenAt(req.seed, i);
          send({ type: 'tokens', requestId: req.requestId, index: i, tokenIds: [token], text: ` t${token}` });
        }
        send({
          type: 'done',
          requestId: req.requestId,
          finishReason: 'length',
          usage: { promptTokens: req.promptTokens.length, completionTokens: req.maxTokens, cachedTokens: 2 },
        });
      },
    });
  }
}

function registration(id: string): WorkerRegistration {
  return { id, model: 'm', role: 'agg', httpUrl: '', maxNumSeqs: 4, maxWaiting: 8, blockSize: 4, pid: 0, startedAt: 0 };
}

function request(requestId: string, maxTokens = 8): GenerationRequest {
  return {
    requestId,
    model: 'm',
    promptTokens: [1, 2, 3, 4, 5],
    maxTokens,
    seed: 42,
    queued: { requestId, arrivalMs: Date.now(), promptTokens: 5, maxTokens, workload: { workloadId: 'default', criticality: 3 } },
    routing: { requestId, promptTokens: [1, 2, 3, 4, 5], blockHashes: [] },
  };
}

const expectedText = (n: number): string => Array.from({ length: n }, (_, i) => ` t${tokenAt(42, i)}`).join('');

test.describe('frontend migration and cancellation (fake workers)', () => {
  let nc: NatsConnection;
  test.beforeEach(async ({ services }) => {
    nc = await connect({ servers: services.nats.url });
  });
  test.afterEach(async () => {
    await nc.drain();
  });

  function frontendFor(ns: string, workers: Array<[string, Script]>, opts: { migrationLimit: number; streamTimeoutMs?: number }) {
    const registry = new WorkerRegistry(1);
    const scheduler = new FcfsScheduler();
    const dispatcher = new Dispatcher(registry, scheduler, createRouter('round-robin', () => {}), 100, () => {});
    const metrics = new FrontendMetrics('servewright', { inflight: () => dispatcher.inFlight, queueDepth: () => dispatcher.queueDepth, workers: () => 0 });
    const lines: string[] = [];
    const fakes = workers.map(([id, script]) => new FakeWorker(nc, ns, id, script));
    for (const [id] of workers) registry.upsert(registration(id));
    const deps = {
      nats: nc,
      publisher: new TurnPublisher(nc),
      replies: new ReplyMux(nc),
      namespace: ns,
      registry,
      streamTimeoutMs: opts.streamTimeoutMs ?? 500,
      log: (l: string) => lines.push(l),
      dispatcher,
      scheduler,
      metrics,
      migrationLimit: opts.migrationLimit,
    };
    const run = async (req: GenerationRequest, signal = new AbortController().signal) => {
      let text = '';
      const result = await generate(deps, req, { tokens: (e) => (text += e.text) }, signal);
      return { text, result };
    };
    return { run, fakes, lines, metrics, registry, dispatcher, scheduler };
  }

  test('a stream that goes silent mid-way continues on another worker with no gap or repeat', tags, async ({ namespace }) => {
    const fe = frontendFor(namespace, [['a', { kind: 'stall', at: 3 }], ['b', { kind: 'ok' }]], { migrationLimit: 2 });
    await nc.flush();
    const { text, result } = await fe.run(request('req-1'));
    expect(text).toBe(expectedText(8));
    expect(result).toMatchObject({ workerId: 'b', migrations: 1, usage: { promptTokens: 5, completionTokens: 8, cachedTokens: 2 } });
    expect(fe.fakes[1]!.received[0]!.generatedTokens).toEqual([0, 1, 2].map((i) => tokenAt(42, i)));
    expect(fe.lines.join('\n')).toMatch(/Stream disconnected\.\.\. recreating stream\.\.\. request_id=req-1 worker_id=a/);
    expect(fe.metrics.render()).toContain('servewright_frontend_migration_total{migration_type="ongoing_request"} 1');
  });

  test('a retryable error before the first token migrates as a new request', tags, async ({ namespace }) => {
    const fe = frontendFor(namespace, [['a', { kind: 'retryable-error', at: 0 }], ['b', { kind: 'ok' }]], { migrationLimit: 1 });
    await nc.flush();
    const { text } = await fe.run(request('req-2'));
    expect(text).toBe(expectedText(8));
    expect(fe.metrics.render()).toContain('servewright_frontend_migration_total{migration_type="new_request"} 1');
  });

  test('with --migration-limit 0 a broken stream is a 502 error and no other worker is asked', tags, async ({ namespace }) => {
    const fe = frontendFor(namespace, [['a', { kind: 'retryable-error', at: 2 }], ['b', { kind: 'ok' }]], { migrationLimit: 0 });
    await nc.flush();
    const err = await fe.run(request('req-3')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect(err).toMatchObject({ status: 502, message: /migration limit \(0\) is reached/ });
    expect(fe.fakes[1]!.received).toHaveLength(0);
  });

  test('when every worker has broken the request it fails with 503 instead of hanging', tags, async ({ namespace }) => {
    const fe = frontendFor(namespace, [['a', { kind: 'retryable-error', at: 1 }], ['b', { kind: 'retryable-error', at: 4 }]], { migrationLimit: 5 });
    await nc.flush();
    await expect(fe.run(request('req-4'))).rejects.toMatchObject({ status: 503, message: /migration failed: no worker left/ });
  });

  test('a worker deregistered from etcd breaks its streams at once', tags, async ({ namespace }) => {
    const fe = frontendFor(namespace, [['a', { kind: 'stall', at: 2 }], ['b', { kind: 'ok' }]], { migrationLimit: 1, streamTimeoutMs: 600_000 });
    fe.fakes[0]!.onStall = () => fe.registry.remove('a');
    await nc.flush();
    const { text } = await fe.run(request('req-5'));
    expect(text).toBe(expectedText(8));
    expect(fe.lines.join('\n')).toContain('cause="worker deregistered"');
  });

  test('a client that goes away mid-stream kills the request on its worker', tags, async ({ namespace }) => {
    const fe = frontendFor(namespace, [['a', { kind: 'stall', at: 2 }]], { migrationLimit: 3, streamTimeoutMs: 600_000 });
    const abort = new AbortController();
    fe.fakes[0]!.onStall = () => abort.abort();
    await nc.flush();
    await expect(fe.run(request('req-6'), abort.signal)).rejects.toBeInstanceOf(CancelledError);
    await nc.flush();
    await expect.poll(() => fe.fakes[0]!.kills).toEqual(['req-6']);
    expect(fe.lines.join('\n')).toContain('issued control message Kill to sender request_id=req-6 worker_id=a');
    expect(fe.registry.get('a')!.inFlight).toBe(0);
  });

  test('a client that goes away while queued leaves the queue without reaching a worker', tags, async ({ namespace }) => {
    const fe = frontendFor(namespace, [['a', { kind: 'stall', at: 0 }]], { migrationLimit: 0, streamTimeoutMs: 600_000 });
    fe.registry.upsert({ ...registration('a'), maxNumSeqs: 1 });
    const busy = new AbortController();
    const first = fe.run(request('busy'), busy.signal).catch(() => undefined);
    await expect.poll(() => fe.fakes[0]!.received.length).toBe(1);
    const queued = new AbortController();
    const second = fe.run(request('queued'), queued.signal);
    expect(fe.scheduler.size).toBe(1);
    queued.abort();
    await expect(second).rejects.toBeInstanceOf(CancelledError);
    expect(fe.scheduler.size).toBe(0);
    busy.abort();
    await first;
    expect(fe.fakes[0]!.received.map((r) => r.requestId)).toEqual(['busy']);
    expect(fe.lines.join('\n')).toContain('request cancelled while queued request_id=queued');
  });
});
