// What a deployment cannot do skips the test with the reason, at the step that needs it:
// a child run drives a deployment described without kill commands or worker logs, and
// the steps that need neither still run and pass.

import { join } from 'node:path';
import { REPO_ROOT } from '../../fixtures/state-dir.ts';
import { expect, test } from './helpers/inline-test.ts';

const CHILD_SPEC = `
import { test as base, expect } from ${JSON.stringify(join(REPO_ROOT, 'fixtures/index.ts'))};
import { startReferenceDeployment } from ${JSON.stringify(join(REPO_ROOT, 'tests/external/support/reference-deployment.ts'))};

const test = base.extend({
  stackDeployment: async ({ stackOptions, procs, ports, services, namespace }, use, testInfo) => {
    await use(await startReferenceDeployment({ procs, containers: undefined, ports, services, namespace, dir: testInfo.outputDir }, stackOptions, { kill: false, workerLogs: false }));
  },
});
test.use({ stackUnits: 'external', stackOptions: { workers: 1 } });

test('kill', async ({ stack }) => { await stack.kill(stack.workers[0]); });
test('worker log', async ({ stack }) => { stack.workers[0].proc.log.mark(); });
test('start worker', async ({ stack }) => { await stack.startWorker(); });
test('second stack', async ({ stack, launchStack }) => { await launchStack({ workers: 1 }); });
test('what needs no worker log runs', async ({ stack, client }) => {
  const marks = stack.markLogs();
  const res = await client.completions({ prompt: 'Who are you?', max_tokens: 4 });
  expect((await stack.whoServed(marks, res.workerId)).id).toBe('worker-0');
  expect((await stack.workers[0].metrics()).sum(stack.profile.metrics.workerGenerationTokens)).toBe(4);
});
`;

test('a deployment without kill commands or worker logs skips exactly the steps that need them, with the reason', { tag: ['@e2e', '@framework'] }, async ({ inline }) => {
  test.setTimeout(180_000);
  const run = await inline.run({ 'skips.spec.ts': CHILD_SPEC }, { reporter: '[]', config: { timeout: 60_000 } });
  const outcome = Object.fromEntries(
    run.results.map((r) => [r.title, { status: r.outcome, skip: r.annotations.find((a) => a.type === 'skip')?.description, error: r.errors[0] }]),
  );
  expect(outcome, run.output).toEqual({
    kill: { status: 'skipped', skip: expect.stringMatching(/servewright\.deployment\.yaml: workers\[0\] \(worker-0\) has no kill command for SIGKILL \(kill: command or SIGKILL\)$/), error: undefined },
    'worker log': { status: 'skipped', skip: expect.stringMatching(/servewright\.deployment\.yaml: workers\[0\] \(worker-0\) has no log source \(logs: command or file\)$/), error: undefined },
    'start worker': { status: 'skipped', skip: expect.stringMatching(/servewright\.deployment\.yaml: a running deployment cannot start another worker$/), error: undefined },
    'second stack': { status: 'skipped', skip: expect.stringMatching(/^deployment .*servewright\.deployment\.yaml is one stack; the spec launches a second one$/), error: undefined },
    'what needs no worker log runs': { status: 'passed', skip: undefined, error: undefined },
  });
});
