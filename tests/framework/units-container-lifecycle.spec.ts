// Container units on a real engine (the container suite's private dockerd; skipped with the
// reason elsewhere): SIGTERM escalates to SIGKILL after the grace, the log streams into the
// LogCursor, and a run killed with its containers up leaves them to the next run's cleanup.

import { test, expect } from 'servewright';
import { probeContainerRuntime, containerRuntimeClient } from '../../fixtures/services/container-runtime.ts';
import { removeAbandonedContainers } from '../../fixtures/services/container-cleanup.ts';
import { ContainerUnit } from '../../fixtures/stack/units/container-unit.ts';
import { unitImage } from '../../fixtures/stack/units/unit-image.ts';
import { referenceProfile } from '../../fixtures/stack/profiles/reference.ts';
import { newestProfile } from '../../fixtures/stack/profiles/index.ts';
import { tsxChild } from './helpers/tsx-child.ts';

const tags = { tag: ['@e2e', '@framework'] };

test.beforeAll(async () => {
  const runtime = await probeContainerRuntime();
  test.skip(!runtime.reachable, runtime.reachable ? '' : `no container runtime: ${runtime.reason}`);
});

const STUBBORN = `process.on('SIGTERM', () => console.log('ignoring SIGTERM')); console.log('up'); setInterval(() => {}, 1000);`;

test('kill: SIGTERM is escalated to SIGKILL after the grace; the output is in the unit log', tags, async ({}, testInfo) => {
  const client = await containerRuntimeClient();
  const unit = await ContainerUnit.start(client, { name: 'stubborn', command: process.execPath, args: ['-e', STUBBORN], ready: { log: /^\[stubborn\] up$/ } }, testInfo.outputDir, unitImage(newestProfile(referenceProfile), undefined));
  try {
    expect(unit.isAlive()).toBe(true);
    await unit.kill({ signal: 'SIGTERM', graceMs: 500 });
    expect(unit.isAlive()).toBe(false);
    expect(() => unit.assertAlive()).toThrow(/stubborn \(container\) is not running \(signal SIGKILL\)/);
    await expect.poll(() => unit.log.matchesSince(0, /ignoring SIGTERM/).length).toBe(1);
  } finally {
    await unit.stop();
  }
  const left = await client.container.dockerode.listContainers({ all: true, filters: { id: [unit.id] } });
  expect(left).toEqual([]);
});

test('a kill that races the container\'s own exit resolves with that exit instead of the engine\'s 409', tags, async ({}, testInfo) => {
  const client = await containerRuntimeClient();
  const script = "console.log('up'); process.on('SIGTERM', () => {}); setTimeout(() => { console.log('bye'); process.exit(3); }, 200)";
  const unit = await ContainerUnit.start(client, { name: 'quitter', command: process.execPath, args: ['-e', script], ready: { log: /^\[quitter\] up$/ } }, testInfo.outputDir, unitImage(newestProfile(referenceProfile), undefined));
  try {
    await unit.log.waitFor(/bye/);
    // Signals sent while the engine already has it stopped and before its wait() reports the exit.
    while (unit.isAlive()) await unit.kill({ signal: 'SIGTERM', graceMs: 20 });
    expect(() => unit.assertAlive()).toThrow(/quitter \(container\) is not running \(exit code 3\)/);
  } finally {
    await unit.stop();
  }
});

test('a container the engine created but could not start is removed, not leaked', tags, async ({}, testInfo) => {
  const client = await containerRuntimeClient();
  const name = `unstartable-${testInfo.testId.slice(0, 8)}-${testInfo.retry}`;
  const start = ContainerUnit.start(client, { name, command: '/no/such/binary', ready: { log: /never/ } }, testInfo.outputDir, unitImage(newestProfile(referenceProfile), undefined));
  await expect(start).rejects.toThrow(/no such file or directory/);
  const left = await client.container.dockerode.listContainers({ all: true, filters: { label: [`servewright.unit=${name}`] } });
  expect(left.map((c) => `${c.Id.slice(0, 12)} ${c.State}`)).toEqual([]);
});

test('a runner killed with its unit containers up: the next run removes them by their owner label', tags, async ({}, testInfo) => {
  const child = tsxChild(
    `import { containerRuntimeClient } from './fixtures/services/container-runtime.ts';
     import { ContainerUnit } from './fixtures/stack/units/container-unit.ts';
     import { unitImage } from './fixtures/stack/units/unit-image.ts';
     import { referenceProfile } from './fixtures/stack/profiles/reference.ts';
     import { newestProfile } from './fixtures/stack/profiles/index.ts';
     const unit = await ContainerUnit.start(await containerRuntimeClient(), { name: 'orphan', command: process.execPath, args: ['-e', "console.log('up'); setInterval(() => {}, 1000)"], ready: { log: /up/ } }, ${JSON.stringify(testInfo.outputDir)}, unitImage(newestProfile(referenceProfile), undefined));
     console.log('container ' + unit.id);
     setInterval(() => {}, 1000);`,
    process.env,
  );
  let id: string | undefined;
  child.all!.on('data', (chunk: Buffer) => {
    id ??= /container ([0-9a-f]{64})/.exec(chunk.toString())?.[1];
  });
  await expect.poll(() => id, { timeout: 60_000 }).toBeDefined();
  child.kill('SIGKILL');
  await child;
  const client = await containerRuntimeClient();
  expect(await client.container.dockerode.listContainers({ filters: { id: [id!] } })).toHaveLength(1);
  const removed = await removeAbandonedContainers(client);
  expect(removed.map((c) => c.id)).toContain(id);
  expect(await client.container.dockerode.listContainers({ all: true, filters: { id: [id!] } })).toEqual([]);
});
