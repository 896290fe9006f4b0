// A Genie server on another node (GENIE_URL) and the bind address of the servers we start
// (GENIE_HOST / the host option). The "remote" node here is a server this test starts as a
// separate process and hands over by URL only: that is all a remote node is to the client.
import { request } from 'undici';
import {
  expect, hostInfo, launchConfigFromEnv, launchGenieServer, probeLatency, seededTensor, test, type GenieLaunchDeps,
} from 'servewright';
import { stackBundlePath } from '../../fixtures/state-dir.ts';

const TAGS = { tag: ['@e2e', '@genie'] };

/** Launch dependencies that fail the test if the launcher tries to start or allocate anything. */
const NOTHING_STARTS: GenieLaunchDeps = {
  allocatePort: () => Promise.reject(new Error('GENIE_URL must not allocate a port')),
  startProcess: () => Promise.reject(new Error('GENIE_URL must not start a process')),
};

async function answers(url: string): Promise<number | string> {
  try {
    const res = await request(`${url}/health`, { headersTimeout: 5_000 });
    await res.body.dump();
    return res.statusCode;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code ?? String(err);
  }
}

test('GENIE_URL: the client uses a server already running elsewhere and starts nothing', TAGS, async ({ procs, ports }) => {
  const port = await ports.allocate();
  const node = await procs.start({
    name: 'remote-node',
    command: process.execPath,
    args: [stackBundlePath('genie'), '--host', '127.0.0.1', '--port', String(port)],
    ready: { http: { url: `http://127.0.0.1:${port}/health` } },
  });
  const url = `http://127.0.0.1:${port}`;
  const config = launchConfigFromEnv({ GENIE_URL: `${url}/` });
  expect(config).toMatchObject({ profile: 'remote', url, command: undefined, wire: undefined });

  const server = await launchGenieServer(NOTHING_STARTS, config, 'genie');
  expect(server).toMatchObject({ profile: 'remote', url, port, proc: undefined, startupMs: undefined });
  expect(server.client.wire.name, "wire from the server's advertised tensor_format").toBe('npy');
  expect(procs.all().map((p) => p.name)).toEqual([node.name]);

  const { tensor } = await server.client.execute('relu', seededTensor([4, 4], 1));
  expect(tensor.shape).toEqual([4, 4]);
  const latency = await probeLatency(server.url, 3);
  expect({ host: latency.host, port: latency.port, n: latency.samples.length }).toEqual({ host: '127.0.0.1', port, n: 3 });
});

test('GENIE_URL: bad values and an unreachable server fail with the reason', TAGS, async ({ ports }) => {
  expect(() => launchConfigFromEnv({ GENIE_URL: 'gpu-box:8888' })).toThrow("GENIE_URL must be http(s)://host:port, got 'gpu-box:8888'");
  expect(() => launchConfigFromEnv({ GENIE_URL: 'http://gpu-box:8888', GENIE_CMD: 'python3 -m genie.runtime.simple_server --port {port}' })).toThrow(
    'set GENIE_CMD (a server we start) or GENIE_URL (a server already running), not both',
  );
  const closed = `http://127.0.0.1:${await ports.allocate()}`;
  await expect(launchGenieServer(NOTHING_STARTS, launchConfigFromEnv({ GENIE_URL: closed }), 'genie')).rejects.toThrow(
    `GENIE_URL ${closed}: the server does not answer GET /health`,
  );
});

test('host: loopback by default, every interface with 0.0.0.0', TAGS, async ({ genieStart }) => {
  const external = hostInfo().ip_addresses.find((ip) => ip.includes('.'));
  test.skip(!external, 'this machine has no non-loopback IPv4 address to reach a server through');
  expect(launchConfigFromEnv({}).host).toBe('127.0.0.1');
  expect(launchConfigFromEnv({ GENIE_HOST: '0.0.0.0' }).host).toBe('0.0.0.0');

  const loopback = await genieStart('genie-loopback');
  const everywhere = await genieStart('genie-everywhere', { host: '0.0.0.0' });
  // A GENIE_CMD template gets the same {host}: here the mock binary stands in for a real server's command line.
  const templated = await genieStart('genie-templated', {
    profile: 'real', host: '0.0.0.0', wire: 'npy', command: `${process.execPath} ${stackBundlePath('genie')} --host {host} --port {port}`,
  });
  expect([loopback.bindHost, everywhere.bindHost, templated.bindHost]).toEqual(['127.0.0.1', '0.0.0.0', '0.0.0.0']);
  expect(everywhere.url).toBe(`http://127.0.0.1:${everywhere.port}`);
  expect(await answers(`http://${external}:${everywhere.port}`)).toBe(200);
  expect(await answers(`http://${external}:${templated.port}`)).toBe(200);
  expect(await answers(`http://${external}:${loopback.port}`)).toBe('ECONNREFUSED');
  expect(await answers(loopback.url)).toBe(200);
});
