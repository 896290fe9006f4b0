// Unit-level checks of the mock worker's engine pieces: KV cache, batching and queue
// limits, deterministic generation (including continuation after a migration), timing.

import { test, expect } from 'servewright';
import { blockHashes } from '../../protocol/kv-blocks.ts';
import { tokenize } from '../../protocol/tokenizer.ts';
import { Engine, type EngineOptions } from '../../stack/worker/engine/engine.ts';
import { Rng } from '../../stack/worker/engine/hash.ts';
import { KvCache } from '../../stack/worker/engine/kv-cache.ts';
import { RequestRejected, type EngineFailure, type SequenceRequest, type SequenceSink, type Usage } from '../../stack/worker/engine/sequence.ts';
import { TextGenerator } from '../../stack/worker/engine/text-generator.ts';
import { TimingModel, type TimingOptions } from '../../stack/worker/engine/timing-model.ts';

const tags = { tag: ['@e2e', '@reference-stack'] };
const noDelays: TimingOptions = { prefillMsPerToken: 1, itlMs: 1, jitter: 0, batchSlowdown: 0, speedup: 0 };

/** Records what the engine tells one request, and resolves when it ends. */
class RecordingSink implements SequenceSink {
  readonly ids: number[] = [];
  text = '';
  cachedTokens = -1;
  /** Output position of the first token this request received (non-zero after a migration). */
  firstIndex: number | undefined;
  usage: Usage | undefined;
  failure: EngineFailure | undefined;
  readonly runningAtTokens: number[] = [];
  readonly done: Promise<void>;
  private resolve!: () => void;

  constructor(private readonly engine: () => Engine) {
    this.done = new Promise((r) => (this.resolve = r));
  }

  started(info: { cachedTokens: number }): void {
    this.cachedTokens = info.cachedTokens;
  }

  tokens(index: number, tokens: readonly { id: number; text: string }[]): void {
    this.firstIndex ??= index;
    expect(index).toBe(this.firstIndex + this.ids.length);
    for (const t of tokens) {
      this.ids.push(t.id);
      this.text += t.text;
    }
    this.runningAtTokens.push(this.engine().runningCount);
  }

  finished(_reason: string, usage: Usage): void {
    this.usage = usage;
    this.resolve();
  }

  failed(failure: EngineFailure): void {
    this.failure = failure;
    this.resolve();
  }
}

function makeEngine(overrides: Partial<EngineOptions> = {}, timing: TimingOptions = noDelays) {
  const logs: string[] = [];
  const engine = new Engine({
    model: 'mock-model',
    role: 'agg',
    maxNumSeqs: 4,
    maxWaiting: 16,
    blockSize: 4,
    numGpuBlocks: 1024,
    maxModelLen: 4096,
    timing: new TimingModel(timing, new Rng(1)),
    failRate: 0,
    seed: 7,
    log: { info: (line) => logs.push(line) },
    ...overrides,
  });
  const run = (request: Partial<SequenceRequest> & { id: string }): RecordingSink => {
    const sink = new RecordingSink(() => engine);
    engine.submit({ promptTokens: tokenize('tell me a story about a quiet river'), maxTokens: 8, seed: 7, ...request }, sink);
    return sink;
  };
  return { engine, logs, run };
}

test.describe('KV cache', () => {
  const tokens = Array.from({ length: 16 }, (_, i) => i);

  test('a repeated prefix hits, a different one does not, and shared blocks are reference counted', tags, () => {
    const events: string[] = [];
    const kv = new KvCache(16, 4, { stored: (h) => events.push(`+${h.length}`), removed: (h) => events.push(`-${h.length}`) });
    const first = kv.allocate(blockHashes(tokens, 4), 20);
    expect(first?.cachedBlocks).toBe(0);
    expect(kv.usedBlocks).toBe(5);
    const second = kv.allocate(blockHashes(tokens, 4), 20);
    expect(second?.cachedBlocks).toBe(4);
    expect(kv.usedBlocks).toBe(6);
    const other = kv.allocate(blockHashes([99, ...tokens.slice(1)], 4), 16);
    expect(other?.cachedBlocks).toBe(0);
    kv.release(first!);
    expect(kv.matchPrefix(blockHashes(tokens, 4))).toBe(4);
    kv.release(second!);
    expect(kv.usedBlocks).toBe(4);
    expect(kv.usage).toBe(4 / 16);
    expect(events).toEqual(['+4', '+4']);
  });

  test('evicts least recently used blocks, the tail of a prefix before its head, and refuses when full', tags, () => {
    const removed: string[] = [];
    const kv = new KvCache(8, 4, { stored: () => {}, removed: (h) => removed.push(...h) });
    const a = blockHashes(tokens, 4);
    kv.release(kv.allocate(a, 16)!);
    const b = blockHashes(tokens.map((t) => t + 100), 4);
    const held = kv.allocate(b.slice(0, 2), 8)!;
    // 2 blocks held, 4 idle cached, 2 free: 4 new blocks must evict 2 idle ones, tail first.
    expect(kv.allocate(blockHashes(tokens.map((t) => t + 200), 4), 16)).not.toBeNull();
    expect(removed).toEqual([a[3], a[2]]);
    expect(kv.matchPrefix(a)).toBe(2);
    expect(kv.allocate(blockHashes(tokens.map((t) => t + 300), 4), 16)).toBeNull();
    kv.release(held);
  });
});

test.describe('engine', () => {
  test('runs at most max-num-seqs at once, admits in arrival order and rejects past the waiting queue with 429', tags, async () => {
    const { engine, run } = makeEngine({ maxNumSeqs: 2, maxWaiting: 3, numGpuBlocks: 8192 });
    const sinks = Array.from({ length: 5 }, (_, i) => run({ id: `r${i}`, maxTokens: 3000 }));
    let rejected: unknown;
    try {
      run({ id: 'overflow' });
    } catch (e) {
      rejected = e;
    }
    expect(rejected).toBeInstanceOf(RequestRejected);
    expect((rejected as RequestRejected).status).toBe(429);
    expect((rejected as RequestRejected).message).toMatch(/waiting queue is full/);
    await Promise.all(sinks.map((s) => s.done));
    expect(Math.max(...sinks.flatMap((s) => s.runningAtTokens))).toBe(2);
    for (const s of sinks) expect(s.ids).toHaveLength(3000);
    expect(engine.metrics.success.length).toBe(5);
    expect(engine.runningCount + engine.waitingCount).toBe(0);
  });

  test('admits only what fits in the KV cache, even below max-num-seqs', tags, async () => {
    // Each request needs ceil((8 + 3000) / 4) = 752 of the 1024 blocks.
    const { run } = makeEngine({ maxNumSeqs: 4 });
    const sinks = [run({ id: 'a', maxTokens: 3000 }), run({ id: 'b', maxTokens: 3000 })];
    await Promise.all(sinks.map((s) => s.done));
    expect(Math.max(...sinks.flatMap((s) => s.runningAtTokens))).toBe(1);
  });

  test('an identical second prompt reports cached tokens from the prefix cache', tags, async () => {
    const { engine, run } = makeEngine();
    const prompt = tokenize('the same long prompt, repeated twice, so that several full blocks are cached');
    const first = run({ id: 'a', promptTokens: prompt });
    await first.done;
    const second = run({ id: 'b', promptTokens: prompt });
    await second.done;
    expect(first.usage?.cachedTokens).toBe(0);
    expect(second.usage?.cachedTokens).toBe(Math.floor(prompt.length / 4) * 4);
    expect(engine.metrics.prefixCacheHits).toBe(second.usage?.cachedTokens);
    expect(engine.metrics.prefixCacheQueries).toBe(2 * prompt.length);
  });

  test('rejects prompts past max-model-len, forced errors and injected failures', tags, () => {
    const { run } = makeEngine({ maxModelLen: 20, failRate: 1 });
    const status = (request: Partial<SequenceRequest> & { id: string }): number => {
      try {
        run(request);
        return 0;
      } catch (e) {
        return (e as RequestRejected).status;
      }
    };
    expect(status({ id: 'long', maxTokens: 19 })).toBe(400);
    expect(status({ id: 'forced', forceError: 503 })).toBe(503);
    expect(status({ id: 'unlucky' })).toBe(500);
  });

  test('abort frees the slot and logs the exact vLLM line; prefill workers log prefill lines', tags, async () => {
    const { engine, logs, run } = makeEngine({ maxNumSeqs: 1 });
    const blocked = run({ id: 'victim', maxTokens: 100 });
    const next = run({ id: 'next' });
    expect(engine.abort('victim')).toBe(true);
    await next.done;
    expect(blocked.ids).toHaveLength(0);
    expect(logs).toEqual(['New Request ID: victim', 'New Request ID: next', 'Aborted Request ID: victim']);

    const prefill = makeEngine({ role: 'prefill' });
    const only = prefill.run({ id: 'p1', prefillOnly: true, maxTokens: 50 });
    prefill.run({ id: 'p2' });
    prefill.engine.abort('p2');
    await only.done;
    expect(only.ids).toHaveLength(1);
    expect(prefill.logs).toEqual(['New Prefill Request ID: p1', 'New Prefill Request ID: p2', 'Aborted Prefill Request ID: p2', 'Finished Prefill Request ID: p1']);
  });

  test('crash injection stops after exactly N streamed tokens', tags, async () => {
    let crashed = false;
    const { run } = makeEngine({ crashAfterTokens: 10, onCrash: () => (crashed = true) });
    const a = run({ id: 'a', maxTokens: 8 });
    const b = run({ id: 'b', maxTokens: 8 });
    await expect.poll(() => crashed).toBe(true);
    expect(a.ids.length + b.ids.length).toBe(10);
  });

  test('shutdown fails every request in flight as retryable', tags, () => {
    const { engine, run } = makeEngine({ maxNumSeqs: 1 });
    const sinks = [run({ id: 'a' }), run({ id: 'b' })];
    expect(engine.shutdown({ status: 503, message: 'bye', retryable: true })).toBe(2);
    for (const s of sinks) expect(s.failure).toEqual({ status: 503, message: 'bye', retryable: true });
  });
});

test.describe('deterministic generator', () => {
  const prompt = tokenize('Who are you?');

  test('output depends only on seed, prompt and position, and reads as words', tags, () => {
    const a = new TextGenerator(3, prompt).range(0, 50);
    expect(new TextGenerator(3, prompt).range(0, 50)).toEqual(a);
    expect(new TextGenerator(4, prompt).range(0, 50)).not.toEqual(a);
    expect(new TextGenerator(3, tokenize('Who are we?')).range(0, 50)).not.toEqual(a);
    const text = a.map((t) => t.text).join('');
    expect(text).toMatch(/^( [a-z]+|[,.;])+$/);
    expect(tokenize(text)).toEqual(a.map((t) => t.id));
  });

  test('continuing from position k equals the tail of an unbroken run (migration)', tags, async () => {
    const { run } = makeEngine();
    const full = run({ id: 'full', promptTokens: prompt, maxTokens: 40 });
    await full.done;
    const k = 17;
    const resumed = run({ id: 'resumed', promptTokens: prompt, generatedTokens: full.ids.slice(0, k), maxTokens: 40 });
    await resumed.done;
    expect(resumed.firstIndex).toBe(k);
    expect(resumed.ids).toEqual(full.ids.slice(k));
    expect(resumed.usage?.completionTokens).toBe(40);
  });
});

test.describe('timing model', () => {
  const base: TimingOptions = { prefillMsPerToken: 0.5, itlMs: 10, jitter: 0, batchSlowdown: 0.1, speedup: 1 };

  test('prefill scales with uncached tokens, ITL with batch size, both divided by speedup', tags, () => {
    const t = new TimingModel(base, new Rng(1));
    expect(t.prefillMs(100)).toBe(50);
    expect(t.interTokenMs(1)).toBe(10);
    expect(t.interTokenMs(11)).toBe(20);
    const fast = new TimingModel({ ...base, speedup: 4 }, new Rng(1));
    expect(fast.prefillMs(100)).toBe(12.5);
    expect(fast.interTokenMs(1)).toBe(2.5);
  });

  test('jitter stays within its bound and speedup 0 means no delay at all', tags, () => {
    const t = new TimingModel({ ...base, jitter: 0.2 }, new Rng(9));
    const samples = Array.from({ length: 1000 }, () => t.interTokenMs(1));
    expect(Math.min(...samples)).toBeGreaterThanOrEqual(8);
    expect(Math.max(...samples)).toBeLessThanOrEqual(12);
    expect(new Set(samples).size).toBeGreaterThan(100);
    const instant = new TimingModel({ ...base, speedup: 0 }, new Rng(1));
    expect(instant.instant).toBe(true);
    expect(instant.prefillMs(10_000) + instant.interTokenMs(256)).toBe(0);
  });

  test('a timed engine paces tokens: the first token waits for prefill', tags, async () => {
    const { engine, run } = makeEngine({}, { prefillMsPerToken: 0, itlMs: 2, jitter: 0, batchSlowdown: 0, speedup: 1 });
    const sink = run({ id: 'paced', maxTokens: 5 });
    expect(sink.ids).toHaveLength(0);
    await sink.done;
    expect(sink.ids).toHaveLength(5);
    expect(engine.metrics.itl.count).toBe(4);
  });
});
