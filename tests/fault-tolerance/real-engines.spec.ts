// The fault-tolerance scenarios on real engines: Dynamo with vLLM workers on one GPU
// (STACK_GPU picks another profile). Skips with the precise reason where the GPU, the
// engine or the model is missing; timeouts come from Dynamo's measured times (~20 s per
// worker start, ~40 s for a 2000-token request on an 8B model) with headroom.

import { test } from '../../fixtures/index.ts';
import { survivesWorkerDeath, failsWithoutMigration } from './scenarios/migration.ts';
import { cancelInSequence } from './scenarios/cancellation.ts';

const LONG_TOKENS = 2_000;
const TIMEOUT_MS = 240_000;

test.use({ stackProfile: process.env.STACK_GPU ?? 'dynamo' });
test.describe.configure({ timeout: 600_000 });
test.beforeAll(({ stackUnavailable }) => {
  test.skip(stackUnavailable !== undefined, stackUnavailable);
});

test.describe('real engines: migration', { tag: ['@gpu_1', '@slow', '@fault-tolerance'] }, () => {
  test.use({ stackOptions: { frontend: { routerMode: 'round-robin', migrationLimit: 3 }, workers: 2, readyTimeoutMs: 300_000 } });

  for (const signal of ['SIGKILL', 'SIGTERM'] as const) {
    test(`a streaming completion survives ${signal} of its worker`, async ({ stack, client }) => {
      await survivesWorkerDeath(stack, client, { api: 'completion', streaming: true, signal, longTokens: LONG_TOKENS, timeoutMs: TIMEOUT_MS });
    });
  }
});

test.describe('real engines: migration disabled', { tag: ['@gpu_1', '@slow', '@fault-tolerance'] }, () => {
  test.use({ stackOptions: { frontend: { routerMode: 'round-robin', migrationLimit: 0 }, workers: 2, readyTimeoutMs: 300_000 } });

  test('a killed worker fails its request cleanly', async ({ stack, client }) => {
    await failsWithoutMigration(stack, client, { api: 'completion', streaming: false, longTokens: LONG_TOKENS, timeoutMs: TIMEOUT_MS });
  });
});

test.describe('real engines: cancellation', { tag: ['@gpu_1', '@slow', '@fault-tolerance'] }, () => {
  test.use({ stackOptions: { workers: 1, readyTimeoutMs: 300_000 } });

  test('client disconnect cancels on the worker: completion, chat, chat streaming', async ({ stack, client }) => {
    await cancelInSequence(stack, client, { maxTokens: 4_000, timeoutMs: TIMEOUT_MS });
  });
});
