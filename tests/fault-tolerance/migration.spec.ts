import { test, lacks, type StackProfile } from '../../fixtures/index.ts';
import { failsWhenEveryWorkerDies, failsWithoutMigration, survivesWorkerDeath } from './scenarios/migration.ts';

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
