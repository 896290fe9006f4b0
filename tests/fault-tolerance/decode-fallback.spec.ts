import { test, expect, lacks } from 'servewright';
import { failsWhenDisaggregationIsEnforced, fallsBackToDecodeOnly } from 'servewright/scenarios';

// Upstream verifies streaming chat only (decode_fallback/test_vllm.py@29e9497).
const CASE = { api: 'chat', streaming: true, maxTokens: 32, timeoutMs: 30_000 } as const;
const WORKERS = [{ id: 'decode-0', role: 'decode' as const }, { id: 'prefill-0', role: 'prefill' as const }];

test.describe('decode-only fallback', { tag: ['@e2e', '@fault-tolerance'] }, () => {
  test.beforeEach(({ profile }) => {
    const missing = lacks(profile, 'decodeFallback');
    test.skip(missing !== undefined, missing);
  });

  test('1 prefill + 1 decode: after SIGKILL of the prefill worker a request is served decode-only and counted once', async ({ launchStack }) => {
    const stack = await launchStack({ frontend: { routerMode: 'round-robin', migrationLimit: 3 }, workers: WORKERS });
    await fallsBackToDecodeOnly(stack, stack.client(), stack.worker('prefill-0'), stack.worker('decode-0'), CASE);
  });

  test('enforced disaggregation: after SIGKILL of the prefill worker the request fails and nothing falls back', async ({ launchStack, profile }) => {
    const stack = await launchStack({ frontend: { routerMode: 'round-robin', migrationLimit: 3, enforceDisagg: true }, workers: WORKERS });
    const failed = await failsWhenDisaggregationIsEnforced(stack, stack.client(), stack.worker('prefill-0'), CASE);
    // The reference frontend answers a request it may not serve with 503 (Dynamo's status is not pinned upstream).
    if (profile.name === 'reference') expect(failed).toMatchObject({ status: 503 });
  });
});
