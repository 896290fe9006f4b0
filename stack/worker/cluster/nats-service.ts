// The worker's request plane: GenerateRequests arrive on <ns>.worker.<id>.generate and
// their GenerateChunks stream to the message's reply subject; kill messages on
// <ns>.worker.<id>.control abort a request. Every open stream hears from the worker at
// least every heartbeatMs, so the frontend can tell a slow stream from a dead worker.

import { connect, type Msg, type NatsConnection } from 'nats';
import type { GenerateChunk, KvEvent, WorkerRole } from '../../../protocol/messages.ts';
import { Counter, renderMetrics } from '../../../protocol/prometheus.ts';
import { controlSubject, generateSubject, kvEventsSubject } from '../../../protocol/subjects.ts';
import type { Engine } from '../engine/engine.ts';
import type { FinishReason } from '../engine/metrics.ts';
import { RequestRejected, type EngineFailure, type SequenceSink, type Usage } from '../engine/sequence.ts';
import type { VocabToken } from '../engine/vocabulary.ts';
import type { Logger } from '../log.ts';
import { GenerateRequestSchema } from './generate-request.ts';

const encoder = new TextEncoder();
/** Between reconnect attempts after NATS went away (nats.js waits 2 s by default). */
const RECONNECT_WAIT_MS = 250;
const decoder = new TextDecoder();

export interface NatsServiceOptions {
  url: string;
  namespace: string;
  workerId: string;
  model: string;
  role: WorkerRole;
  heartbeatMs: number;
  engine: Engine;
  log: Logger;
}

class NatsStreamSink implements SequenceSink {
  lastSentAt = performance.now();
  private emitted = 0;
  private cachedTokens = 0;

  constructor(
    private readonly service: NatsWorkerService,
    readonly requestId: string,
    private readonly promptTokens: number,
    private readonly reply: string,
  ) {}

  send(chunk: GenerateChunk): void {
    this.lastSentAt = performance.now();
    this.service.publish(this.reply, chunk);
  }

  started(info: { cachedTokens: number; queuedMs: number }): void {
    this.cachedTokens = info.cachedTokens;
    this.send({ type: 'started', requestId: this.requestId, workerId: this.service.workerId, ...info });
  }

  tokens(index: number, tokens: readonly VocabToken[]): void {
    this.emitted = index + tokens.length;
    let text = '';
    for (const t of tokens) text += t.text;
    this.send({ type: 'tokens', requestId: this.requestId, index, tokenIds: tokens.map((t) => t.id), text });
  }

  finished(finishReason: FinishReason, usage: Usage): void {
    this.service.forget(this);
    this.send({ type: 'done', requestId: this.requestId, finishReason, usage });
  }

  failed(f: EngineFailure): void {
    this.service.forget(this);
    this.send({ type: 'error', requestId: this.requestId, ...f });
  }

  aborted(): void {
    this.finished('abort', { promptTokens: this.promptTokens, completionTokens: this.emitted, cachedTokens: this.cachedTokens });
  }
}

/**
 * The Dynamo runtime's work-handler counter of cancellation signals, under the labels it
 * injects; a prefill worker serves the `prefill` component, every other one `backend`
 * (ai-dynamo/dynamo docs/fault-tolerance/request-cancellation.md@15cb78a,
 * tests/fault_tolerance/cancellation/utils.py@0dcf2d6). It exists at zero from the start.
 */
const CANCELLATIONS = 'dynamo_component_cancellation_total';

export class NatsWorkerService {
  readonly workerId: string;
  private readonly streams = new Map<string, NatsStreamSink>();
  private readonly heartbeat: NodeJS.Timeout;
  private readonly cancellations = new Counter(CANCELLATIONS, 'Total number of requests cancelled by work handler');
  private readonly runtimeLabels: Record<string, string>;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly o: NatsServiceOptions,
  ) {
    this.workerId = o.workerId;
    this.runtimeLabels = { dynamo_namespace: o.namespace, dynamo_component: o.role === 'prefill' ? 'prefill' : 'backend', dynamo_endpoint: 'generate' };
    this.cancellations.inc(this.runtimeLabels, 0);
    nc.subscribe(generateSubject(o.namespace, o.workerId), { callback: (err, msg) => !err && this.onGenerate(msg) });
    nc.subscribe(controlSubject(o.namespace, o.workerId), { callback: (err, msg) => !err && this.onControl(msg) });
    this.heartbeat = setInterval(() => this.beat(), Math.max(5, o.heartbeatMs / 2));
  }

  static async start(o: NatsServiceOptions): Promise<NatsWorkerService> {
    // A worker outlives a NATS restart: it reconnects (and resubscribes) for as long as it runs.
    const nc = await connect({ servers: o.url.split(','), name: o.workerId, maxReconnectAttempts: -1, reconnectTimeWait: RECONNECT_WAIT_MS });
    const service = new NatsWorkerService(nc, o);
    await nc.flush();
    return service;
  }

  publish(subject: string, message: GenerateChunk | KvEvent): void {
    this.nc.publish(subject, encoder.encode(JSON.stringify(message)));
  }

  publishKvEvent(event: KvEvent): void {
    this.publish(kvEventsSubject(this.o.namespace), event);
  }

  forget(sink: NatsStreamSink): void {
    this.streams.delete(sink.requestId);
  }

  renderMetrics(): string {
    return renderMetrics([this.cancellations]);
  }

  /** Waits until everything published so far reached the server. */
  flush(): Promise<void> {
    return this.nc.flush();
  }

  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    await this.nc.drain();
  }

  private onGenerate(msg: Msg): void {
    let body: unknown;
    try {
      body = JSON.parse(decoder.decode(msg.data));
    } catch {
      body = undefined;
    }
    const parsed = GenerateRequestSchema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const requestId = typeof (body as { requestId?: unknown })?.requestId === 'string' ? (body as { requestId: string }).requestId : '';
      if (msg.reply) {
        this.publish(msg.reply, {
          type: 'error',
          requestId,
          status: 400,
          message: `Invalid GenerateRequest: ${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'not JSON'}`,
          retryable: false,
        });
      }
      return;
    }
    const r = parsed.data;
    if (!msg.reply) {
      this.o.log.error(`GenerateRequest ${r.requestId} has no reply subject; ignored`);
      return;
    }
    const sink = new NatsStreamSink(this, r.requestId, r.promptTokens.length, msg.reply);
    try {
      if (r.model !== this.o.model) throw new RequestRejected(404, `The model \`${r.model}\` does not exist.`, 'NotFoundError');
      this.o.engine.submit({ ...r, id: r.requestId }, sink);
    } catch (e) {
      if (!(e instanceof RequestRejected)) throw e;
      sink.send({ type: 'error', requestId: r.requestId, status: e.status, message: e.message, retryable: e.status === 503 });
      return;
    }
    this.streams.set(r.requestId, sink);
  }

  private onControl(msg: Msg): void {
    let message: { type?: unknown; requestId?: unknown };
    try {
      message = JSON.parse(decoder.decode(msg.data)) as typeof message;
    } catch {
      this.o.log.error('control message is not JSON; ignored');
      return;
    }
    if (message.type !== 'kill' || typeof message.requestId !== 'string') {
      this.o.log.error(`unknown control message ${JSON.stringify(message)}; ignored`);
      return;
    }
    const sink = this.streams.get(message.requestId);
    // A request is counted once: its stream is forgotten as it ends, so a second signal finds none.
    if (sink !== undefined) this.cancellations.inc(this.runtimeLabels);
    if (this.o.engine.abort(message.requestId)) sink?.aborted();
  }

  private beat(): void {
    const due = performance.now() - this.o.heartbeatMs / 2;
    for (const sink of this.streams.values()) {
      if (sink.lastSentAt <= due) sink.send({ type: 'heartbeat', requestId: sink.requestId });
    }
  }
}
