// Throughput of one mock worker process at --speedup 0 (no simulated delays), so the
// figure is the cost of the worker itself: HTTP, JSON, engine steps and SSE writes.
// Two closed-loop phases from this process (undici Pool), each bounded in time and count:
//   1. small non-streaming completions: requests/s
//   2. long streaming completions: streamed tokens/s (SSE events counted client-side,
//      cross-checked against the worker's vllm:generation_tokens_total)
//
//   npx tsx scripts/bench/worker.ts [--duration-s 5] [--concurrency 64] [--streams 8] [--stream-tokens 4096]
//     [--worker-bundle PATH]   (a prebuilt worker bundle: skips the build, e.g. on another machine)

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import { ManagedProcess } from '../../fixtures/process/managed-process.ts';
import { Metrics } from '../../protocol/prometheus-parse.ts';
import { stackBundlePath } from '../../fixtures/state-dir.ts';
import { buildStack } from '../../fixtures/build-stack.ts';

const { values } = parseArgs({
  options: {
    'duration-s': { type: 'string', default: '5' },
    concurrency: { type: 'string', default: '64' },
    streams: { type: 'string', default: '8' },
    'stream-tokens': { type: 'string', default: '4096' },
    'max-requests': { type: 'string', default: '500000' },
    'worker-bundle': { type: 'string' },
  },
});
const numbers = {
  durationS: Number(values['duration-s']),
  concurrency: Number(values.concurrency),
  streams: Number(values.streams),
  streamTokens: Number(values['stream-tokens']),
  maxRequests: Number(values['max-requests']),
};
for (const [name, v] of Object.entries(numbers)) {
  if (!Number.isFinite(v) || v <= 0) throw new Error(`scripts/bench/worker.ts: --${name} must be a positive number, got ${v}`);
}
const { durationS, concurrency, streams, streamTokens, maxRequests } = numbers;
const MODEL = 'mock-model';
const NEWLINE = 0x0a;

interface PhaseResult {
  requests: number;
  errors: number;
  seconds: number;
  events: number;
}

/** Runs `workers` loops of `once` until the deadline or the request budget is spent. */
async function closedLoop(workers: number, once: () => Promise<{ ok: boolean; events: number }>): Promise<PhaseResult> {
  const deadline = performance.now() + durationS * 1000;
  const result: PhaseResult = { requests: 0, errors: 0, seconds: 0, events: 0 };
  const started = performance.now();
  const loop = async (): Promise<void> => {
    while (performance.now() < deadline && result.requests < maxRequests) {
      result.requests++;
      const { ok, events } = await once();
      if (!ok) result.errors++;
      result.events += events;
    }
  };
  await Promise.all(Array.from({ length: workers }, loop));
  result.seconds = (performance.now() - started) / 1000;
  return result;
}

/** Counts SSE events (blank-line terminated) in a byte stream, across chunk boundaries. */
async function countEvents(body: AsyncIterable<Buffer>): Promise<number> {
  let events = 0;
  let previous = 0;
  for await (const chunk of body) {
    for (let i = chunk.indexOf(NEWLINE); i !== -1; i = chunk.indexOf(NEWLINE, i + 1)) {
      if ((i === 0 ? previous : chunk[i - 1]) === NEWLINE) events++;
    }
    previous = chunk[chunk.length - 1] ?? previous;
  }
  return events;
}

async function generationTokens(url: string): Promise<number> {
  return new Metrics(await (await fetch(`${url}/metrics`)).text()).value('vllm:generation_tokens_total', { model_name: MODEL });
}

async function main(): Promise<void> {
  const workerBundle = values['worker-bundle'] ?? stackBundlePath('worker');
  if (values['worker-bundle'] === undefined) await buildStack();
  const logDir = mkdtempSync(join(tmpdir(), 'servewright-bench-worker-'));
  const worker = await ManagedProcess.start(
    {
      name: 'bench-worker',
      command: process.execPath,
      args: [workerBundle, '--port', '0', '--speedup', '0', '--max-model-len', String(streamTokens + 64)],
      ready: { log: /listening on http/ },
    },
    logDir,
  );
  try {
    const url = (await worker.log.waitFor(/listening on (http:\/\/\S+)/))[1] as string;
    const pool = new Pool(url, { connections: Math.max(concurrency, streams), pipelining: 1 });
    const small = JSON.stringify({ model: MODEL, prompt: 'a short benchmark prompt', max_tokens: 8 });
    const long = JSON.stringify({ model: MODEL, prompt: 'tell me a very long story', max_tokens: streamTokens, stream: true });
    const post = (body: string) => pool.request({ path: '/v1/completions', method: 'POST', headers: { 'content-type': 'application/json' }, body });

    const nonStreaming = await closedLoop(concurrency, async () => {
      const res = await post(small);
      await res.body.dump({ limit: Infinity });
      return { ok: res.statusCode === 200, events: 0 };
    });

    const tokensBefore = await generationTokens(url);
    const streaming = await closedLoop(streams, async () => {
      const res = await post(long);
      const events = await countEvents(res.body);
      // One event per token plus the closing [DONE].
      return { ok: res.statusCode === 200 && events === streamTokens + 1, events: events - 1 };
    });
    const serverTokens = (await generationTokens(url)) - tokensBefore;
    await pool.close();

    const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
    process.stdout.write(
      [
        `worker @ --speedup 0, ${durationS}s per phase`,
        `non-streaming (max_tokens 8, concurrency ${concurrency}): ${fmt(nonStreaming.requests / nonStreaming.seconds)} req/s ` +
          `(${nonStreaming.requests} requests, ${nonStreaming.errors} errors)`,
        `streaming (max_tokens ${streamTokens}, ${streams} streams): ${fmt(streaming.events / streaming.seconds)} tokens/s ` +
          `(${streaming.requests} requests, ${streaming.errors} errors, ${fmt(streaming.events)} SSE token events, worker counted ${fmt(serverTokens)})`,
      ].join('\n') + '\n',
    );
    if (nonStreaming.errors + streaming.errors > 0) process.exitCode = 1;
  } finally {
    await worker.stop();
    rmSync(logDir, { recursive: true, force: true });
  }
}

await main();
