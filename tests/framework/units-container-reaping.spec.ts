// A runner SIGKILLed with its stack up in containers (STACK_UNITS=container, SERVICES=container)
// leaves nothing of ours on the engine: its reaper removes the containers its workers held,
// and where the reaper was killed too, the next run's global setup removes them by their
// owner label. Needs an engine (the container suite's private dockerd); skips with the reason elsewhere.

import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { expect, test } from './helpers/inline-test.ts';
import { childRun } from './child-runs/child-run.ts';
import { containerRuntimeClient, probeContainerRuntime } from '../../fixtures/services/container-runtime.ts';
import { LABEL_RUN_ID } from '../../fixtures/services/container-labels.ts';
import { listProcs } from '../../fixtures/process/os-processes.ts';

const tag = ['@e2e', '@framework'];

test.beforeAll(async () => {
  const runtime = await probeContainerRuntime();
  test.skip(!runtime.reachable, runtime.reachable ? '' : `no container runtime: ${runtime.reason}`);
});

for (const reaperToo of [false, true]) {
  const title = reaperToo ? 'a runner SIGKILLed with its reaper: the next run removes its unit and service containers' : 'a SIGKILLed runner: its reaper removes its unit and service containers';
  test(title, { tag }, async ({ inline }) => {
    test.setTimeout(120_000);
    const runId = randomUUID();
    const ready = test.info().outputPath('ready');
    const env = {
      SERVEWRIGHT_RUN_ID: runId, STACK_UNITS: 'container', SERVICES: 'container', CHAOS_READY_FILE: ready,
      SERVEWRIGHT_PID_REGISTRY: test.info().outputPath('pid-registry'), SERVEWRIGHT_REAPER_DIR: test.info().outputPath('reaper'),
    };
    const client = await containerRuntimeClient();
    const ours = async () => (await client.container.dockerode.listContainers({ all: true, filters: { label: [`${LABEL_RUN_ID}=${runId}`] } })).map((c) => `${c.Labels['servewright.unit'] ?? c.Image} ${c.State}`);

    const runner = await childRun(inline, { name: 'killed-run', file: 'stack.child.ts', env, ready: async () => existsSync(ready) });
    // NATS, etcd, the frontend and one worker.
    expect(await ours()).toHaveLength(4);
    if (reaperToo) {
      const reaper = listProcs().filter((p) => p.ppid === runner.pid && p.pgid === p.pid);
      expect(reaper, 'one reaper per run').toHaveLength(1);
      process.kill(reaper[0]!.pid, 'SIGKILL');
    }
    process.kill(-runner.pid, 'SIGKILL');
    await runner.exited;
    if (reaperToo) {
      expect(await ours(), 'nobody removed them yet').toHaveLength(4);
      const next = await childRun(inline, { name: 'next-run', file: 'noop.child.ts', env: { ...env, SERVEWRIGHT_RUN_ID: randomUUID() } });
      expect((await next.exited).code).toBe(0);
      expect(next.log.matchesSince(0, /removed 4 container\(s\) left by a previous run/)).toHaveLength(1);
    }
    await expect.poll(ours, { timeout: 30_000 }).toEqual([]);
  });
}
