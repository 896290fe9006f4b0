import { test, lacks, withEtcdCluster, type Capability } from 'servewright';
import { servesAfterNatsRestart, servesThroughEtcdFailover, servesThroughEtcdRestart } from 'servewright/scenarios';

function skipUnless(capability: Capability): void {
  test.use({ stackOptions: { frontend: { routerMode: 'round-robin' }, workers: 2 } });
  test.beforeEach(({ profile }) => {
    const missing = lacks(profile, capability);
    test.skip(missing !== undefined, missing);
  });
}

test.describe('etcd restart', { tag: ['@e2e', '@fault-tolerance'] }, () => {
  skipUnless('etcdRestart');

  test('the stack serves through an outage of its only etcd member; workers re-register and a new worker is discovered after it', async ({ stack, client, servicesOnDemand }) => {
    const services = await servicesOnDemand();
    // The reference workers' lease TTL is 5 s: the client gives a lease up 10 s after its last keepalive, so they register anew.
    await servesThroughEtcdRestart(stack, client, services.etcd, { outageMs: 12_500, timeoutMs: 30_000 });
  });
});

test.describe('etcd failover', { tag: ['@e2e', '@fault-tolerance'] }, () => {
  skipUnless('etcdFailover');

  test('a 3-member etcd cluster loses one member at a time: requests are served and a worker started meanwhile is discovered', async ({ launchStack, ports }, testInfo) => {
    await withEtcdCluster(3, () => ports.allocate(), testInfo.outputDir, async (cluster) => {
      const stack = await launchStack({ frontend: { routerMode: 'round-robin' }, workers: 2, etcdEndpoints: cluster.endpoints });
      await servesThroughEtcdFailover(stack, stack.client(), cluster, { timeoutMs: 30_000 });
    });
  });
});

test.describe('NATS restart', { tag: ['@e2e', '@fault-tolerance'] }, () => {
  skipUnless('natsRestart');

  test('after NATS restarts every process reconnects: every worker serves again and a new worker is found', async ({ stack, client, servicesOnDemand }) => {
    const services = await servicesOnDemand();
    // Longer than nats.js's default 10 reconnect attempts at the processes' 250 ms pace.
    await servesAfterNatsRestart(stack, client, services.nats, { outageMs: 4_000, timeoutMs: 30_000 });
  });
});
