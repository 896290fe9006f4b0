// The dynamo-mocker profile's command lines, readiness and metric names, run on the stand-ins.

import { test, expect } from '../../fixtures/index.ts';
import { standInEnv } from './stand-ins/env.ts';

test.use({ stackProfile: 'dynamo-mocker', stackEnv: standInEnv(), stackOptions: { workers: 2 } });

test('dynamo-mocker: serves through both mocker workers and reports Dynamo metric names', { tag: ['@e2e', '@framework'] }, async ({ stack, client }) => {
  const served = new Set<string | undefined>();
  for (let i = 0; i < 4; i++) served.add((await client.completions({ prompt: `hello ${i}`, max_tokens: 2 })).workerId);
  expect(served.size).toBe(2);
  const metrics = await stack.frontend.metrics();
  expect(metrics.sum('dynamo_frontend_requests_total')).toBe(4);
  expect(metrics.has(stack.profile.metrics.migrationTotal!)).toBe(true);
});
