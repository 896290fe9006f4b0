import { join } from 'node:path';
import { execa } from 'execa';
import { REPO_ROOT } from '../../fixtures/state-dir.ts';
import { expect, test, type InlineTest } from './helpers/inline-test.ts';
import { buildMatrix, listTests, tierProblems, type ListedTest } from '../../scripts/ci-matrix.ts';

const tag = ['@e2e', '@framework'];
const CI_MATRIX = join(REPO_ROOT, 'scripts/ci-matrix.ts');

const TAGGED_SPECS: Record<string, string> = {
  'fast.spec.ts': `import { test } from '@playwright/test';
test('quick one', { tag: ['@e2e', '@framework'] }, () => {});
test('quick two', { tag: ['@e2e', '@scheduling'] }, () => {});
`,
  'slow.spec.ts': `import { test } from '@playwright/test';
test.describe('long haul', { tag: '@slow' }, () => {
  test('inherits its tier from the describe', { tag: '@workloads' }, () => {});
});
`,
  'gpu.spec.ts': `import { test } from '@playwright/test';
test('needs one gpu', { tag: ['@gpu_1', '@genie'] }, () => {});
`,
};
const UNTIERED_SPEC = `import { test } from '@playwright/test';
test('forgot its tier', { tag: '@scheduling' }, () => {});
`;

/** A throwaway project (the inline-test harness's) for ci-matrix to plan; returns its config. */
function fakeProject(inline: InlineTest, specs: Record<string, string>): string {
  return join(inline.write(specs), 'playwright.config.ts');
}

function ciMatrix(config: string, event: string) {
  return execa(process.execPath, ['--import', 'tsx', CI_MATRIX, '--config', config, '--event', event], { cwd: REPO_ROOT, reject: false });
}

function listed(tags: string[], count = 1): ListedTest[] {
  return Array.from({ length: count }, (_, i) => ({ file: 'x.spec.ts', line: i + 1, title: `t${i}`, tags }));
}

test.describe('scripts/ci-matrix.ts', { tag }, () => {
  test('plans the e2e tier on push, adds slow and GPU tiers nightly, with tags inherited from describe', async ({ inline }) => {
    const config = fakeProject(inline, TAGGED_SPECS);
    const push = await ciMatrix(config, 'push');
    expect(push.exitCode, push.stderr).toBe(0);
    expect(push.stderr).toContain('4 test(s); tags: @e2e 2, @framework 1, @genie 1, @gpu_1 1, @scheduling 1, @slow 1, @workloads 1');
    expect(JSON.parse(push.stdout)).toEqual({
      include: [{ tier: 'e2e', grep: '@e2e\\b', grepInvert: '', runner: 'ubuntu-latest', shard: 1, shards: 1, tests: 2 }],
    });

    const nightly = await ciMatrix(config, 'schedule');
    expect(nightly.exitCode, nightly.stderr).toBe(0);
    const jobs = (JSON.parse(nightly.stdout) as { include: { tier: string; runner: unknown }[] }).include;
    expect(jobs.map((j) => j.tier)).toEqual(['e2e', 'slow', 'gpu_1']);
    expect(jobs.find((j) => j.tier === 'gpu_1')?.runner).toEqual(['self-hosted', 'linux', 'gpu_1']);
  });

  test('fails naming file, line and title when a test has no tier tag', async ({ inline }) => {
    const config = fakeProject(inline, { ...TAGGED_SPECS, 'untiered.spec.ts': UNTIERED_SPEC });
    const run = await ciMatrix(config, 'push');
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/untiered\.spec\.ts:2 "forgot its tier": no tier tag \(one of @e2e, @slow, @gpu_1, @gpu_2\)/);
    expect(run.stderr).not.toContain('fast.spec.ts');
  });

  test('two tier tags are as wrong as none, and an undocumented tag is named', async ({ inline }) => {
    const config = fakeProject(inline, { 'double.spec.ts': `import { test } from '@playwright/test';\ntest('both', { tag: ['@e2e', '@slow', '@frameworks'] }, () => {});\n` });
    const run = await ciMatrix(config, 'push');
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('"both": 2 tier tags (@e2e, @slow); one is allowed, or one GPU tier with @slow');
    expect(run.stderr).toMatch(/warning: @frameworks is not in docs\/tags\.md/);
  });

  test('shards split a tier by its test count, capped per tier', () => {
    const jobs = (n: number) => buildMatrix(listed(['@e2e'], n), 'push').include;
    expect(jobs(60).map((j) => j.shard)).toEqual([1]);
    expect(jobs(61).map((j) => `${j.shard}/${j.shards}`)).toEqual(['1/2', '2/2']);
    expect(jobs(10_000)).toHaveLength(4);
    expect(buildMatrix(listed(['@gpu_1'], 50), 'schedule').include).toHaveLength(1);
    expect(buildMatrix(listed(['@gpu_2'], 3), 'pull_request').include).toEqual([]);
  });

  test('the grep pattern of a tier does not match a longer tag', () => {
    const [gpu1] = buildMatrix(listed(['@gpu_1']), 'schedule').include;
    const grep = new RegExp(gpu1!.grep);
    expect(grep.test('needs one gpu @gpu_1 @genie')).toBe(true);
    expect(grep.test('needs ten gpus @gpu_10')).toBe(false);
  });

  test('a slow GPU test runs on the GPU runner only, never in the CPU slow job', () => {
    const tests = [...listed(['@gpu_1', '@slow', '@fault-tolerance']), ...listed(['@slow'], 2)];
    expect(tierProblems(tests)).toEqual([]);
    const jobs = buildMatrix(tests, 'schedule').include;
    expect(jobs.map((j) => `${j.tier}:${j.tests}`)).toEqual(['slow:2', 'gpu_1:1']);
    const slow = jobs.find((j) => j.tier === 'slow')!;
    const title = 'survives SIGKILL @gpu_1 @slow @fault-tolerance';
    expect(new RegExp(slow.grep).test(title) && !new RegExp(slow.grepInvert).test(title)).toBe(false);
    expect(tierProblems(listed(['@gpu_1', '@gpu_2']))).toHaveLength(1);
  });

  test('every test in this repository has one tier tag', async () => {
    test.setTimeout(180_000);
    const problems = tierProblems(await listTests());
    expect(problems).toEqual([]);
  });
});
