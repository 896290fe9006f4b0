import { once } from 'node:events';
import { createServer } from 'node:net';
import { hostname } from 'node:os';
import { connect } from 'nats';
import type { ContainerRuntimeClient } from 'testcontainers';
import { expect, PortAllocator, test } from 'servewright';
import { removeAbandonedContainers } from '../../fixtures/services/container-cleanup.ts';
import { LABEL_OWNER, LABEL_RUN_ID, ownContainerLabels } from '../../fixtures/services/container-labels.ts';
import { bindPublishedPortsToLoopback, LoopbackContainer } from '../../fixtures/services/container-loopback.ts';
import { ContainerService } from '../../fixtures/services/container-service.ts';
import { withoutCredentials } from '../../fixtures/services/container-nats.ts';
import { containerImages, containerProvider, serviceHealth } from '../../fixtures/services/container-provider.ts';
import { containerRuntimeClient, probeContainerRuntime } from '../../fixtures/services/container-runtime.ts';
import type { RunningServices } from '../../fixtures/services/provider.ts';
import { envWithout, tsxChild } from './helpers/tsx-child.ts';

const tag = ['@e2e', '@framework'];

/** A "run" that starts the container services and is then killed: no teardown runs, nothing removes its containers. */
const KILLED_RUN = `
  import { containerProvider } from './fixtures/services/container-provider.ts';
  import { PortAllocator } from './fixtures/ports/port-allocator.ts';
  await containerProvider.start({ logDir: process.env.SW_LOG_DIR, ports: new PortAllocator() });
  console.log('services up');
  setInterval(() => {}, 60_000);
`;

async function containersOwnedBy(client: ContainerRuntimeClient, pid: number): Promise<string[]> {
  const listed = await client.container.dockerode.listContainers({ all: true, filters: { label: [LABEL_OWNER] } });
  const prefix = `${hostname()}/${pid}-`;
  return listed.filter((c) => c.Labels[LABEL_OWNER]?.startsWith(prefix)).map((c) => c.Id);
}

test.describe('container provider building blocks', { tag }, () => {
  test('NatsContainer credentials are dropped, other arguments kept in order', () => {
    expect(withoutCredentials(['--user', 'test', '--pass', 'test', '--jetstream', '-m', '8222'])).toEqual(['--jetstream', '-m', '8222']);
  });

  test('every published port binds 127.0.0.1', () => {
    const hostConfig = { PortBindings: { '4222/tcp': [{ HostPort: '0' }], '8222/tcp': [{ HostPort: '18222' }] } };
    bindPublishedPortsToLoopback(hostConfig);
    expect(hostConfig.PortBindings).toEqual({
      '4222/tcp': [{ HostPort: '0', HostIp: '127.0.0.1' }],
      '8222/tcp': [{ HostPort: '18222', HostIp: '127.0.0.1' }],
    });
  });
});

test.describe('container provider without a container runtime', { tag }, () => {
  test('it fails saying how to get one', async () => {
    const noRuntime = 'unix:///nonexistent/docker.sock';
    const child = await tsxChild(
      `
      import { containerProvider } from './fixtures/services/container-provider.ts';
      import { PortAllocator } from './fixtures/ports/port-allocator.ts';
      await containerProvider.start({ logDir: process.env.SW_LOG_DIR, ports: new PortAllocator() }).catch((e) => {
        console.log(e.message);
        process.exitCode = 3;
      });
      `,
      { ...envWithout('DOCKER_HOST'), DOCKER_HOST: noRuntime, SW_LOG_DIR: test.info().outputPath('services') },
    );
    expect(child.exitCode, child.all).toBe(3);
    expect(child.stdout).toContain(`container services need a container runtime and none answers (DOCKER_HOST=${noRuntime}`);
    expect(child.stdout).toContain('npm run test:containers (it starts its own dockerd), or use SERVICES=local');
  });
});

test.describe('container provider against a container runtime', { tag }, () => {
  test.beforeEach(async () => {
    const runtime = await probeContainerRuntime();
    test.skip(!runtime.reachable, `needs a container runtime (npm run test:containers starts one): ${runtime.reachable ? '' : runtime.reason}`);
  });

  test('services run unauthenticated on loopback-only ports, labelled with the run and owner', async () => {
    const client = await containerRuntimeClient();
    const ports = new PortAllocator();
    // This worker's own services (SERVICES=container) may be up from an earlier test: they are not this test's.
    const before = await containersOwnedBy(client, process.pid);
    let running: RunningServices | undefined;
    try {
      running = await containerProvider.start({ logDir: test.info().outputPath('services'), ports });
      const nc = await connect({ servers: running.nats.url });
      await nc.flush();
      await nc.close();
      const health = await fetch(`${running.etcd.endpoints[0]}/health`);
      expect(await health.text()).toContain('"health":"true"');

      const ids = (await containersOwnedBy(client, process.pid)).filter((id) => !before.includes(id));
      expect(ids).toHaveLength(2);
      for (const id of ids) {
        const info = await client.container.dockerode.getContainer(id).inspect();
        expect(info.Config.Labels[LABEL_RUN_ID]).toBeTruthy();
        const hostIps = Object.values(info.HostConfig.PortBindings ?? {}).flatMap((b) => (b as { HostIp: string }[]).map((x) => x.HostIp));
        expect(new Set(hostIps)).toEqual(new Set(['127.0.0.1']));
      }
    } finally {
      await running?.dispose();
      await ports.releaseAll();
    }
    expect(await containersOwnedBy(client, process.pid)).toEqual(before);
  });

  test('containers of a killed run are removed at the next start; a live run keeps its own', async () => {
    const client = await containerRuntimeClient();
    const ports = new PortAllocator();
    const before = await containersOwnedBy(client, process.pid);
    let live: RunningServices | undefined;
    const killedRun = tsxChild(KILLED_RUN, { ...process.env, SW_LOG_DIR: test.info().outputPath('killed-run') });
    try {
      live = await containerProvider.start({ logDir: test.info().outputPath('live-run'), ports });
      await new Promise<void>((resolve, reject) => {
        killedRun.stdout.on('data', (chunk: Buffer) => {
          if (chunk.toString().includes('services up')) resolve();
        });
        void killedRun.then((r) => reject(new Error(`the run to be killed exited early: ${r.all}`)));
      });
      const childPid = killedRun.pid!;
      // Listed while the owner lives: nobody's cleanup touches them until it dies.
      expect(await containersOwnedBy(client, childPid)).toHaveLength(2);
      killedRun.kill('SIGKILL');
      await killedRun;

      await removeAbandonedContainers(client);

      // A concurrent run's global setup may remove some first, with this same cleanup; what counts is that none is left.
      expect(await containersOwnedBy(client, childPid)).toEqual([]);
      expect(await containersOwnedBy(client, process.pid)).toHaveLength(before.length + 2);
    } finally {
      killedRun.kill('SIGKILL');
      await live?.dispose();
      await ports.releaseAll();
    }
  });
});

test.describe('a service container that exits while starting', { tag }, () => {
  test('fails its start at once with its last lines, instead of polling its health URL until the startup timeout', async () => {
    const runtime = await probeContainerRuntime();
    test.skip(!runtime.reachable, `needs a container runtime (npm run test:containers starts one): ${runtime.reachable ? '' : runtime.reason}`);
    // Well under ContainerService's 120 s startup timeout: a start that polls until then fails here.
    test.setTimeout(60_000);
    const client = await containerRuntimeClient();
    const ports = new PortAllocator();
    const before = await containersOwnedBy(client, process.pid);
    const logPath = test.info().outputPath('etcd.log');
    try {
      const start = ContainerService.start(client, {
        name: 'etcd',
        container: new LoopbackContainer(containerImages().etcd).withCommand(['/usr/local/bin/etcd', '--no-such-flag']).withLabels(ownContainerLabels()),
        ready: serviceHealth('/health', 2379),
        ports: { 2379: await ports.allocate() },
        logPath,
      });
      // Depending on how fast it dies: during the health check (with its last lines), or before docker bound its ports.
      await expect(start).rejects.toThrow(/etcd container did not become healthy: (Container exited during HTTP healthCheck[^]*no-such-flag|Timed out after \d+ms while waiting for container ports to be bound)/);
    } finally {
      await ports.releaseAll();
    }
    expect(await containersOwnedBy(client, process.pid)).toEqual(before);
  });
});

test.describe('a service container the engine cannot start', { tag }, () => {
  test('is removed, not left in state created (its host port is taken)', async () => {
    const runtime = await probeContainerRuntime();
    test.skip(!runtime.reachable, `needs a container runtime (npm run test:containers starts one): ${runtime.reachable ? '' : runtime.reason}`);
    const client = await containerRuntimeClient();
    const ports = new PortAllocator();
    const before = await containersOwnedBy(client, process.pid);
    const taken = await ports.allocate();
    const squatter = createServer().listen(taken, '127.0.0.1');
    await once(squatter, 'listening');
    try {
      const start = ContainerService.start(client, {
        name: 'etcd',
        container: new LoopbackContainer(containerImages().etcd).withLabels(ownContainerLabels()),
        ready: serviceHealth('/health', 2379),
        ports: { 2379: taken },
        logPath: test.info().outputPath('etcd.log'),
      });
      await expect(start).rejects.toThrow(/etcd container did not become healthy: .*address already in use/);
    } finally {
      squatter.close();
      await ports.releaseAll();
    }
    expect(await containersOwnedBy(client, process.pid)).toEqual(before);
  });
});
