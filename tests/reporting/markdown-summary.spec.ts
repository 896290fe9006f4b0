import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { allureCategories } from '../../reporters/allure/categories.ts';
import { PHASES } from '../../reporters/allure/phase.ts';
import { runInline, type AllureResultFile, type InlineRunResult } from './inline-run.ts';

const PHASE_MODULE = fileURLToPath(new URL('../../reporters/allure/phase.ts', import.meta.url));

const scenario = (name: string, mode: string, m: Record<string, unknown>) => JSON.stringify({ scenario: name, mode, ...m });

/** Known numbers in: two PLAS runs of one scenario, one ATLAS, one FCFS (see the expected tables below). */
const SPEC = `
import { test, expect } from '@playwright/test';
import { phase } from ${JSON.stringify(PHASE_MODULE)};

const json = (body) => ({ body, contentType: 'application/json' });
const text = (body) => ({ body, contentType: 'text/plain' });
const log = (n, name) => Array.from({ length: n }, (_, i) => name + ' line ' + (i + 1)).join('\\n') + '\\n';

test.describe('scheduling modes', () => {
  test('plas chatbot run 1', { tag: ['@e2e', '@scheduling'], annotation: { type: 'services-provider', description: 'local' } }, async ({}, testInfo) => {
    await phase('bring-up', async () => { await testInfo.attach('frontend.log', text(log(3, 'frontend'))); });
    await phase('traffic', async () => {});
    await phase('fault', async () => {});
    await phase('assertions', async () => {
      await testInfo.attach('metrics-frontend.prom', text('servewright_frontend_migration_total 0\\n'));
      await testInfo.attach('scenario-metrics', json(${JSON.stringify(
        scenario('chatbot', 'PLAS', {
          totalDurationMs: 1000, requests: 4, latencyMs: { min: 100, avg: 200, max: 300, p95: 290 }, tokens: 40,
          engineDistribution: { e0: 3, e1: 1 }, cache: { hits: 3, lookups: 4, hitRate: 0.75 },
        }),
      )}));
    });
  });
  test('plas chatbot run 2', { tag: ['@e2e', '@scheduling'] }, async ({}, testInfo) => {
    await testInfo.attach('scenario-metrics', json(${JSON.stringify(
      scenario('chatbot', 'PLAS', {
        totalDurationMs: 1500, requests: 6, latencyMs: { min: 50, avg: 300, max: 500, p95: 450 }, tokens: 60,
        engineDistribution: { e0: 1, e1: 5 }, cache: { hits: 1, lookups: 6, hitRate: 0.1667 },
      }),
    )}));
  });
  test('atlas research', { tag: ['@e2e', '@scheduling'] }, async ({}, testInfo) => {
    await testInfo.attach('scenario-metrics', json(${JSON.stringify(
      scenario('research', 'ATLAS', {
        totalDurationMs: 500, requests: 5, latencyMs: { min: 80, avg: 130, max: 200, p95: 190 }, tokens: 50,
        engineDistribution: { e0: 2, e1: 2, e2: 1 },
      }),
    )}));
  });
  test('fcfs research', { tag: ['@e2e', '@scheduling'] }, async ({}, testInfo) => {
    await testInfo.attach('scenario-metrics', json(${JSON.stringify(
      scenario('research', 'FCFS', {
        totalDurationMs: 2000, requests: 5, latencyMs: { min: 200, avg: 390, max: 600, p95: 580 }, tokens: 50,
        engineDistribution: { e0: 5 },
      }),
    )}));
  });
});

test('worker dies', { tag: ['@e2e', '@fault-tolerance'] }, async ({}, testInfo) => {
  await testInfo.attach('worker-0.log', text(log(30, 'worker-0')));
  expect(2 + 2, 'requests served').toBe(5);
});

test('needs a gpu', { tag: ['@gpu_1', '@scheduling'] }, async () => {
  test.skip(true, 'no GPU on this machine');
});

test('flaky once', { tag: ['@slow', '@workloads'] }, async ({}, testInfo) => {
  expect(testInfo.retry, 'passes on the retry').toBe(1);
});

test('genie overhead', { tag: ['@e2e', '@genie'] }, async ({}, testInfo) => {
  await testInfo.attach('genie-results', json(${JSON.stringify(
    JSON.stringify({
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
    }),
  )}));
});

test('bad metrics', { tag: ['@e2e', '@workloads'] }, async ({}, testInfo) => {
  await testInfo.attach('scenario-metrics', json(JSON.stringify({ scenario: 'broken', totalDurationMs: 1, requests: 1,
    latencyMs: { min: 1, avg: 1, max: 1 }, tokens: 1, engineDistribution: {} })));
});
`;

function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`\n## ${heading}\n`);
  expect(start, `section "## ${heading}" in the summary`).toBeGreaterThanOrEqual(0);
  const next = markdown.indexOf('\n## ', start + 1);
  return markdown.slice(start, next === -1 ? undefined : next);
}

function allureByName(results: AllureResultFile[], name: string): AllureResultFile[] {
  return results.filter((r) => r.name === name);
}

function label(result: AllureResultFile, name: string): string[] {
  return result.labels.filter((l) => l.name === name).map((l) => l.value);
}

type Step = { name: string; attachments?: { name: string }[]; steps?: Step[] };
function attachmentNames(node: Step): string[] {
  return [...(node.attachments ?? []).map((a) => a.name), ...(node.steps ?? []).flatMap(attachmentNames)];
}

test.describe('Markdown and Allure reporters on one inline run', { tag: ['@e2e', '@reporting'] }, () => {
  test.describe.configure({ mode: 'serial', timeout: 240_000 });
  let run: InlineRunResult;
  let stepSummary: string;

  test.beforeAll(async ({}, testInfo) => {
    testInfo.setTimeout(240_000);
    const dir = testInfo.outputPath('inline');
    stepSummary = join(dir, 'step-summary.md');
    run = await runInline(dir, { 'areas/scheduling/modes.spec.ts': SPEC, 'step-summary.md': '## earlier step\n' }, {
      config: { retries: 1 },
      env: { GITHUB_STEP_SUMMARY: stepSummary, STACK: 'reference' },
    });
  });

  test('counts passed, failed, flaky and skipped tests, with the skip reason', async () => {
    expect(run.exitCode, run.output).toBe(1);
    const summary = section(run.markdown, 'Executive summary');
    expect(summary).toContain('| Passed | Failed | Flaky | Skipped | Total |\n| --- | --- | --- | --- | --- |\n| 6 | 1 | 1 | 1 | 9 |');
    expect(summary).toContain('| no GPU on this machine | 1 |');
    expect(summary).toMatch(/\| reference \| local \| .+ \| v\d+/);
    expect(run.run.tests.map((t) => [t.title, t.outcome])).toEqual(
      expect.arrayContaining([
        ['worker dies', 'failed'],
        ['flaky once', 'flaky'],
        ['needs a gpu', 'skipped'],
        ['plas chatbot run 1', 'passed'],
      ]),
    );
  });

  test('tables per tag and per folder', async () => {
    const tables = section(run.markdown, 'Results by tag and folder');
    expect(tables).toMatch(/\| @scheduling \| 4 \| 0 \| 0 \| 1 \| 5 \|/);
    expect(tables).toMatch(/\| @fault-tolerance \| 0 \| 1 \| 0 \| 0 \| 1 \|/);
    expect(tables).toMatch(/\| @workloads \| 1 \| 0 \| 1 \| 0 \| 2 \|/);
    expect(tables).toMatch(/\| areas\/scheduling \| 6 \| 1 \| 1 \| 1 \| 9 \|/);
  });

  test('failures show the error and the last lines of each process log', async () => {
    const failures = section(run.markdown, 'Failures');
    expect(failures).toContain('### ❌ worker dies');
    expect(failures).toContain('requests served');
    expect(failures).toContain('worker-0.log — last 20 lines');
    expect(failures).toContain('worker-0 line 11\n');
    expect(failures).toContain('worker-0 line 30\n');
    expect(failures).not.toContain('worker-0 line 10\n');
    expect(section(run.markdown, 'Flaky tests (passed on retry)')).toContain('passes on the retry');
  });

  test('performance aggregates every scenario-metrics attachment', async () => {
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
  });

  test('scheduling modes are compared side by side', async () => {
    const comparison = section(run.markdown, 'Scheduling mode comparison');
    expect(comparison).toContain('| PLAS | 2 | 10 | 260.0 ms | 450.0 ms | 500.0 ms | 100 | 40.0 | 2.00× |');
    expect(comparison).toContain('| ATLAS | 1 | 5 | 130.0 ms | 190.0 ms | 200.0 ms | 50 | 100.0 | 1.00× |');
    expect(comparison).toContain('| FCFS | 1 | 5 | 390.0 ms | 580.0 ms | 600.0 ms | 50 | 25.0 | 3.00× |');
  });

  test('the Genie section analyses remote vs local overhead', async () => {
    const genie = section(run.markdown, 'Genie');
    expect(genie).toContain('**Checks:** 1 passed, 1 failed, 0 skipped');
    expect(genie).toContain('| large_tensor | FAIL | 80.0 ms | payload \\| too large |');
    expect(genie).toContain('#### Performance: matmul, local CPU vs server (cuda:0) vs remote');
    expect(genie).toContain('| 1.0 KiB | 1.50 ms | 19.2 ms | 105.3 ms | 0.20 ms / 104.9 ms / 0.20 ms | 86.1 ms | 448.4% | 103.8 ms | 6920.0% | local | 0.0 |');
    expect(genie).toContain('| 16.0 MiB | 400.0 ms | – | 180.0 ms | 20.0 ms / 150.0 ms / 10.0 ms | – | – | -220.0 ms | -55.0% | remote | 223.7 |');
    expect(genie).toContain('**Break-even size:** 10.0 MiB');
    expect(genie).toContain('**Recommendations:**\n- Offload matmul to cuda:0 from about 10 MiB up; below that the local CPU is faster.');
  });

  test('a scenario-metrics attachment off its contract is named with test, line and field', async () => {
    const warnings = section(run.markdown, 'Report warnings');
    expect(warnings).toMatch(/areas\/scheduling\/modes\.spec\.ts:\d+: attachment "scenario-metrics": latencyMs\.p95: /);
    expect(run.markdown).not.toContain('| broken |');
  });

  test('the summary is appended to GITHUB_STEP_SUMMARY', async () => {
    const appended = readFileSync(stepSummary, 'utf8');
    expect(appended.startsWith('## earlier step\n# servewright test summary\n')).toBe(true);
    expect(appended.slice('## earlier step\n'.length)).toBe(run.markdown);
  });

  test('Allure results carry labels, severity, phases and attachments', async () => {
    const [plas] = allureByName(run.allure, 'plas chatbot run 1');
    expect(plas).toBeDefined();
    expect(label(plas!, 'epic')).toEqual(['scheduling']);
    expect(label(plas!, 'feature')).toEqual(['areas/scheduling']);
    expect(label(plas!, 'story')).toEqual(['scheduling modes']);
    expect(label(plas!, 'severity')).toEqual(['critical']);
    const phases: readonly string[] = PHASES;
    expect(plas!.steps.map((s) => s.name).filter((name) => phases.includes(name))).toEqual(['bring-up', 'traffic', 'fault', 'assertions']);
    expect(attachmentNames(plas as Step)).toEqual(expect.arrayContaining(['frontend.log', 'metrics-frontend.prom', 'scenario-metrics']));

    expect(label(allureByName(run.allure, 'flaky once')[0]!, 'severity')).toEqual(['minor']);
    expect(label(allureByName(run.allure, 'needs a gpu')[0]!, 'severity')).toEqual(['normal']);
    expect(allureByName(run.allure, 'worker dies').map((r) => r.status)).toEqual(['failed', 'failed']);
    expect(allureByName(run.allure, 'flaky once').map((r) => r.status).sort()).toEqual(['failed', 'passed']);
    expect(allureByName(run.allure, 'needs a gpu').map((r) => r.status)).toEqual(['skipped']);
  });

  test('Allure environment and categories are written', async () => {
    const env = readFileSync(join(run.dir, 'allure-results/environment.properties'), 'utf8');
    expect(env).toContain('stack_profile=reference');
    expect(env).toMatch(/node=v\d+/);
    expect(env).toMatch(/git_sha=[0-9a-f]{12}/);
    const categories = JSON.parse(readFileSync(join(run.dir, 'allure-results/categories.json'), 'utf8')) as { name: string }[];
    expect(categories.map((c) => c.name)).toEqual(allureCategories.map((c) => c.name));
  });
});
