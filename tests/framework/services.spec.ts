import { Etcd3 } from 'etcd3';
import { connect, StringCodec, type NatsConnection } from 'nats';
import { etcdKey, expect, natsSubject, test, type Services } from 'servewright';
import { findBinary } from '../../fixtures/services/binaries.ts';
import { selectProvider, servicesChoiceFromEnv } from '../../fixtures/services/select-provider.ts';

const tag = ['@e2e', '@framework'];
const sc = StringCodec();

async function withNats<T>(url: string, fn: (nc: NatsConnection) => Promise<T>): Promise<T> {
  const nc = await connect({ servers: url, reconnect: false });
  try {
    return await fn(nc);
  } finally {
    await nc.close();
  }
}

async function withEtcd<T>(endpoints: string[], fn: (etcd: Etcd3) => Promise<T>): Promise<T> {
  const etcd = new Etcd3({ hosts: endpoints });
  try {
    return await fn(etcd);
  } finally {
    etcd.close();
  }
}

async function natsRoundTrip(url: string, subject: string): Promise<string> {
  return withNats(url, async (nc) => {
    const sub = nc.subscribe(subject, { max: 1 });
    nc.publish(subject, sc.encode(`hello ${subject}`));
    for await (const msg of sub) return sc.decode(msg.data);
    throw new Error(`no message on ${subject}`);
  });
}

async function withEnv<T>(vars: Record<string, string | undefined>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const apply = (v: Record<string, string | undefined>): void => {
    for (const [k, value] of Object.entries(v)) {
      if (value === undefined) delete process.env[k];
      else process.env[k] = value;
    }
  };
  apply(vars);
  try {
    return await fn();
  } finally {
    apply(saved);
  }
}

test.describe('services', () => {
  test('NATS pub/sub and JetStream through the fixture', { tag }, async ({ services, namespace }) => {
    expect(services.nats.url).toMatch(/^nats:\/\/127\.0\.0\.1:\d+$/);
    const subject = natsSubject(namespace, 'ping');
    expect(subject).toBe(`${namespace}.ping`);
    expect(await natsRoundTrip(services.nats.url, subject)).toBe(`hello ${subject}`);

    await withNats(services.nats.url, async (nc) => {
      const stream = `${namespace}-events`;
      await (await nc.jetstreamManager()).streams.add({ name: stream, subjects: [natsSubject(namespace, 'events', '>')] });
      const js = nc.jetstream();
      for (const n of [1, 2, 3]) await js.publish(natsSubject(namespace, 'events', 'a'), sc.encode(`event ${n}`));
      const consumer = await js.consumers.get(stream);
      const got: string[] = [];
      for (let i = 0; i < 3; i++) got.push(sc.decode((await consumer.next({ expires: 5_000 }))!.data));
      expect(got).toEqual(['event 1', 'event 2', 'event 3']);
    });
  });

  test('etcd put/get, watch and lease expiry through the fixture', { tag }, async ({ services, namespace }) => {
    expect(services.etcd.endpoints).toEqual([expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/)]);
    await withEtcd(services.etcd.endpoints, async (etcd) => {
      const key = etcdKey(namespace, 'workers', 'w1');
      expect(key).toBe(`/${namespace}/workers/w1`);
      await etcd.put(key).value('plain');
      expect(await etcd.get(key).string()).toBe('plain');

      const watcher = await etcd.watch().prefix(etcdKey(namespace, 'leased')).create();
      const events: string[] = [];
      const deleted = new Promise<void>((resolve) => {
        watcher.on('put', (kv) => events.push(`put ${kv.key.toString()}`));
        watcher.on('delete', (kv) => {
          events.push(`delete ${kv.key.toString()}`);
          resolve();
        });
      });
      const leasedKey = etcdKey(namespace, 'leased', 'w2');
      const lease = etcd.lease(1, { autoKeepAlive: false });
      await lease.put(leasedKey).value('alive');
      expect(await etcd.get(leasedKey).string()).toBe('alive');
      await deleted;
      expect(await etcd.get(leasedKey).string()).toBeNull();
      expect(events).toEqual([`put ${leasedKey}`, `delete ${leasedKey}`]);
      await watcher.cancel();
    });
  });

  test('services stop and restart on the same URL, keeping their data', { tag }, async ({ services, namespace }) => {
    const { url } = services.nats;
    const [endpoint] = services.etcd.endpoints;
    const key = etcdKey(namespace, 'survives');
    await withEtcd(services.etcd.endpoints, async (etcd) => {
      await etcd.put(key).value('yes');
    });

    await services.nats.stop();
    await services.etcd.stop();
    await expect(connect({ servers: url, reconnect: false })).rejects.toThrow();
    await services.nats.restart();
    await services.etcd.restart();

    expect(services.nats.url).toBe(url);
    expect(services.etcd.endpoints).toEqual([endpoint]);
    expect(await natsRoundTrip(url, natsSubject(namespace, 'after'))).toBe(`hello ${natsSubject(namespace, 'after')}`);
    expect(await withEtcd(services.etcd.endpoints, (etcd) => etcd.get(key).string())).toBe('yes');
  });

  test.describe('a service a test leaves stopped', () => {
    test.describe.configure({ mode: 'serial' });

    test('is stopped by this test', { tag }, async ({ services }) => {
      await services.nats.stop();
    });

    test('is running again for the next test in the worker', { tag }, async ({ services, namespace }) => {
      expect(await natsRoundTrip(services.nats.url, natsSubject(namespace, 'healed'))).toContain('hello');
    });
  });

  test('the external provider uses already-running servers and refuses to stop them', { tag }, async ({ services, namespace }) => {
    await withEnv({ NATS_SERVER: services.nats.url, ETCD_ENDPOINTS: services.etcd.endpoints.join(',') }, async () => {
      const { provider, reason } = selectProvider('external');
      expect(provider.name).toBe('external');
      const running = await provider.start({ logDir: test.info().outputDir, ports: undefined as never });
      const external: Services = { provider: provider.name, reason, ...running };
      expect(external.nats.url).toBe(services.nats.url);
      expect(await natsRoundTrip(external.nats.url, natsSubject(namespace, 'ext'))).toContain('hello');
      await withEtcd(external.etcd.endpoints, async (etcd) => {
        await etcd.put(etcdKey(namespace, 'ext')).value('v');
        expect(await etcd.get(etcdKey(namespace, 'ext')).string()).toBe('v');
      });
      await expect(external.nats.stop()).rejects.toThrow('cannot stop or restart it; run fault specs with SERVICES=local');
      await running.dispose();
      expect(await natsRoundTrip(services.nats.url, natsSubject(namespace, 'still'))).toContain('hello');
    });
  });

  test('the external provider names what is missing or unreachable', { tag }, async () => {
    await withEnv({ NATS_SERVER: 'nats://127.0.0.1:1', ETCD_ENDPOINTS: undefined }, async () => {
      await expect(selectProvider('external').provider.start({ logDir: test.info().outputDir, ports: undefined as never })).rejects.toThrow(
        'ETCD_ENDPOINTS is not set',
      );
    });
    await withEnv({ NATS_SERVER: 'nats://127.0.0.1:1', ETCD_ENDPOINTS: 'http://127.0.0.1:1' }, async () => {
      await expect(selectProvider('external').provider.start({ logDir: test.info().outputDir, ports: undefined as never })).rejects.toThrow(
        /external NATS_SERVER=nats:\/\/127\.0\.0\.1:1 is not reachable: .*\nexternal ETCD_ENDPOINTS=http:\/\/127\.0\.0\.1:1 is not reachable/,
      );
    });
  });

  test('bad SERVICES values and missing binaries fail with what to do', { tag }, async () => {
    await withEnv({ SERVICES: 'docker' }, async () => {
      expect(() => servicesChoiceFromEnv()).toThrow('SERVICES=docker is not one of auto, local, external, container');
    });
    await withEnv({ PATH: '/nonexistent' }, async () => {
      expect(() => findBinary('servewright-missing-server', 'SERVEWRIGHT_TEST_BIN')).toThrow(
        'servewright-missing-server not found on PATH or in /usr/sbin, /usr/bin; install them with: sudo apt-get install nats-server etcd-server',
      );
    });
  });
});
