// The fault-tolerance scenarios on real engines, shaped like Dynamo's own suite
// (tests/fault_tolerance/{migration,cancellation}/test_vllm.py): Dynamo with vLLM workers
// on one GPU, started one at a time with upstream's memory settings. Skips with the precise
// reason where the GPU, the engine (or a supported version of it) or the model is missing.
// Options (environment):
//   STACK_GPU            profile (default dynamo)
//   SERVEWRIGHT_MODEL    model (default the profile's, Qwen/Qwen3-0.6B); seed 003 uses
//                        deepseek-ai/DeepSeek-R1-Distill-Llama-8B
//   SERVEWRIGHT_LONG_TOKENS  tokens of the long request (default 2000; seed 003 uses 8000)
//   SERVEWRIGHT_REQUEST_PLANE  tcp (default) or nats, as upstream parametrises
// Timeouts come from upstream's measured times (~20 s per worker start, ~40 s for a
// 2000-token request on an 8B model) with headroom.

import { test, lacks, withEtcdCluster } from 'servewright';
import { survivesWorkerDeath, failsWithoutMigration, cancelDuringDecode, cancelDuringPrefill, cancelInSequence, fallsBackToDecodeOnly, servesThroughEtcdFailover } from 'servewright/scenarios';

const LONG_TOKENS = Number(process.env.SERVEWRIGHT_LONG_TOKENS ?? 2_000);
const TIMEOUT_MS = 240_000;
const REQUEST_PLANE = process.env.SERVEWRIGHT_REQUEST_PLANE === 'nats' ? 'nats' : 'tcp';
// Upstream's prefill-cancel prompt: long enough that prefill is still running when the client leaves.
const LONG_PREFILL_PROMPT = `Tell me a very long and detailed story about the history of artificial intelligence? Make sure it is${' long'.repeat(6_000)}!`;
const READY = { readyTimeoutMs: 300_000 };
// Requested by a request that is cancelled: far more than it may produce before it stops
// (within the workers' --max-model-len 8192).
const CANCELLED_TOKENS = 8_000;

test.use({ stackProfile: process.env.STACK_GPU ?? 'dynamo', model: process.env.SERVEWRIGHT_MODEL });
test.describe.configure({ timeout: 900_000 });
test.beforeAll(({ stackUnavailable }) => {
  test.skip(stackUnavailable !== undefined, stackUnavailable);
});

test.describe('real engines: migration', { tag: ['@gpu_1', '@slow', '@fault-tolerance'] }, () => {
  test.use({ stackOptions: { frontend: { routerMode: 'round-robin', migrationLimit: 3, requestPlane: REQUEST_PLANE }, workers: 2, ...READY } });
  test.beforeEach(({ profile }) => test.skip(lacks(profile, 'migration') !== undefined, lacks(profile, 'migration')));

  for (const api of ['completion', 'chat'] as const) {
    for (const streaming of [true, false]) {
      for (const signal of ['SIGKILL', 'SIGTERM'] as const) {
        test(`a ${streaming ? 'streaming' : 'non-streaming'} ${api} survives ${signal} of its worker`, async ({ stack, client }) => {
          await survivesWorkerDeath(stack, client, { api, streaming, signal, longTokens: LONG_TOKENS, timeoutMs: TIMEOUT_MS });
        });
      }
    }
  }
});

test.describe('real engines: migration disabled', { tag: ['@gpu_1', '@slow', '@fault-tolerance'] }, () => {
  test.use({ stackOptions: { frontend: { routerMode: 'round-robin', migrationLimit: 0, requestPlane: REQUEST_PLANE }, workers: 2, ...READY } });
  test.beforeEach(({ profile }) => test.skip(lacks(profile, 'migration') !== undefined, lacks(profile, 'migration')));

  for (const streaming of [true, false]) {
    test(`a killed worker fails its ${streaming ? 'streaming' : 'non-streaming'} request cleanly`, async ({ stack, client }) => {
      await failsWithoutMigration(stack, client, { api: streaming ? 'chat' : 'completion', streaming, longTokens: LONG_TOKENS, timeoutMs: TIMEOUT_MS });
    });
  }
});

test.describe('real engines: cancellation', { tag: ['@gpu_1', '@slow', '@fault-tolerance'] }, () => {
  test.use({ stackOptions: { frontend: { requestPlane: REQUEST_PLANE }, workers: 1, ...READY } });

  test('aggregated: client disconnect cancels on the worker: completion, chat, chat streaming', async ({ stack, client }) => {
    await cancelInSequence(stack, client, { maxTokens: CANCELLED_TOKENS, timeoutMs: TIMEOUT_MS });
  });
});

// Upstream runs these on two GPUs; with its small memory settings both workers fit on one.
test.describe('real engines: cancellation, disaggregated', { tag: ['@gpu_1', '@slow', '@fault-tolerance'] }, () => {
  test.beforeEach(({ profile }) => test.skip(lacks(profile, 'disaggregation') !== undefined, lacks(profile, 'disaggregation')));
  const workers = [{ id: 'prefill-0', role: 'prefill' as const }, { id: 'decode-0', role: 'decode' as const }];

  test('cancel during decode: the decode worker aborts, the prefill worker served the prefill', async ({ launchStack }) => {
    const stack = await launchStack({ frontend: { requestPlane: REQUEST_PLANE }, workers, ...READY });
    await cancelDuringDecode(stack, stack.client(), stack.worker('prefill-0'), stack.worker('decode-0'), { maxTokens: CANCELLED_TOKENS, timeoutMs: TIMEOUT_MS });
  });

  test('cancel during prefill: the prefill worker aborts it or, on newer Dynamo, runs it to its end', async ({ launchStack }) => {
    const stack = await launchStack({ frontend: { requestPlane: REQUEST_PLANE }, workers, ...READY });
    await cancelDuringPrefill(stack, stack.worker('prefill-0'), stack.worker('decode-0'), { maxTokens: 16, timeoutMs: TIMEOUT_MS, prompt: LONG_PREFILL_PROMPT });
  });
});

// Upstream's decode_fallback suite: one decode and one prefill worker on one GPU, streaming
// chat (tests/fault_tolerance/decode_fallback/test_vllm.py@29e9497).
test.describe('real engines: decode-only fallback', { tag: ['@gpu_1', '@slow', '@fault-tolerance'] }, () => {
  test.beforeEach(({ profile }) => test.skip(lacks(profile, 'decodeFallback') !== undefined, lacks(profile, 'decodeFallback')));

  test('after SIGKILL of the prefill worker a streaming chat is served decode-only and counted once', async ({ launchStack }) => {
    const stack = await launchStack({
      frontend: { routerMode: 'round-robin', migrationLimit: 3, requestPlane: REQUEST_PLANE },
      workers: [{ id: 'decode-0', role: 'decode' }, { id: 'prefill-0', role: 'prefill' }],
      ...READY,
    });
    await fallsBackToDecodeOnly(stack, stack.client(), stack.worker('prefill-0'), stack.worker('decode-0'), { api: 'chat', streaming: true, maxTokens: 32, timeoutMs: TIMEOUT_MS });
  });
});

// Upstream's etcd_ha failover (tests/fault_tolerance/etcd_ha/test_vllm.py@b7f730f): a 3-member
// etcd cluster, one aggregated worker; each member in turn goes away and comes back.
test.describe('real engines: etcd failover', { tag: ['@gpu_1', '@slow', '@fault-tolerance'] }, () => {
  test.beforeEach(({ profile }) => test.skip(lacks(profile, 'etcdFailover') !== undefined, lacks(profile, 'etcdFailover')));

  test('a 3-member etcd cluster loses one member at a time: requests are served and a worker started meanwhile is discovered', async ({ launchStack, ports }, testInfo) => {
    await withEtcdCluster(3, () => ports.allocate(), testInfo.outputDir, async (cluster) => {
      const stack = await launchStack({ frontend: { routerMode: 'round-robin', requestPlane: REQUEST_PLANE }, workers: 1, etcdEndpoints: cluster.endpoints, ...READY });
      await servesThroughEtcdFailover(stack, stack.client(), cluster, { timeoutMs: TIMEOUT_MS });
    });
  });
});
