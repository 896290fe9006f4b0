// Load-balancer statistics on the frontend's /metrics: one counter of placements by
// router mode and decision (locality hits among them), under both metric namings.

import { expect, test, Metrics } from 'servewright';
import { FrontendMetrics, METRICS_NAMINGS } from '../../stack/frontend/metrics.ts';

const tags = { tag: ['@e2e', '@scheduling'] };

const NAMES = {
  servewright: 'servewright_frontend_router_decisions_total',
  // Dynamo's frontend prefix and counter suffix (lib/runtime/src/metrics/prometheus_names.rs@4415465e3e0d30b12163c3c3f15d49ed78b300a8).
  dynamo: 'dynamo_frontend_router_decisions_total',
} as const;

test('router decisions are a counter labelled by router mode and decision, in both namings', tags, () => {
  expect(Object.keys(NAMES)).toEqual([...METRICS_NAMINGS]);
  for (const naming of METRICS_NAMINGS) {
    const metrics = new FrontendMetrics(naming, { inflight: () => 0, queueDepth: () => 0, workers: () => 1 });
    metrics.routerDecisions.inc({ router_mode: 'locality', decision: 'locality_hit' });
    metrics.routerDecisions.inc({ router_mode: 'locality', decision: 'locality_hit' });
    metrics.routerDecisions.inc({ router_mode: 'locality', decision: 'locality_new_holder' });
    const text = metrics.render();
    expect(text).toContain(`# TYPE ${NAMES[naming]} counter`);
    const parsed = new Metrics(text);
    expect(parsed.value(NAMES[naming], { router_mode: 'locality', decision: 'locality_hit' })).toBe(2);
    expect(parsed.sum(NAMES[naming])).toBe(3);
  }
});

test('the frontend counts each placement under --metrics-naming dynamo', tags, async ({ launchStack }) => {
  const stack = await launchStack({ frontend: { routerMode: 'round-robin', args: ['--metrics-naming', 'dynamo'] }, workers: 2 });
  for (let i = 0; i < 3; i++) expect((await stack.client().completions({ prompt: `hello ${i}`, max_tokens: 2 })).status).toBe(200);
  const metrics = await stack.frontend.metrics();
  expect(metrics.value(NAMES.dynamo, { router_mode: 'round-robin', decision: 'round_robin' })).toBe(3);
  expect(metrics.has(NAMES.servewright)).toBe(false);
});
