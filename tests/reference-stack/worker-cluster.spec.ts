// The mock worker in cluster mode, driven by hand the way the frontend drives it:
// etcd registration, GenerateRequests over NATS with their chunk streams, heartbeats,
// kill control, KV events, prefill/decode roles, crash injection and SIGTERM draining.

import { Etcd3 } from 'etcd3';
import { connect, createInbox, type NatsConnection } from 'nats';
import { test, expect, type Services } from 'servewright';
import type { GenerateChunk, GenerateRequest, KvEvent, WorkerRegistration } from '../../protocol/messages.ts';
import { controlSubject, generateSubject, kvEventsSubject, workerKey } from '../../protocol/subjects.ts';
import { tokenize } from '../../protocol/tokenizer.ts';
import { MODEL, startWorker } from './worker-support.ts';

const tags = { tag: ['@e2e', '@reference-stack', '@fault-tolerance'] };

const clusterArgs = (services: Services, namespace: string, extra: string[] = []) => [
  '--nats', services.nats.url, '--etcd', services.etcd.endpoints.join(','), '--namespace', namespace, '--heartbeat-ms', '50', '--lease-ttl-s', '2', ...extra,
];

function request(id: string, overrides: Partial<GenerateRequest> = {}): GenerateRequest {
  return { requestId: id, model: MODEL, promptTokens: tokenize('Who are you?'), generatedTokens: [], maxTokens: 20, seed: 1, ...overrides };
}

/** Sends a GenerateRequest and collects its chunk stream until done or error. */
class ChunkStream {
  readonly chunks: GenerateChunk[] = [];
  readonly ended: Promise<GenerateChunk>;

  constructor(nc: NatsConnection, subject: string, req: GenerateRequest, onChunk: (c: GenerateChunk) => void = () => {}) {
    const inbox = createInbox();
    this.ended = new Promise((resolve) => {
      const sub = nc.subscribe(inbox, {
        callback: (_err, msg) => {
          const chunk = msg.json<GenerateChunk>();
          this.chunks.push(chunk);
          onChunk(chunk);
          if (chunk.type === 'done' || chunk.type === 'error') {
            sub.unsubscribe();
            resolve(chunk);
          }
        },
      });
    });
    nc.publish(subject, JSON.stringify(req), { reply: inbox });
  }

  tokenIds(): number[] {
    return this.chunks.flatMap((c) => (c.type === 'tokens' ? c.tokenIds : []));
  }

  types(): string[] {
    return [...new Set(this.chunks.map((c) => c.type))];
  }
}

test.describe('worker in cluster mode', () => {
  let nc: NatsConnection;
  let etcd: Etcd3;
  test.beforeEach(async ({ services }) => {
    nc = await connect({ servers: services.nats.url });
    etcd = new Etcd3({ hosts: services.etcd.endpoints });
  });
  test.afterEach(async () => {
    await nc.drain();
    etcd.close();
  });

  test('registers in etcd, streams started/tokens/done over NATS, publishes KV events, deregisters on SIGTERM', tags, async ({ procs, services, namespace }) => {
    const kvEvents: KvEvent[] = [];
    nc.subscribe(kvEventsSubject(namespace), { callback: (_e, msg) => kvEvents.push(msg.json<KvEvent>()) });
    const { url, proc } = await startWorker(procs, 'w-nats', clusterArgs(services, namespace, ['--speedup', '0', '--block-size', '2']));

    const registration = JSON.parse((await etcd.get(workerKey(namespace, 'w-nats')).string()) ?? 'null') as WorkerRegistration;
    expect(registration).toMatchObject({ id: 'w-nats', model: MODEL, role: 'agg', httpUrl: url, maxNumSeqs: 256, blockSize: 2, pid: proc.pid });

    const stream = new ChunkStream(nc, generateSubject(namespace, 'w-nats'), request('req-1'));
    const done = await stream.ended;
    expect(done).toEqual({ type: 'done', requestId: 'req-1', finishReason: 'length', usage: { promptTokens: 4, completionTokens: 20, cachedTokens: 0 } });
    expect(stream.chunks[0]).toMatchObject({ type: 'started', requestId: 'req-1', workerId: 'w-nats', cachedTokens: 0 });
    expect(stream.tokenIds()).toHaveLength(20);
    const indexes = stream.chunks.flatMap((c) => (c.type === 'tokens' ? [c.index] : []));
    expect(indexes[0]).toBe(0);

    // A migrated request continues exactly where the first stream stopped.
    const resumed = new ChunkStream(nc, generateSubject(namespace, 'w-nats'), request('req-2', { generatedTokens: stream.tokenIds().slice(0, 8) }));
    await resumed.ended;
    expect(resumed.tokenIds()).toEqual(stream.tokenIds().slice(8));
    // Log lines travel through a pipe: the second may land after the stream ended.
    await expect.poll(() => proc.log.matchesSince(0, /New Request ID: req-[12]$/).length).toBe(2);

    await expect.poll(() => kvEvents.flatMap((e) => e.stored).length).toBeGreaterThanOrEqual(2);
    expect(kvEvents[0]?.workerId).toBe('w-nats');

    const invalid = new ChunkStream(nc, generateSubject(namespace, 'w-nats'), { ...request('bad'), maxTokens: -1 });
    expect(await invalid.ended).toMatchObject({ type: 'error', requestId: 'bad', status: 400, retryable: false });

    await proc.kill({ signal: 'SIGTERM' });
    expect(await proc.exited).toEqual({ code: 0, signal: null });
    expect(await etcd.get(workerKey(namespace, 'w-nats')).string()).toBeNull();
  });

  test('SIGTERM sends a retryable error to every in-flight stream; heartbeats keep a waiting stream alive', tags, async ({ procs, services, namespace }) => {
    const { proc } = await startWorker(procs, 'w-drain', clusterArgs(services, namespace, ['--max-num-seqs', '1', '--itl-ms', '20', '--jitter', '0']));
    const subject = generateSubject(namespace, 'w-drain');
    const active = new ChunkStream(nc, subject, request('active', { maxTokens: 5000 }));
    const waiting = new ChunkStream(nc, subject, request('waiting', { maxTokens: 5 }));
    await expect.poll(() => waiting.chunks.filter((c) => c.type === 'heartbeat').length).toBeGreaterThanOrEqual(3);
    expect(waiting.types()).toEqual(['heartbeat']);
    expect(active.types()).toContain('tokens');

    await proc.kill({ signal: 'SIGTERM' });
    for (const s of [active, waiting]) {
      expect(await s.ended).toMatchObject({ type: 'error', status: 503, retryable: true });
    }
    expect((await proc.exited).code).toBe(0);
    expect(await etcd.get(workerKey(namespace, 'w-drain')).string()).toBeNull();
  });

  test('a kill control message aborts the request and logs the exact vLLM line', tags, async ({ procs, services, namespace }) => {
    const { proc } = await startWorker(procs, 'w-kill', clusterArgs(services, namespace, ['--itl-ms', '20']));
    let sawTokens!: () => void;
    const tokensSeen = new Promise<void>((r) => (sawTokens = r));
    const stream = new ChunkStream(nc, generateSubject(namespace, 'w-kill'), request('doomed', { maxTokens: 5000 }), (c) => c.type === 'tokens' && sawTokens());
    await tokensSeen;
    nc.publish(controlSubject(namespace, 'w-kill'), JSON.stringify({ type: 'kill', requestId: 'doomed' }));
    expect(await stream.ended).toMatchObject({ type: 'done', finishReason: 'abort' });
    await proc.log.waitFor(/Aborted Request ID: doomed$/);
  });

  test('prefill and decode roles: prefill-only requests stop after one token, prefilled ones skip the prefill', tags, async ({ procs, services, namespace }) => {
    const slowPrefill = ['--prefill-ms-per-token', '100000', '--jitter', '0'];
    const prefill = await startWorker(procs, 'w-prefill', clusterArgs(services, namespace, ['--role', 'prefill', '--prefill-ms-per-token', '1']));
    const decode = await startWorker(procs, 'w-decode', clusterArgs(services, namespace, ['--role', 'decode', '--speedup', '10', ...slowPrefill]));

    const p = new ChunkStream(nc, generateSubject(namespace, 'w-prefill'), request('disagg-1', { prefillOnly: true }));
    expect(await p.ended).toMatchObject({ type: 'done', usage: { completionTokens: 1 } });
    expect(p.tokenIds()).toHaveLength(1);
    await prefill.proc.log.waitFor(/New Prefill Request ID: disagg-1$/);

    // Without `prefilled` this 4-token prompt would take 40 s of prefill on the decode worker.
    const d = new ChunkStream(nc, generateSubject(namespace, 'w-decode'), request('disagg-1', { prefilled: true, generatedTokens: p.tokenIds() }));
    expect(await d.ended).toMatchObject({ type: 'done', finishReason: 'length' });
    expect([...p.tokenIds(), ...d.tokenIds()]).toHaveLength(20);
    await decode.proc.log.waitFor(/New Request ID: disagg-1$/);

    const killed = new ChunkStream(nc, generateSubject(namespace, 'w-prefill'), request('disagg-2', { prefillOnly: true, promptTokens: tokenize('x '.repeat(2000)) }));
    await prefill.proc.log.waitFor(/New Prefill Request ID: disagg-2$/);
    nc.publish(controlSubject(namespace, 'w-prefill'), JSON.stringify({ type: 'kill', requestId: 'disagg-2' }));
    expect(await killed.ended).toMatchObject({ type: 'done', finishReason: 'abort' });
    await prefill.proc.log.waitFor(/Aborted Prefill Request ID: disagg-2$/);
  });

  test('an etcd outage longer than the lease: the worker retries until etcd is back and registers again', tags, async ({ procs, services, namespace }) => {
    const { proc } = await startWorker(procs, 'w-etcd', clusterArgs(services, namespace, ['--speedup', '0']));
    const mark = proc.log.mark();
    await services.etcd.stop();
    // The client gives a lease up after twice its TTL without a keepalive; etcd is still down then.
    await proc.log.waitFor(/etcd re-registration attempt 1 failed/, { since: mark, timeoutMs: 10_000 });
    await services.etcd.restart();
    await proc.log.waitFor(/registered \/\S+\/workers\/w-etcd again \(attempt \d+\)/, { since: mark, timeoutMs: 15_000 });
    const registration = JSON.parse((await etcd.get(workerKey(namespace, 'w-etcd')).string()) ?? 'null') as WorkerRegistration;
    expect(registration).toMatchObject({ id: 'w-etcd', pid: proc.pid });
    // Under its new lease, kept alive: the key outlives the old lease's TTL.
    const lease = await etcd.get(workerKey(namespace, 'w-etcd')).exec();
    const leaseId = lease.kvs[0]!.lease;
    await expect.poll(async () => (await etcd.get(workerKey(namespace, 'w-etcd')).exec()).kvs[0]?.lease, { timeout: 5_000, intervals: [3_000] }).toBe(leaseId);
    expect(proc.isAlive()).toBe(true);
  });

  test('--crash-after-tokens kills the process after exactly N streamed tokens, leaving the lease to expire', tags, async ({ procs, services, namespace }) => {
    const { proc } = await startWorker(procs, 'w-crash', clusterArgs(services, namespace, ['--speedup', '0', '--crash-after-tokens', '30']));
    const stream = new ChunkStream(nc, generateSubject(namespace, 'w-crash'), request('crash', { maxTokens: 100 }));
    expect(await proc.exited).toEqual({ code: null, signal: 'SIGKILL' });
    await expect.poll(() => stream.tokenIds().length).toBe(30);
    expect(stream.types()).not.toContain('done');
    await expect.poll(async () => etcd.get(workerKey(namespace, 'w-crash')).string(), { timeout: 15_000 }).toBeNull();
  });
});
