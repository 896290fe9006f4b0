// The Markdown summary and the Allure results of child runs. Every test writes the few
// inline tests it asserts on, so each expected number is counted right above it.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { allureCategories } from '../../reporters/allure/categories.ts';
import { PHASES } from '../../fixtures/phase.ts';
import { expect, test, type AllureResultFile } from '../framework/helpers/inline-test.ts';

const PHASE_MODULE = fileURLToPath(new URL('../../fixtures/phase.ts', import.meta.url));

/** An inline spec file: the imports every one needs, then the given tests. */
const spec = (...tests: string[]) =>
  [
    `import { test, expect } from '@playwright/test';`,
    `import { phase } from ${JSON.stringify(PHASE_MODULE)};`,
    `const json = (body) => ({ body, contentType: 'application/json' });`,
    `const text = (body) => ({ body, contentType: 'text/plain' });`,
    `const log = (n, name) => Array.from({ length: n }, (_, i) => name + ' line ' + (i + 1)).join('\\n') + '\\n';`,
    ...tests,
  ].join('\n');

/** An inline test that attaches one scenario-metrics document. */
const scenarioTest = (title: string, metrics: Record<string, unknown>, tags = "['@e2e', '@scheduling']") =>
  `test(${JSON.stringify(title)}, { tag: ${tags} }, async ({}, testInfo) => {
    await testInfo.attach('scenario-metrics', json(${JSON.stringify(JSON.stringify(metrics))}));
  });`;

function section(markdown: string | undefined, heading: string): string {
  expect(markdown, 'the child run wrote reports/summary.md').toBeDefined();
  const start = markdown!.indexOf(`\n## ${heading}\n`);
  expect(start, `section "## ${heading}" in the summary`).toBeGreaterThanOrEqual(0);
  const next = markdown!.indexOf('\n## ', start + 1);
  return markdown!.slice(start, next === -1 ? undefined : next);
}

function label(result: AllureResultFile | undefined, name: string): string[] {
  expect(result, 'an Allure result').toBeDefined();
  return result!.labels.filter((l) => l.name === name).map((l) => l.value);
}

type Step = { name: string; attachments?: { name: string }[]; steps?: Step[] };
function attachmentNames(node: Step): string[] {
  return [...(node.attachments ?? []).map((a) => a.name), ...(node.steps ?? []).flatMap(attachmentNames)];
}

test.describe('Markdown summary', { tag: ['@e2e', '@reporting'] }, () => {
  test.describe.configure({ timeout: 120_000 });

  test('counts passed, failed, flaky and skipped tests, with the skip reason and the environment', async ({ inline }) => {
    const run = await inline.run(
      {
        'outcomes.spec.ts': spec(
          `test('passes', { tag: ['@e2e', '@framework'] }, () => {});`,
          `test('fails', { tag: ['@e2e', '@framework'] }, () => { expect(2 + 2, 'requests served').toBe(5); });`,
          `test('flaky once', { tag: ['@slow', '@workloads'] }, ({}, testInfo) => { expect(testInfo.retry, 'passes on the retry').toBe(1); });`,
          `test('needs a gpu', { tag: ['@gpu_1', '@framework'] }, () => { test.skip(true, 'no GPU on this machine'); });`,
        ),
      },
      { config: { retries: 1 }, env: { STACK: 'reference' } },
    );
    expect(run.exitCode, run.output).toBe(1);
    expect(run.counts).toEqual({ passed: 1, failed: 1, flaky: 1, skipped: 1 });
    const summary = section(run.markdown, 'Executive summary');
    expect(summary).toContain('| Passed | Failed | Flaky | Skipped | Total |\n| --- | --- | --- | --- | --- |\n| 1 | 1 | 1 | 1 | 4 |');
    expect(summary).toContain('| no GPU on this machine | 1 |');
    expect(summary).toMatch(/\| reference \| .+ \| .+ \| v\d+/);
    expect(run.run!.tests.map((t) => [t.title, t.outcome])).toEqual([
      ['passes', 'passed'],
      ['fails', 'failed'],
      ['flaky once', 'flaky'],
      ['needs a gpu', 'skipped'],
    ]);
  });

  test('tables per tag and per folder', async ({ inline }) => {
    const run = await inline.run({
      'scheduling/policies.spec.ts': spec(
        `test('a', { tag: ['@e2e', '@scheduling'] }, () => {});`,
        `test('b', { tag: ['@e2e', '@scheduling'] }, () => { test.skip(true, 'why not'); });`,
      ),
      'fault-tolerance/kill.spec.ts': spec(`test('c', { tag: ['@e2e', '@fault-tolerance'] }, () => { expect(1).toBe(2); });`),
      'top.spec.ts': spec(`test('d', { tag: ['@slow', '@scheduling'] }, () => {});`),
    });
    const tables = section(run.markdown, 'Results by tag and folder');
    expect(tables).toMatch(/\| @scheduling \| 2 \| 0 \| 0 \| 1 \| 3 \|/);
    expect(tables).toMatch(/\| @e2e \| 1 \| 1 \| 0 \| 1 \| 3 \|/);
    expect(tables).toMatch(/\| @fault-tolerance \| 0 \| 1 \| 0 \| 0 \| 1 \|/);
    expect(tables).toMatch(/\| scheduling \| 1 \| 0 \| 0 \| 1 \| 2 \|/);
    expect(tables).toMatch(/\| fault-tolerance \| 0 \| 1 \| 0 \| 0 \| 1 \|/);
    expect(tables).toMatch(/\| \(root\) \| 1 \| 0 \| 0 \| 0 \| 1 \|/);
  });

  test('failures show the error and the last lines of each process log; flaky tests their failing attempt', async ({ inline }) => {
    const run = await inline.run(
      {
        'fail.spec.ts': spec(
          `test('worker dies', { tag: ['@e2e', '@fault-tolerance'] }, async ({}, testInfo) => {
            await testInfo.attach('worker-0.log', text(log(30, 'worker-0')));
            expect(2 + 2, 'requests served').toBe(5);
          });`,
          `test('flaky once', { tag: ['@slow', '@workloads'] }, ({}, testInfo) => { expect(testInfo.retry, 'passes on the retry').toBe(1); });`,
        ),
      },
      { config: { retries: 1 } },
    );
    const failures = section(run.markdown, 'Failures');
    expect(failures).toContain('### ❌ worker dies');
    expect(failures).toContain('requests served');
    expect(failures).toContain('worker-0.log — last 20 lines');
    expect(failures).toContain('worker-0 line 11\n');
    expect(failures).toContain('worker-0 line 30\n');
    expect(failures).not.toContain('worker-0 line 10\n');
    expect(section(run.markdown, 'Flaky tests (passed on retry)')).toContain('passes on the retry');
  });

  test('performance folds every scenario-metrics attachment per scenario and mode; modes are compared like with like', async ({ inline }) => {
    const run = await inline.run({
      'perf.spec.ts': spec(
        scenarioTest('plas chatbot run 1', {
          scenario: 'chatbot', mode: 'PLAS', totalDurationMs: 1000, requests: 4, latencyMs: { min: 100, avg: 200, max: 300, p95: 290 },
          tokens: 40, engineDistribution: { e0: 3, e1: 1 }, cache: { hits: 3, lookups: 4, hitRate: 0.75 },
        }),
        scenarioTest('plas chatbot run 2', {
          scenario: 'chatbot', mode: 'PLAS', totalDurationMs: 1500, requests: 6, latencyMs: { min: 50, avg: 300, max: 500, p95: 450 },
          tokens: 60, engineDistribution: { e0: 1, e1: 5 }, cache: { hits: 1, lookups: 6, hitRate: 0.1667 },
        }),
        scenarioTest('atlas research', {
          scenario: 'research', mode: 'ATLAS', totalDurationMs: 500, requests: 5, latencyMs: { min: 80, avg: 130, max: 200, p95: 190 },
          tokens: 50, engineDistribution: { e0: 2, e1: 2, e2: 1 },
        }),
        scenarioTest('fcfs research', {
          scenario: 'research', mode: 'FCFS', totalDurationMs: 2000, requests: 5, latencyMs: { min: 200, avg: 390, max: 600, p95: 580 },
          tokens: 50, engineDistribution: { e0: 5 },
        }),
      ),
    });
    const perf = section(run.markdown, 'Performance');
    expect(perf).toContain(
      [
        '| Scenario | Mode | Requests | Min | Avg | Max | p95 | Tokens |',
        '| --- | --- | --- | --- | --- | --- | --- | --- |',
        '| chatbot | PLAS | 10 | 50.0 ms | 260.0 ms | 500.0 ms | 450.0 ms | 100 |',
        '| research | ATLAS | 5 | 80.0 ms | 130.0 ms | 200.0 ms | 190.0 ms | 50 |',
        '| research | FCFS | 5 | 200.0 ms | 390.0 ms | 600.0 ms | 580.0 ms | 50 |',
      ].join('\n'),
    );
    expect(perf).toContain('| Engine | Requests | Percentage |\n| --- | --- | --- |\n| e0 | 4 | 40.0% |\n| e1 | 6 | 60.0% |');
    expect(perf).toContain('| chatbot (PLAS) | 4 | 10 | 40.0% |');
    expect(perf).toContain('```mermaid\nxychart-beta');
    expect(perf).toContain('bar [260, 130, 390]');

    const comparison = section(run.markdown, 'Scheduling mode comparison');
    expect(comparison).toContain('### research');
    expect(comparison).toContain('| ATLAS | 1 | 5 | 130.0 ms | 190.0 ms | 200.0 ms | 50 | 100.0 | 1.00× |');
    expect(comparison).toContain('| FCFS | 1 | 5 | 390.0 ms | 580.0 ms | 600.0 ms | 50 | 25.0 | 3.00× |');
    // chatbot ran under PLAS only: nothing to compare it with, like with like.
    expect(comparison).not.toContain('| PLAS |');
  });

  test('the Genie section analyses remote vs local overhead', async ({ inline }) => {
    const results = {
      test_info: { hostname: 'client-1', timestamp: '2026-01-09T14:30:00', test_type: 'client_side' },
      tests: [
        { name: 'server_connectivity', status: 'PASS', details: 'ok', timing_ms: 12, timestamp: '2026-01-09T14:30:01' },
        { name: 'large_tensor', status: 'FAIL', details: 'payload | too large', timing_ms: 80, timestamp: '2026-01-09T14:30:02' },
      ],
      overhead: {
        operation: 'matmul',
        device: 'cuda:0',
        sizes: [
          { bytes: 1024, localMs: 1.5, remoteMs: 105.3, encodeMs: 0.2, httpMs: 104.9, decodeMs: 0.2, serverMs: 19.2, wireBytes: 2048,
            overheadMs: 103.8, overheadPct: 6920, networkOverheadMs: 86.1, networkOverheadPctOfServer: 448.4, throughputMBps: 0.02 },
          { bytes: 16777216, localMs: 400, remoteMs: 180, encodeMs: 20, httpMs: 150, decodeMs: 10, serverMs: null, wireBytes: 33554432,
            overheadMs: -220, overheadPct: -55, networkOverheadMs: null, networkOverheadPctOfServer: null, throughputMBps: 223.7 },
        ],
        breakEvenBytes: 10485760,
        recommendations: ['Offload matmul to cuda:0 from about 10 MiB up; below that the local CPU is faster.'],
      },
    };
    const run = await inline.run({
      'genie.spec.ts': spec(
        `test('genie overhead', { tag: ['@e2e', '@genie'] }, async ({}, testInfo) => {
          await testInfo.attach('genie-results', json(${JSON.stringify(JSON.stringify(results))}));
        });`,
      ),
    });
    const genie = section(run.markdown, 'Genie');
    expect(genie).toContain('**Checks:** 1 passed, 1 failed, 0 skipped');
    expect(genie).toContain('| large_tensor | FAIL | 80.0 ms | payload \\| too large |');
    expect(genie).toContain('#### Performance: matmul, local CPU vs server (cuda:0) vs remote');
    expect(genie).toContain('| 1.0 KiB | 1.50 ms | 19.2 ms | 105.3 ms | 0.20 ms / 104.9 ms / 0.20 ms | 86.1 ms | 448.4% | 103.8 ms | 6920.0% | local | 0.0 |');
    expect(genie).toContain('| 16.0 MiB | 400.0 ms | – | 180.0 ms | 20.0 ms / 150.0 ms / 10.0 ms | – | – | -220.0 ms | -55.0% | remote | 223.7 |');
    expect(genie).toContain('**Break-even size:** 10.0 MiB');
    expect(genie).toContain('**Recommendations:**\n- Offload matmul to cuda:0 from about 10 MiB up; below that the local CPU is faster.');
  });

  test('a scenario-metrics attachment off its contract is named with test, line and field, and left out', async ({ inline }) => {
    const run = await inline.run({
      'bad.spec.ts': spec(
        scenarioTest('bad metrics', { scenario: 'broken', totalDurationMs: 1, requests: 1, latencyMs: { min: 1, avg: 1, max: 1 }, tokens: 1, engineDistribution: {} }),
      ),
    });
    expect(section(run.markdown, 'Report warnings')).toMatch(/bad\.spec\.ts:\d+: attachment "scenario-metrics": latencyMs\.p95: /);
    expect(run.markdown).not.toContain('| broken |');
  });

  test('the summary is appended to GITHUB_STEP_SUMMARY', async ({ inline }) => {
    const stepSummary = test.info().outputPath('step-summary.md');
    writeFileSync(stepSummary, '## earlier step\n');
    const run = await inline.run({ 'one.spec.ts': spec(`test('one', { tag: ['@e2e', '@framework'] }, () => {});`) }, { env: { GITHUB_STEP_SUMMARY: stepSummary } });
    const appended = readFileSync(stepSummary, 'utf8');
    expect(appended.startsWith('## earlier step\n# servewright test summary\n')).toBe(true);
    expect(appended.slice('## earlier step\n'.length)).toBe(run.markdown);
  });
});

test.describe('Allure results', { tag: ['@e2e', '@reporting'] }, () => {
  test.describe.configure({ timeout: 120_000 });

  test('labels, severity, phases as steps, attachments and statuses', async ({ inline }) => {
    const run = await inline.run(
      {
        'areas/scheduling/modes.spec.ts': spec(
          `test.describe('scheduling modes', () => {
            test('plas chatbot', { tag: ['@e2e', '@scheduling'] }, async ({}, testInfo) => {
              await phase('bring-up', async () => { await testInfo.attach('frontend.log', text(log(3, 'frontend'))); });
              await phase('traffic', async () => {});
              await phase('fault', async () => {});
              await phase('assertions', async () => { await testInfo.attach('metrics-frontend.prom', text('x_total 0\\n')); });
            });
          });`,
          `test('worker dies', { tag: ['@e2e', '@fault-tolerance'] }, () => { expect(1).toBe(2); });`,
          `test('flaky once', { tag: ['@slow', '@workloads'] }, ({}, testInfo) => { expect(testInfo.retry).toBe(1); });`,
          `test('needs a gpu', { tag: ['@gpu_1', '@scheduling'] }, () => { test.skip(true, 'no GPU on this machine'); });`,
        ),
      },
      { config: { retries: 1 } },
    );
    const byName = (name: string) => run.allure.filter((r) => r.name === name);
    const plas = byName('plas chatbot')[0];
    expect(label(plas, 'epic')).toEqual(['scheduling']);
    expect(label(plas, 'feature')).toEqual(['areas/scheduling']);
    expect(label(plas, 'story')).toEqual(['scheduling modes']);
    expect(label(plas, 'severity')).toEqual(['critical']);
    const phases: readonly string[] = PHASES;
    expect(plas!.steps.map((s) => s.name).filter((name) => phases.includes(name))).toEqual(['bring-up', 'traffic', 'fault', 'assertions']);
    expect(attachmentNames(plas as Step)).toEqual(expect.arrayContaining(['frontend.log', 'metrics-frontend.prom']));

    expect(label(byName('flaky once')[0], 'severity')).toEqual(['minor']);
    expect(label(byName('needs a gpu')[0], 'severity')).toEqual(['normal']);
    expect(byName('worker dies').map((r) => r.status)).toEqual(['failed', 'failed']);
    expect(byName('flaky once').map((r) => r.status).sort()).toEqual(['failed', 'passed']);
    expect(byName('needs a gpu').map((r) => [r.status, r.statusDetails?.message])).toEqual([['skipped', 'no GPU on this machine']]);
  });

  test('environment and categories are written', async ({ inline }) => {
    const run = await inline.run({ 'one.spec.ts': spec(`test('one', { tag: ['@e2e', '@framework'] }, () => {});`) }, { env: { STACK: 'reference' } });
    const env = readFileSync(join(run.dir, 'allure-results/environment.properties'), 'utf8');
    expect(env).toContain('stack_profile=reference');
    expect(env).toMatch(/node=v\d+/);
    expect(env).toMatch(/git_sha=[0-9a-f]{12}/);
    const categories = JSON.parse(readFileSync(join(run.dir, 'allure-results/categories.json'), 'utf8')) as { name: string }[];
    expect(categories.map((c) => c.name)).toEqual(allureCategories.map((c) => c.name));
  });
});
