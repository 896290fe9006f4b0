// The fault-tolerance scenarios through the external backend: the stack fixture drives a
// deployment it did not start, knowing it only from servewright.deployment.yaml (log
// followers, kill commands, metrics URLs), exactly as it would a user's compose stack.

import { test as base } from 'servewright';
import { failsWhenEveryWorkerDies, failsWithoutMigration, survivesWorkerDeath, cancelInSequence, cancelOnClientTimeout } from 'servewright/scenarios';
import { startReferenceDeployment } from './support/reference-deployment.ts';

const LONG = { longTokens: 2_000, timeoutMs: 30_000 };
const CANCEL = { maxTokens: 8_000, timeoutMs: 10_000 };

// The deployment is brought up per test from the spec's own stackOptions, before the stack
// fixture attaches to it: a test that kills a worker leaves nothing for the next one.
// EXTERNAL_DEPLOYMENT_UNITS=container (the container suite) deploys it as containers.
const test = base.extend({
  stackDeployment: async ({ stackOptions, procs, unitContainers, ports, services, namespace }, use, testInfo) => {
    const containers = process.env.EXTERNAL_DEPLOYMENT_UNITS === 'container' ? unitContainers : undefined;
    await use(await startReferenceDeployment({ procs, containers, ports, services, namespace, dir: testInfo.outputDir }, stackOptions));
  },
});
test.use({ stackUnits: 'external' });

test.describe('external deployment: migration', { tag: ['@e2e', '@fault-tolerance'] }, () => {
  test.use({ stackOptions: { frontend: { routerMode: 'round-robin', migrationLimit: 3 }, workers: 2 } });

  test('a streaming completion survives SIGKILL of its worker, token for token', async ({ stack, client }) => {
    await survivesWorkerDeath(stack, client, { api: 'completion', streaming: true, signal: 'SIGKILL', ...LONG });
  });

  test('a non-streaming chat survives SIGTERM of its worker', async ({ stack, client }) => {
    await survivesWorkerDeath(stack, client, { api: 'chat', streaming: false, signal: 'SIGTERM', ...LONG });
  });

  test('a request fails cleanly when every worker dies under it', async ({ stack, client }) => {
    await failsWhenEveryWorkerDies(stack, client, LONG);
  });
});

test.describe('external deployment: migration disabled', { tag: ['@e2e', '@fault-tolerance'] }, () => {
  test.use({ stackOptions: { frontend: { routerMode: 'round-robin', migrationLimit: 0 }, workers: 2 } });

  test('a killed worker fails its stream with an error event and nothing migrates', async ({ stack, client }) => {
    await failsWithoutMigration(stack, client, { api: 'chat', streaming: true, ...LONG });
  });
});

test.describe('external deployment: cancellation', { tag: ['@e2e', '@fault-tolerance'] }, () => {
  test.use({ stackOptions: { workers: 1 } });

  test('client disconnect cancels on the worker: completion, chat, chat streaming in sequence', async ({ stack, client }) => {
    await cancelInSequence(stack, client, CANCEL);
  });

  test('a client timeout cancels the request on the worker', async ({ stack, client }) => {
    await cancelOnClientTimeout(stack, client, { ...CANCEL, clientTimeoutMs: 200 });
  });
});
