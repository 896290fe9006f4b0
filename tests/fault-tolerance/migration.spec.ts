import { test, lacks, type StackProfile } from 'servewright';
import { failsWhenEveryWorkerDies, failsWithoutMigration, survivesPrefillWorkerDeath, survivesWorkerDeath } from 'servewright/scenarios';

const LONG_TOKENS = 2_000;
const TIMEOUT_MS = 30_000;

function skipUnlessMigrating(profile: StackProfile): void {
  const missing = lacks(profile, 'migration');
  test.skip(missing !== undefined, missing);
}

test.describe('request migration', { tag: ['@e2e', '@fault-tolerance'] }, () => {
  test.use({ stackOptions: { frontend: { routerMode: 'round-robin', migrationLimit: 3 }, workers: 2 } });
  test.beforeEach(({ profile }) => skipUnlessMigrating(profile));

  for (const api of ['completion', 'chat'] as const) {
    for (const streaming of [true, false]) {
      for (const signal of ['SIGKILL', 'SIGTERM'] as const) {
        test(`${api} ${streaming ? 'streaming' : 'non-streaming'} request completes after ${signal} of its worker`, async ({ stack, client }) => {
          await survivesWorkerDeath(stack, client, { api, streaming, signal, longTokens: LONG_TOKENS, timeoutMs: TIMEOUT_MS });
        });
      }
    }
  }

  test('a request fails cleanly when every worker dies under it', async ({ stack, client }) => {
    await failsWhenEveryWorkerDies(stack, client, { longTokens: LONG_TOKENS, timeoutMs: TIMEOUT_MS });
  });
});

test.describe('migration disabled', { tag: ['@e2e', '@fault-tolerance'] }, () => {
  test.use({ stackOptions: { frontend: { routerMode: 'round-robin', migrationLimit: 0 }, workers: 2 } });
  test.beforeEach(({ profile }) => skipUnlessMigrating(profile));

  for (const streaming of [true, false]) {
    test(`${streaming ? 'streaming' : 'non-streaming'}: the client gets an error, not a hang, and the request is not re-issued`, async ({ stack, client }) => {
      await failsWithoutMigration(stack, client, { api: streaming ? 'chat' : 'completion', streaming, longTokens: LONG_TOKENS, timeoutMs: TIMEOUT_MS });
    });
  }
});

test.describe('request migration, disaggregated', { tag: ['@e2e', '@fault-tolerance'] }, () => {
  test.beforeEach(({ profile }) => {
    skipUnlessMigrating(profile);
    const missing = lacks(profile, 'disaggregation');
    test.skip(missing !== undefined, missing);
  });

  test('1 prefill + 2 decode: a streaming request completes after SIGKILL of its decode worker', async ({ launchStack }) => {
    const stack = await launchStack({
      frontend: { routerMode: 'round-robin', migrationLimit: 3 },
      workers: [{ id: 'prefill-0', role: 'prefill' }, { id: 'decode-0', role: 'decode' }, { id: 'decode-1', role: 'decode' }],
    });
    // Decode placement need not alternate; the survivor is the other decode worker either way.
    await survivesWorkerDeath(stack, stack.client(), { api: 'completion', streaming: true, signal: 'SIGKILL', longTokens: LONG_TOKENS, timeoutMs: TIMEOUT_MS, alternates: false });
  });

  test('1 decode + 2 prefill: a request completes after SIGKILL of its prefill worker during prefill', async ({ launchStack, profile }) => {
    const slow = lacks(profile, 'slowPrefill');
    test.skip(slow !== undefined, slow);
    const stack = await launchStack({
      frontend: { routerMode: 'round-robin', migrationLimit: 3 },
      workers: [{ id: 'decode-0', role: 'decode' }, { id: 'prefill-0', role: 'prefill', slowPrefill: true }, { id: 'prefill-1', role: 'prefill', slowPrefill: true }],
    });
    await survivesPrefillWorkerDeath(stack, stack.client(), { longTokens: LONG_TOKENS, timeoutMs: TIMEOUT_MS });
  });
});
