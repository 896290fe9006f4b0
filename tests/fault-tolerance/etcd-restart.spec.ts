import { test, lacks } from '../../fixtures/index.ts';
import { servesThroughEtcdRestart } from '../../scenarios/etcd-restart.ts';

test.describe('etcd restart', { tag: ['@e2e', '@fault-tolerance'] }, () => {
  test.use({ stackOptions: { frontend: { routerMode: 'round-robin' }, workers: 2 } });
  test.beforeEach(({ profile }) => {
    const missing = lacks(profile, 'etcdRestart');
    test.skip(missing !== undefined, missing);
  });

  test('the stack serves through an outage of its only etcd member; workers re-register and a new worker is discovered after it', async ({ stack, client, servicesOnDemand }) => {
    const services = await servicesOnDemand();
    // The reference workers' lease TTL is 5 s: the client gives a lease up 10 s after its last keepalive, so they register anew.
    await servesThroughEtcdRestart(stack, client, services.etcd, { outageMs: 12_500, timeoutMs: 30_000 });
  });
});
