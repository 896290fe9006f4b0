import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Dockerode from 'dockerode';
import type { ContainerRuntimeClient } from 'testcontainers';
import { expect, test } from 'servewright';
import { removeContainerById } from '../../fixtures/process/docker-api.ts';
import { Holdings } from '../../fixtures/process/holdings.ts';
import { releaseHoldings } from '../../fixtures/process/release-holdings.ts';
import { removeContainer } from '../../fixtures/services/container-cleanup.ts';

const tag = ['@e2e', '@framework'];

/**
 * A Docker Engine API stand-in on a Unix socket, answering DELETE /containers/{id} as
 * moby's api/swagger.yaml@e753cce70f72aced966f544e6f4d92abe9671ace (operationId
 * ContainerDelete) documents: 204 removed, 404 no such container, 409 conflict (removal in
 * progress), 500 server error with a JSON `message`; and POST /containers/{id}/wait?condition=removed
 * (operationId ContainerWait) answering 200 `{"StatusCode":0}` once the container is gone, after
 * `waitMs`.
 */
async function fakeEngine(answers: Record<string, number>, waitMs = 0): Promise<{ socketPath: string; requests: string[]; server: Server }> {
  // Short (a socket path has ~104 bytes) and removed by server.close().
  const socketPath = join(tmpdir(), `servewright-fake-docker-${randomUUID().slice(0, 8)}.sock`);
  const requests: string[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    requests.push(`${req.method} ${req.url}`);
    const id = /^\/containers\/([^?/]+)/.exec(req.url ?? '')?.[1] ?? '';
    if (req.method === 'POST' && req.url?.startsWith(`/containers/${id}/wait?`)) {
      setTimeout(() => {
        requests.push(`${id} removed`);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ StatusCode: 0 }));
      }, waitMs);
      return;
    }
    const status = answers[id] ?? 404;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(status === 204 ? '' : JSON.stringify({ message: status === 500 ? 'driver failed removing root filesystem' : `No such container: ${id}` }));
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return { socketPath, requests, server };
}

test.describe('containers a dead holder left', () => {
  test('are removed by id with force and their volumes; gone or being removed counts as done, an engine error is named', { tag }, async () => {
    const engine = await fakeEngine({ running: 204, removing: 409, broken: 500 });
    try {
      const at = { socketPath: engine.socketPath };
      expect(await removeContainerById(at, 'running')).toBe(true);
      expect(await removeContainerById(at, 'missing')).toBe(false);
      expect(await removeContainerById(at, 'removing')).toBe(false);
      await expect(removeContainerById(at, 'broken')).rejects.toThrow(/removing container broken answered 500: .*driver failed removing root filesystem/);
      expect(engine.requests[0]).toBe('DELETE /containers/running?force=true&v=true');
    } finally {
      engine.server.close();
    }
  });

  test('removing a container someone else is removing resolves only once it is gone', { tag }, async () => {
    const engine = await fakeEngine({ removing: 409, broken: 500 }, 300);
    try {
      const client = { container: { dockerode: new Dockerode({ socketPath: engine.socketPath }) } } as unknown as ContainerRuntimeClient;
      await removeContainer(client, 'removing');
      engine.requests.push('resolved');
      expect(engine.requests).toEqual([
        'DELETE /containers/removing?force=true&v=true',
        'POST /containers/removing/wait?condition=removed',
        'removing removed',
        'resolved',
      ]);
      await removeContainer(client, 'missing');
      await expect(removeContainer(client, 'broken')).rejects.toThrow(/driver failed removing root filesystem/);
    } finally {
      engine.server.close();
    }
  });

  test('a holder\'s containers are released with its other holdings, and a failure is reported, not thrown', { tag }, async () => {
    const engine = await fakeEngine({ 'c-ok': 204, 'c-broken': 500 });
    try {
      const docker = { socketPath: engine.socketPath };
      const holdings = new Holdings();
      holdings.apply({ op: 'container', id: 'c-ok', docker });
      holdings.apply({ op: 'container', id: 'c-broken', docker });
      holdings.apply({ op: 'container', id: 'c-released', docker });
      holdings.apply({ op: 'container-gone', id: 'c-released' });
      const report = await releaseHoldings(holdings, { signal: 'SIGTERM', graceMs: 0 });
      expect(report.containers).toEqual(['c-ok']);
      expect(report.failures).toEqual([expect.stringMatching(/c-broken answered 500/)]);
      expect(engine.requests.sort()).toEqual(['DELETE /containers/c-broken?force=true&v=true', 'DELETE /containers/c-ok?force=true&v=true']);
    } finally {
      engine.server.close();
    }
  });
});
