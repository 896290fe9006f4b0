// What a deployment cannot do skips the test with the reason, at the step that needs it:
// a child run drives a deployment described without kill commands or worker logs, and
// the steps that need neither still run and pass.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect } from '../../fixtures/index.ts';
import { REPO_ROOT } from '../../fixtures/state-dir.ts';
import { runPlaywright, writeProject } from '../reporting/inline-run.ts';

interface JsonTest {
  annotations: { type: string; description?: string }[];
  results: { status: string; error?: { message?: string } }[];
}
interface JsonSuite {
  specs?: { title: string; tests: JsonTest[] }[];
  suites?: JsonSuite[];
}

function specs(suite: JsonSuite): Array<{ title: string; tests: JsonTest[] }> {
  return [...(suite.specs ?? []), ...(suite.suites ?? []).flatMap(specs)];
}

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
  expect(stack.whoServed(marks, res.workerId).id).toBe('worker-0');
  expect((await stack.workers[0].metrics()).sum(stack.profile.metrics.workerGenerationTokens)).toBe(4);
});
`;

test('a deployment without kill commands or worker logs skips exactly the steps that need them, with the reason', { tag: ['@e2e', '@framework'] }, async ({}, testInfo) => {
  test.setTimeout(180_000);
  const dir = testInfo.outputPath('child');
  writeProject(dir, { 'skips.spec.ts': CHILD_SPEC }, { reporter: `[['json', { outputFile: 'results.json' }]]`, config: { timeout: 60_000 } });
  const run = await runPlaywright(dir, ['test']);
  const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as { suites: JsonSuite[] };
  const outcome = Object.fromEntries(
    results.suites.flatMap(specs).map((s) => {
      const t = s.tests[0]!;
      return [s.title, { status: t.results[0]?.status, skip: t.annotations.find((a) => a.type === 'skip')?.description, error: t.results[0]?.error?.message }];
    }),
  );
  expect(outcome, run.output).toEqual({
    kill: { status: 'skipped', skip: expect.stringMatching(/servewright\.deployment\.yaml: workers\[0\] \(worker-0\) has no kill command for SIGKILL \(kill: command or SIGKILL\)$/), error: undefined },
    'worker log': { status: 'skipped', skip: expect.stringMatching(/servewright\.deployment\.yaml: workers\[0\] \(worker-0\) has no log source \(logs: command or file\)$/), error: undefined },
    'start worker': { status: 'skipped', skip: expect.stringMatching(/servewright\.deployment\.yaml: a running deployment cannot start another worker$/), error: undefined },
    'second stack': { status: 'skipped', skip: expect.stringMatching(/^deployment .*servewright\.deployment\.yaml is one stack; the spec launches a second one$/), error: undefined },
    'what needs no worker log runs': { status: 'passed', skip: undefined, error: undefined },
  });
});
