// The standalone workload-aware client (seed 001's test client): every scenario against a
// real frontend, results.json with each request's send and completion time, and the
// completion order checked against the policy's.

import { readFile } from 'node:fs/promises';
import { execa } from 'execa';
import { expect, test } from 'servewright';
import { startScriptedServer } from '../../workloads/testing/scripted-server.ts';
import type { WaResults } from '../../workloads/workload-aware/results.ts';
import { ONE_SLOT } from './support/saturation.ts';

const client = (args: string[]) => execa('node', ['--import', 'tsx', 'workloads/workload-aware/cli.ts', ...args], { reject: false, timeout: 120_000 });

test.describe('workload-aware client', () => {
  test.use({ stackOptions: { frontend: { scheduler: 'workload-aware' }, workers: ONE_SLOT } });

  test('--scenario all against the reference frontend: every scenario in order, results.json with send/complete times', { tag: ['@e2e', '@scheduling'] }, async ({ stack }, testInfo) => {
    testInfo.setTimeout(180_000);
    const output = testInfo.outputPath('results.json');
    const run = await client(['--api-base', stack.frontend.url, '--scenario', 'all', '--output', output]);
    await testInfo.attach('wa-client.txt', { body: run.stdout + run.stderr, contentType: 'text/plain' });
    await testInfo.attach('results.json', { path: output, contentType: 'application/json' });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    const results = JSON.parse(await readFile(output, 'utf8')) as WaResults;
    expect(results.strategy).toBe('queued behind a blocker, queue depth from /debug/scheduler');
    const byName = Object.fromEntries(results.scenarios.map((s) => [s.scenario, s]));
    expect(Object.keys(byName)).toEqual(['basic-priority', 'wait-time-boost', 'request-rate-fairness', 'mixed-stress', 'default-workload']);
    expect(byName['basic-priority']!.completionOrder).toEqual(['high', 'medium', 'low']);
    expect(byName['wait-time-boost']!.completionOrder).toEqual(['old-low', 'fresh-medium']);
    expect(byName['request-rate-fairness']!.completionOrder).toEqual(['quiet-0', 'busy-0', 'busy-1', 'busy-2', 'busy-3', 'busy-4']);
    expect(byName['mixed-stress']!.requests).toHaveLength(48);
    for (const s of results.scenarios) {
      expect(s.allSucceeded, s.scenario).toBe(true);
      for (const r of s.requests) {
        expect(r.statusCode).toBe(200);
        expect(Date.parse(r.completeTime)).toBeGreaterThanOrEqual(Date.parse(r.sendTime));
        expect(r.durationMs).toBeCloseTo(r.completeMs - r.sendMs, 6);
        expect(r.completionIndex).toBe(s.completionOrder.indexOf(r.id));
      }
    }
    // Queued scenarios: every request was sent before the first one completed.
    const basic = byName['basic-priority']!.requests;
    expect(Math.max(...basic.map((r) => r.sendMs))).toBeLessThan(Math.min(...basic.map((r) => r.completeMs)));
    expect(byName['basic-priority']!.requests.find((r) => r.id === 'high')).toMatchObject({ workloadId: 'fraud', criticality: 5 });
    expect(run.stdout).toContain('--- basic-priority: high > medium > low, whatever the arrival order ---');
  });
});

test('without /debug/scheduler the client paces its requests and reports an order it could not enforce', { tag: ['@e2e', '@scheduling'] }, async ({}, testInfo) => {
  const server = await startScriptedServer(() => ({ tokens: 1 }));
  try {
    const output = testInfo.outputPath('paced.json');
    const run = await client(['--api-base', server.url, '--scenario', 'basic-priority', '--gap-ms', '20', '--output', output]);
    expect(run.exitCode, run.stdout + run.stderr).toBe(1);
    const results = JSON.parse(await readFile(output, 'utf8')) as WaResults;
    expect(results.strategy).toBe('paced, 20 ms between sends (no /debug/scheduler)');
    expect(results.scenarios[0]).toMatchObject({ scenario: 'basic-priority', allSucceeded: true, inExpectedOrder: false, completionOrder: ['low', 'medium', 'high'] });
    expect(server.received.filter((r) => r.path === '/v1/completions').map((r) => r.headers['x-workload-context'])).toEqual([
      '{"workload_id":"batch","criticality":1}',
      '{"workload_id":"chat","criticality":3}',
      '{"workload_id":"fraud","criticality":5}',
    ]);
    const bad = await client(['--api-base', server.url, '--scenario', 'nope']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('unknown scenario(s) nope; expected all or basic-priority, wait-time-boost');
  } finally {
    await server.close();
  }
});
