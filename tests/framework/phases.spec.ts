// A stack launch is the scenario's bring-up phase, and phase() adds the others, as steps the
// reports show (seen from a child run's JSON report).

import { fileURLToPath } from 'node:url';
import { expect, test } from './helpers/inline-test.ts';

const FIXTURES = fileURLToPath(new URL('../../fixtures/index.ts', import.meta.url));
const STAND_INS = fileURLToPath(new URL('./stand-ins/env.ts', import.meta.url));

test('launchStack is the bring-up step; phase() marks traffic, fault and assertions', { tag: ['@e2e', '@framework'] }, async ({ inline }) => {
  test.setTimeout(120_000);
  const run = await inline.run(
    {
      'phases.spec.ts': `
import { test, expect, phase } from ${JSON.stringify(FIXTURES)};
import { standInEnv } from ${JSON.stringify(STAND_INS)};
test.use({ stackProfile: 'vllm', stackEnv: standInEnv() });
test('scenario', { tag: ['@e2e', '@framework'] }, async ({ launchStack }) => {
  const stack = await launchStack({ workers: 1 });
  const res = await phase('traffic', () => stack.client().completions({ prompt: 'hi', max_tokens: 2 }));
  await phase('fault', () => stack.kill(stack.workers[0]!, { signal: 'SIGKILL' }));
  await phase('assertions', async () => { expect(res.status).toBe(200); });
});
`,
    },
    { reporter: '[]' },
  );
  expect(run.counts, run.output).toEqual({ passed: 1, failed: 0, flaky: 0, skipped: 0 });
  expect(run.results[0]!.steps.filter((s) => !/Hooks$/.test(s))).toEqual(['bring-up', 'traffic', 'fault', 'assertions']);
});
