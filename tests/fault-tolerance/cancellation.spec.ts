import { test, lacks } from 'servewright';
import { cancelDuringDecode, cancelDuringPrefill, cancelInSequence, cancelOnClientTimeout } from 'servewright/scenarios';

// Long enough that a request cancelled promptly has produced well under a quarter of it.
const CASE = { maxTokens: 8_000, timeoutMs: 10_000 };

test.describe('request cancellation', { tag: ['@e2e', '@fault-tolerance'] }, () => {
  test.use({ stackOptions: { workers: 1 } });

  test('client disconnect cancels on the worker: completion, chat, chat streaming in sequence', async ({ stack, client }) => {
    await cancelInSequence(stack, client, CASE);
  });

  test('a client timeout cancels the request on the worker', async ({ stack, client }) => {
    await cancelOnClientTimeout(stack, client, { ...CASE, clientTimeoutMs: 200 });
  });
});

test.describe('request cancellation, disaggregated', { tag: ['@e2e', '@fault-tolerance'] }, () => {
  test.beforeEach(({ profile }) => {
    const missing = lacks(profile, 'disaggregation');
    test.skip(missing !== undefined, missing);
  });

  test('cancel during decode: decode worker aborts, prefill worker served the prefill', async ({ launchStack }) => {
    const stack = await launchStack({ workers: [{ id: 'prefill-0', role: 'prefill' }, { id: 'decode-0', role: 'decode' }] });
    await cancelDuringDecode(stack, stack.client(), stack.worker('prefill-0'), stack.worker('decode-0'), CASE);
  });

  test('cancel during prefill: the prefill worker aborts the prefill and the decode worker never sees it', async ({ launchStack, profile }) => {
    const missing = lacks(profile, 'slowPrefill');
    test.skip(missing !== undefined, missing);
    const stack = await launchStack({ workers: [{ id: 'prefill-0', role: 'prefill', slowPrefill: true }, { id: 'decode-0', role: 'decode' }] });
    await cancelDuringPrefill(stack, stack.worker('prefill-0'), stack.worker('decode-0'), CASE);
  });
});
