// The dynamo-mocker profile's command lines, readiness and metric names, run on the stand-ins.

import { test, expect } from 'servewright';
import { standInEnv } from './stand-ins/env.ts';

test.use({ stackProfile: 'dynamo-mocker', stackEnv: standInEnv(), stackOptions: { workers: 2 } });

test('dynamo-mocker: serves through both mocker workers and reports Dynamo metric names', { tag: ['@e2e', '@framework'] }, async ({ stack, client }) => {
  const marks = stack.markLogs();
  for (let i = 0; i < 4; i++) await client.completions({ prompt: `hello ${i}`, max_tokens: 2 });
  // Dynamo reports no worker unless asked: the workers' own request lines say who served.
  const served = stack.workers.map((w) => w.proc.log.matchesSince(marks.workers[w.id]!, stack.profile.patterns.newRequest).length);
  expect(served).toEqual([2, 2]);
  const metrics = await stack.frontend.metrics();
  expect(metrics.sum('dynamo_frontend_requests_total')).toBe(4);
  expect(metrics.has(stack.profile.metrics.migrationTotal!)).toBe(true);
  // The mocker exposes no vllm:* engine metrics: checks on them skip with this reason.
  expect(stack.profile.capabilities.engineMetrics).toMatch(/dynamo\.mocker exposes no vllm:\* engine metrics \(dynamo\/newest\/contract\.json/);
});
