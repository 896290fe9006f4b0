// The mock vLLM engine: continuous batching of up to maxNumSeqs running sequences
// fed from a bounded FIFO waiting queue, paged KV cache with prefix caching, and one
// timer (or one setImmediate when speedup is 0) that advances the whole batch per step.

import { blockHashes } from '../../../protocol/kv-blocks.ts';
import type { WorkerRole } from '../../../protocol/messages.ts';
import { Rng } from './hash.ts';
import { KvCache, type KvAllocation, type KvCacheListener } from './kv-cache.ts';
import { EngineMetrics, type FinishReason } from './metrics.ts';
import { RequestRejected, type EngineFailure, type SequenceRequest, type SequenceSink } from './sequence.ts';
import { TextGenerator } from './text-generator.ts';
import type { TimingModel } from './timing-model.ts';

/** Tokens one sequence may emit in one step when there are no delays or the step is late. */
const MAX_TOKENS_PER_STEP = 4096;

export interface EngineLog {
  info(line: string): void;
}

export interface EngineOptions {
  model: string;
  role: WorkerRole;
  maxNumSeqs: number;
  maxWaiting: number;
  blockSize: number;
  numGpuBlocks: number;
  maxModelLen: number;
  timing: TimingModel;
  failRate: number;
  seed: number;
  /** Crash injection: after this many streamed tokens, stop and call onCrash. */
  crashAfterTokens?: number;
  onCrash?: () => void;
  log: EngineLog;
  kvListener?: KvCacheListener;
}

interface Sequence {
  readonly request: SequenceRequest;
  readonly sink: SequenceSink;
  readonly generator: TextGenerator;
  readonly arrivedAt: number;
  readonly contextTokens: number;
  readonly hashes: string[];
  readonly end: number;
  position: number;
  allocation?: KvAllocation;
  cachedTokens: number;
  dueAt: number;
  firstTokenAt?: number;
  lastTokenAt: number;
}

export class Engine {
  readonly metrics = new EngineMetrics();
  readonly kv: KvCache;
  private readonly waiting: Sequence[] = [];
  private readonly running = new Map<string, Sequence>();
  private readonly byId = new Map<string, Sequence>();
  private readonly failures: Rng;
  private timer: NodeJS.Timeout | undefined;
  private timerDue = Infinity;
  private immediate: NodeJS.Immediate | undefined;
  private tokensEmitted = 0;
  private halted = false;

  constructor(private readonly options: EngineOptions) {
    this.kv = new KvCache(options.numGpuBlocks, options.blockSize, options.kvListener);
    this.failures = new Rng(options.seed ^ 0x5eed);
  }

  get runningCount(): number {
    return this.running.size;
  }

  get waitingCount(): number {
    return this.waiting.length;
  }

  renderMetrics(): string {
    return this.metrics.render(this.options.model, {
      running: this.running.size,
      waiting: this.waiting.length,
      kvUsage: this.kv.usage,
    });
  }

  /** Queues a request; throws RequestRejected when it cannot be accepted. */
  submit(request: SequenceRequest, sink: SequenceSink): void {
    const o = this.options;
    if (this.halted) throw new RequestRejected(503, 'The engine is shutting down.', 'ServiceUnavailableError');
    if (request.forceError !== undefined) {
      throw new RequestRejected(request.forceError, `Forced error ${request.forceError} (failure injection header).`, 'InjectedError');
    }
    const generated = request.generatedTokens ?? [];
    const contextTokens = request.promptTokens.length + generated.length;
    const requested = request.promptTokens.length + request.maxTokens;
    if (requested > o.maxModelLen) {
      throw new RequestRejected(
        400,
        `This model's maximum context length is ${o.maxModelLen} tokens. However, you requested ${requested} tokens ` +
          `(${request.promptTokens.length} in the prompt, ${request.maxTokens} in the completion). ` +
          'Please reduce the length of the prompt or completion.',
        'BadRequestError',
        'max_tokens',
      );
    }
    if (request.maxTokens <= generated.length) {
      throw new RequestRejected(400, `max_tokens (${request.maxTokens}) must exceed the ${generated.length} tokens already generated.`, 'BadRequestError', 'max_tokens');
    }
    if (this.kv.blocksFor(requested) > o.numGpuBlocks) {
      throw new RequestRejected(400, `The request needs ${this.kv.blocksFor(requested)} KV blocks but the cache has ${o.numGpuBlocks}.`, 'BadRequestError');
    }
    if (this.byId.has(request.id)) throw new RequestRejected(409, `Request ID ${request.id} is already in flight.`, 'ConflictError');
    // Requests not yet admitted by a step count against the batch first, then the queue.
    if (this.running.size + this.waiting.length >= o.maxNumSeqs + o.maxWaiting) {
      throw new RequestRejected(
        429,
        `The waiting queue is full (${o.maxWaiting} waiting, ${this.running.size} running, max-num-seqs ${o.maxNumSeqs}); retry later.`,
        'TooManyRequestsError',
      );
    }
    if (o.failRate > 0 && this.failures.next() < o.failRate) {
      throw new RequestRejected(500, 'Injected engine failure (--fail-rate).', 'InternalServerError');
    }

    const context = generated.length === 0 ? request.promptTokens : [...request.promptTokens, ...generated];
    const now = performance.now();
    const seq: Sequence = {
      request,
      sink,
      generator: new TextGenerator(request.seed, request.promptTokens),
      arrivedAt: now,
      contextTokens,
      hashes: blockHashes(context, o.blockSize),
      end: request.prefillOnly ? generated.length + 1 : request.maxTokens,
      position: generated.length,
      cachedTokens: 0,
      dueAt: Infinity,
      lastTokenAt: now,
    };
    o.log.info(`${o.role === 'prefill' ? 'New Prefill Request ID' : 'New Request ID'}: ${request.id}`);
    this.byId.set(request.id, seq);
    this.waiting.push(seq);
    this.schedule(now, true);
  }

  /** Drops a request wherever it is; the caller tells its client. */
  abort(id: string): boolean {
    const seq = this.byId.get(id);
    if (seq === undefined) return false;
    this.remove(seq);
    this.metrics.success.abort++;
    this.options.log.info(`${this.options.role === 'prefill' ? 'Aborted Prefill Request ID' : 'Aborted Request ID'}: ${id}`);
    this.schedule(performance.now(), true);
    return true;
  }

  /** Stops for good and fails every request in flight (graceful shutdown). */
  shutdown(failure: EngineFailure): number {
    this.halt();
    const all = [...this.byId.values()];
    for (const seq of all) {
      this.remove(seq);
      seq.sink.failed(failure);
    }
    return all.length;
  }

  private halt(): void {
    this.halted = true;
    clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
  }

  private remove(seq: Sequence): void {
    this.byId.delete(seq.request.id);
    if (!this.running.delete(seq.request.id)) this.waiting.splice(this.waiting.indexOf(seq), 1);
    if (seq.allocation) this.kv.release(seq.allocation);
  }

  private readonly step = (): void => {
    this.timer = undefined;
    this.timerDue = Infinity;
    this.immediate = undefined;
    if (this.halted) return;
    const now = performance.now();
    this.admit(now);
    const batchSize = this.running.size;
    for (const seq of this.running.values()) {
      if (seq.dueAt <= now) this.advance(seq, now, batchSize);
      if (this.halted) return;
    }
    this.admit(now);
    // Whatever still waits now is blocked on KV capacity until a sequence finishes.
    this.schedule(now, false);
  };

  private admit(now: number): void {
    const o = this.options;
    while (this.running.size < o.maxNumSeqs) {
      const seq = this.waiting[0];
      if (seq === undefined) return;
      const allocation = this.kv.allocate(seq.hashes, seq.contextTokens + seq.end - seq.position);
      if (allocation === null) return;
      this.waiting.shift();
      this.running.set(seq.request.id, seq);
      seq.allocation = allocation;
      let cached = allocation.cachedBlocks * o.blockSize;
      // As in vLLM, a fully cached prompt still computes its last block to produce logits.
      if (cached >= seq.contextTokens) cached = Math.max(0, cached - o.blockSize);
      seq.cachedTokens = cached;
      this.metrics.prefixCacheQueries += seq.contextTokens;
      this.metrics.prefixCacheHits += cached;
      this.metrics.promptTokens += seq.contextTokens - cached;
      seq.dueAt = now + (seq.request.prefilled ? 0 : o.timing.prefillMs(seq.contextTokens - cached));
      seq.sink.started({ cachedTokens: cached, queuedMs: now - seq.arrivedAt });
    }
  }

  private advance(seq: Sequence, now: number, batchSize: number): void {
    const remaining = seq.end - seq.position;
    const first = seq.firstTokenAt === undefined;
    const itl = this.options.timing.interTokenMs(batchSize);
    let count = 1;
    if (!first) count = itl > 0 ? 1 + Math.floor((now - seq.dueAt) / itl) : MAX_TOKENS_PER_STEP;
    count = Math.min(count, remaining, MAX_TOKENS_PER_STEP, this.tokensBeforeCrash());

    const index = seq.position;
    const tokens = seq.generator.range(index, count);
    seq.position += count;
    this.tokensEmitted += count;
    this.metrics.generationTokens += count;
    if (first) {
      seq.firstTokenAt = now;
      this.metrics.ttft.observe((now - seq.arrivedAt) / 1000);
      seq.dueAt = now + itl;
    } else {
      this.metrics.itl.observe((now - seq.lastTokenAt) / 1000 / count, count);
      seq.dueAt += count * itl;
    }
    seq.lastTokenAt = now;
    const last = seq.position >= seq.end;
    seq.sink.tokens(index, tokens, last);

    if (this.tokensBeforeCrash() === 0) {
      this.halt();
      this.options.onCrash?.();
      return;
    }
    if (last) this.finish(seq, 'length', now);
  }

  private tokensBeforeCrash(): number {
    const limit = this.options.crashAfterTokens;
    return limit === undefined ? Infinity : limit - this.tokensEmitted;
  }

  private finish(seq: Sequence, reason: FinishReason, now: number): void {
    this.remove(seq);
    // Dynamo's prefill workers log the end of every prefill (handlers.py@5131740); stand-ins translate this line.
    if (seq.request.prefillOnly) this.options.log.info(`Finished Prefill Request ID: ${seq.request.id}`);
    this.metrics.success[reason]++;
    this.metrics.e2e.observe((now - seq.arrivedAt) / 1000);
    seq.sink.finished(reason, {
      promptTokens: seq.request.promptTokens.length,
      completionTokens: seq.position,
      cachedTokens: seq.cachedTokens,
    });
  }

  private schedule(now: number, admissionPending: boolean): void {
    if (this.halted) return;
    const canAdmit = admissionPending && this.waiting.length > 0 && this.running.size < this.options.maxNumSeqs;
    if (this.options.timing.instant) {
      if (this.immediate === undefined && (canAdmit || this.running.size > 0)) this.immediate = setImmediate(this.step);
      return;
    }
    let due = canAdmit ? now : Infinity;
    for (const seq of this.running.values()) if (seq.dueAt < due) due = seq.dueAt;
    if (due >= this.timerDue) return;
    clearTimeout(this.timer);
    this.timerDue = due;
    this.timer = setTimeout(this.step, Math.max(0, due - now));
  }
}
