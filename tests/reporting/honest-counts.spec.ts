// Reports that never overstate: a skip is a skip (not an Allure global error), a run on
// stand-in executables is never a GPU pass, and a subfolder project keeps its folder name.

import { fileURLToPath } from 'node:url';
import { STAND_IN_ENV } from '../../fixtures/stack/stand-in.ts';
import { expect, test } from '../framework/helpers/inline-test.ts';
import { standInEnv } from '../framework/stand-ins/env.ts';

const FIXTURES = fileURLToPath(new URL('../../fixtures/index.ts', import.meta.url));
const STAND_INS = fileURLToPath(new URL('../framework/stand-ins/env.ts', import.meta.url));

test.describe('reports that never overstate', { tag: ['@e2e', '@reporting'] }, () => {
  test.describe.configure({ timeout: 120_000 });

  test('test.skip() in beforeAll or beforeEach is a skip with its reason, not an Allure global error; a failing hook still is one', async ({ inline }) => {
    const run = await inline.run({
      'hooks.spec.ts': `
import { test } from '@playwright/test';
test.describe('needs a GPU', () => {
  test.beforeAll(() => { test.skip(true, 'profile dynamo: no GPU: nvidia-smi not found'); });
  test('migrates', { tag: ['@gpu_1', '@fault-tolerance'] }, () => {});
  test('cancels', { tag: ['@gpu_1', '@fault-tolerance'] }, () => {});
});
test.describe('per test', () => {
  test.beforeEach(() => { test.skip(true, 'model missing'); });
  test('replays', { tag: ['@e2e', '@workloads'] }, () => {});
});
test.describe('broken setup', () => {
  test.beforeAll(() => { throw new Error('etcd did not start'); });
  test('routes', { tag: ['@e2e', '@scheduling'] }, () => {});
});
`,
    });
    expect(run.counts).toEqual({ passed: 0, failed: 1, flaky: 0, skipped: 3 });
    expect(run.allureGlobalErrors).toHaveLength(1);
    expect(run.allureGlobalErrors[0]).toContain('etcd did not start');
    const skipped = run.allure.filter((r) => r.status === 'skipped').map((r) => [r.name, r.statusDetails?.message]);
    expect(skipped.sort()).toEqual([
      ['cancels', 'profile dynamo: no GPU: nvidia-smi not found'],
      ['migrates', 'profile dynamo: no GPU: nvidia-smi not found'],
      ['replays', 'model missing'],
    ]);
    expect(run.markdown).toContain('| profile dynamo: no GPU: nvidia-smi not found | 2 |');
    expect(run.markdown).toContain('| model missing | 1 |');
  });

  test('a test that ran on stand-in executables is labelled so and never counted as a GPU pass', async ({ inline }) => {
    const run = await inline.run({
      'stand-in.spec.ts': `
import { test, expect } from ${JSON.stringify(FIXTURES)};
import { standInEnv } from ${JSON.stringify(STAND_INS)};
test.use({ stackProfile: 'vllm', stackEnv: standInEnv(), stackOptions: { workers: 1 } });
test('serves a completion', { tag: ['@gpu_1', '@framework'] }, async ({ client }) => {
  const res = await client.completions({ prompt: 'Who are you?', max_tokens: 2 });
  expect(res.body.usage.completion_tokens).toBe(2);
});
`,
      'no-stack.spec.ts': `import { test } from '@playwright/test';\ntest('claims a GPU without a stack', { tag: ['@gpu_1', '@framework'] }, () => {});\n`,
    });
    expect(run.exitCode, run.output).toBe(0);
    // What the stand-in environment says stands in, as the stack fixture copies it into the annotation.
    const what = standInEnv()[STAND_IN_ENV]!;
    expect(what).toMatch(/^tests\/framework\/stand-ins/);
    const standIn = run.results.find((r) => r.title === 'serves a completion');
    expect(standIn?.annotations).toContainEqual({ type: 'stand-in', description: what });

    expect(run.markdown).toContain('| @gpu_1 | 1 | 0 | 0 | 0 | 1 |');
    expect(run.markdown).toContain('| @gpu_1 (stand-ins) | 1 | 0 | 0 | 0 | 1 |');
    expect(run.markdown).toContain(`**Stand-ins:** 1 test(s) ran against stand-in executables (${what}), not real engines.`);
    expect(run.run!.tests.find((t) => t.title === 'serves a completion')?.standIn).toBe(what);

    const allure = (name: string) => run.allure.find((r) => r.name === name);
    const tags = (name: string) => allure(name)?.labels.filter((l) => l.name === 'tag').map((l) => l.value);
    expect(tags('serves a completion')).toContain('stand-in');
    expect(allure('serves a completion')?.parameters).toContainEqual(expect.objectContaining({ name: 'engines', value: `stand-ins (${what})` }));
    expect(tags('claims a GPU without a stack')).not.toContain('stand-in');
  });

  test('a project whose testDir is a subfolder reports that folder, not (root)', async ({ inline }) => {
    const run = await inline.run(
      { 'fault-tolerance/kill.spec.ts': `import { test } from '@playwright/test';\ntest('kill', { tag: ['@e2e', '@fault-tolerance'] }, () => {});\n` },
      { config: { projects: [{ name: 'all' }, { name: 'subfolder', testDir: './fault-tolerance' }] } },
    );
    expect(run.results.map((r) => r.projectName).sort()).toEqual(['all', 'subfolder']);
    expect(run.markdown).toContain('| fault-tolerance | 2 | 0 | 0 | 0 | 2 |');
    expect(run.markdown).not.toContain('(root)');
    expect(run.run!.tests.map((t) => t.file)).toEqual(['fault-tolerance/kill.spec.ts', 'fault-tolerance/kill.spec.ts']);
    const features = run.allure.map((r) => r.labels.find((l) => l.name === 'feature')?.value);
    expect(features).toEqual(['fault-tolerance', 'fault-tolerance']);
  });
});
