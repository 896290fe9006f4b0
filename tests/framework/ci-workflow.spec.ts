import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { expect, test } from 'servewright';
import { REPO_ROOT } from '../../fixtures/state-dir.ts';
import { buildMatrix, TIER_TAGS } from '../../scripts/ci-matrix.ts';

const tag = ['@e2e', '@framework'];
const WORKFLOW = join(REPO_ROOT, '.github/workflows/e2e.yml');

/** The part of GitHub's workflow syntax this workflow uses; unknown keys are errors, so a typo cannot pass. */
const Step = z
  .strictObject({
    id: z.string().optional(),
    name: z.string().optional(),
    if: z.string().optional(),
    uses: z.string().regex(/^[\w.-]+\/[\w.-]+@v\d+$/, 'owner/action@vN').optional(),
    with: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    run: z.string().optional(),
    env: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  })
  .refine((s) => (s.uses === undefined) !== (s.run === undefined), 'a step has exactly one of uses and run');

const Job = z.strictObject({
  name: z.string().optional(),
  needs: z.union([z.string(), z.array(z.string())]).optional(),
  if: z.string().optional(),
  'runs-on': z.union([z.string(), z.array(z.string())]),
  'timeout-minutes': z.number().int().positive(),
  outputs: z.record(z.string(), z.string()).optional(),
  strategy: z.strictObject({ 'fail-fast': z.boolean().optional(), matrix: z.string() }).optional(),
  env: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  steps: z.array(Step).min(1),
});

const Workflow = z.strictObject({
  name: z.string(),
  on: z.strictObject({
    push: z.strictObject({ branches: z.array(z.string()) }),
    pull_request: z.null(),
    schedule: z.array(z.strictObject({ cron: z.string().regex(/^(\S+\s){4}\S+$/, 'five cron fields') })).min(1),
    workflow_dispatch: z.null(),
  }),
  permissions: z.record(z.string(), z.enum(['read', 'write', 'none'])),
  concurrency: z.strictObject({ group: z.string(), 'cancel-in-progress': z.union([z.boolean(), z.string()]) }),
  jobs: z.strictObject({ plan: Job, test: Job, report: Job }),
});
type Workflow = z.infer<typeof Workflow>;

function loadWorkflow(): Workflow {
  const doc = parse(readFileSync(WORKFLOW, 'utf8')) as unknown;
  const result = Workflow.safeParse(doc);
  if (!result.success) throw new Error(`${WORKFLOW}: ${z.prettifyError(result.error)}`);
  return result.data;
}

function runs(job: Workflow['jobs'][keyof Workflow['jobs']]): string {
  return job.steps.flatMap((s) => (s.run ? [s.run] : [])).join('\n');
}

test.describe('.github/workflows/e2e.yml', { tag }, () => {
  test('matches the workflow schema', () => {
    expect(() => loadWorkflow()).not.toThrow();
  });

  test('the test job runs the planned matrix: runner, --grep and --shard from ci-matrix', () => {
    const { jobs } = loadWorkflow();
    expect(runs(jobs.plan)).toContain('npm run -s ci:matrix -- --event');
    expect(jobs.plan.outputs?.matrix).toBe('${{ steps.matrix.outputs.matrix }}');
    expect(jobs.test.needs).toBe('plan');
    expect(jobs.test.strategy).toEqual({ 'fail-fast': false, matrix: '${{ fromJSON(needs.plan.outputs.matrix) }}' });
    expect(jobs.test['runs-on']).toBe('${{ matrix.runner }}');
    expect(runs(jobs.test)).toContain('npx playwright test --grep "${{ matrix.grep }}" ${GREP_INVERT:+--grep-invert "$GREP_INVERT"} --shard=${{ matrix.shard }}/${{ matrix.shards }}');
    const step = jobs.test.steps.find((s) => s.run?.includes('playwright test'));
    expect(step?.env?.GREP_INVERT).toBe('${{ matrix.grepInvert }}');
  });

  test('every matrix field the workflow reads is one ci-matrix writes', () => {
    const text = readFileSync(WORKFLOW, 'utf8');
    const read = new Set([...text.matchAll(/\$\{\{\s*matrix\.([\w-]+)/g)].map((m) => m[1]));
    const tests = TIER_TAGS.map((tier) => ({ file: 'x.spec.ts', line: 1, title: tier, tags: [tier] }));
    const written = Object.keys(buildMatrix(tests, 'schedule').include[0]!);
    expect([...read].sort()).toEqual(['grep', 'grepInvert', 'runner', 'shard', 'shards', 'tier']);
    expect([...read].filter((k) => !written.includes(k!))).toEqual([]);
  });

  test('shards upload blob reports and Allure results; the report job merges them and uploads one report', () => {
    const { jobs } = loadWorkflow();
    const uploads = jobs.test.steps.filter((s) => s.uses?.startsWith('actions/upload-artifact@'));
    expect(uploads.map((s) => s.with?.path)).toEqual(['blob-report', 'allure-results']);
    expect(jobs.test.env?.PLAYWRIGHT_BLOB_OUTPUT_NAME).toBe('report-${{ matrix.tier }}-${{ matrix.shard }}.zip');

    expect(jobs.report.needs).toEqual(['plan', 'test']);
    expect(jobs.report.if).toContain('!cancelled()');
    const downloads = jobs.report.steps.filter((s) => s.uses?.startsWith('actions/download-artifact@'));
    expect(downloads.map((s) => [s.with?.pattern, s.with?.path, s.with?.['merge-multiple']])).toEqual([
      ['blob-*', 'blob-report', true],
      ['allure-results-*', 'allure-results', true],
    ]);
    expect(runs(jobs.report)).toContain('npm run report');
    const upload = jobs.report.steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'));
    expect(String(upload?.with?.path).split('\n').filter(Boolean)).toEqual(['allure-report', 'reports']);
  });

  test('typecheck runs before the tests: in the plan job and in .ci/run', () => {
    const plan = runs(loadWorkflow().jobs.plan).split('\n');
    expect(plan.indexOf('npm run typecheck')).toBeGreaterThanOrEqual(0);
    expect(plan.indexOf('npm run typecheck')).toBeLessThan(plan.findIndex((l) => l.includes('ci:matrix')));
    const ciRun = readFileSync(join(REPO_ROOT, '.ci/run'), 'utf8').split('\n');
    expect(ciRun.indexOf('npm run typecheck')).toBeGreaterThanOrEqual(0);
    expect(ciRun.indexOf('npm run typecheck')).toBeLessThan(ciRun.indexOf('npm test'));
    expect(JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).scripts.typecheck).toBe('tsc -p tsconfig.json');
  });

  test('a typo in a key is caught by the schema', () => {
    const doc = parse(readFileSync(WORKFLOW, 'utf8')) as { jobs: { test: Record<string, unknown> } };
    doc.jobs.test['runs_on'] = doc.jobs.test['runs-on'];
    delete doc.jobs.test['runs-on'];
    const result = Workflow.safeParse(doc);
    expect(result.success).toBe(false);
    expect(z.prettifyError(result.error!)).toMatch(/runs_on|runs-on/);
  });
});
