// Seed 001's performance budget: workload-aware routing adds under 5 ms p99. Measured with
// the frontend-overhead bench's own code (scripts/bench/frontend-overhead-measure.ts): the
// same open loop straight to a mock worker and through the frontend under
// --scheduler workload-aware, every request carrying an X-Workload-Context. The figures are
// attached whether the budget holds or not.

import { cpus } from 'node:os';
import { expect, test } from 'servewright';
import { formatOverhead, measureFrontendOverhead } from '../../scripts/bench/frontend-overhead-measure.ts';

/** Seed 001, "Performance Metrics": latency overhead < 5 ms p99. */
const BUDGET_P99_MS = 5;
/**
 * Load generator, frontend, nats-server and worker need a core each: on fewer they queue
 * behind each other and the tail measures that queue (README "Benchmarks": p99 added 1.33 ms
 * on 16 cores, 5.92 ms on the same box pinned to 2).
 */
const MIN_CPUS = 4;

test('workload-aware routing adds less than 5 ms p99 over the worker alone', { tag: ['@slow', '@scheduling'] }, async ({}, testInfo) => {
  test.skip(cpus().length < MIN_CPUS, `${cpus().length} CPUs: the budget is measured with a core for each of load generator, frontend, nats-server and worker (${MIN_CPUS}); \`npx tsx scripts/bench/frontend-overhead.ts\` prints the figure here`);
  testInfo.setTimeout(300_000);
  const result = await measureFrontendOverhead({
    rate: 1000,
    durationS: 5,
    warmupS: 1,
    maxTokens: 4,
    repeat: 3,
    frontendArgs: ['--scheduler', 'workload-aware'],
    requestHeaders: { 'x-workload-context': JSON.stringify({ workload_id: 'overhead', criticality: 3 }) },
  });
  const table = formatOverhead(result);
  await testInfo.attach('frontend-overhead.txt', { body: table, contentType: 'text/plain' });
  await testInfo.attach('frontend-overhead.json', { body: JSON.stringify(result, null, 2), contentType: 'application/json' });
  expect(result.direct.errors, table).toBe(0);
  expect(result.frontend.errors, table).toBe(0);
  expect(result.frontend.ok, table).toBe(result.options.rate * result.options.durationS);
  expect(result.addedP99Ms, `added p99 over the ${BUDGET_P99_MS} ms budget:\n${table}`).toBeLessThan(BUDGET_P99_MS);
});
