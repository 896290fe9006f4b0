// The vllm profile's command line, readiness and log patterns, run on the stand-ins.

import { test, expect } from 'servewright';
import { standInEnv } from './stand-ins/env.ts';
import { cancelInSequence } from 'servewright/scenarios';

test.use({ stackProfile: 'vllm', stackEnv: standInEnv(), stackOptions: { workers: 1 } });

test('vllm: one server is frontend and worker; its own abort lines prove cancellation', { tag: ['@e2e', '@framework'] }, async ({ stack, client }) => {
  expect(stack.frontend.proc).toBe(stack.workers[0]!.proc);
  const res = await client.completions({ prompt: 'Who are you?', max_tokens: 4 });
  expect(res.body.model).toBe('Qwen/Qwen3-0.6B');
  expect(stack.frontend.proc.log.matchesSince(0, stack.profile.patterns.newRequest)).toHaveLength(1);
  await cancelInSequence(stack, client, { maxTokens: 4_000, timeoutMs: 10_000 });
});
