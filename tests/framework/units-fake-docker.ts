// A Docker Engine API that records what it is asked to create and starts nothing: enough of
// the API for Testcontainers to get to POST /containers/create, then a refusal to start. The
// container specs of GPU profiles are checked here on what the runtime receives.

import { createServer, type Server } from 'node:http';
import type { ContainerCreateOptions } from 'dockerode';

export interface FakeDocker {
  /** Bodies of POST /containers/create, in order. */
  created: ContainerCreateOptions[];
  close(): Promise<void>;
}

export async function fakeDocker(socketPath: string): Promise<FakeDocker> {
  const created: ContainerCreateOptions[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://engine').pathname;
      const json = (status: number, value: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      if (path.endsWith('/_ping')) return void res.end('OK');
      if (path.endsWith('/info')) return json(200, { ServerVersion: '24.0.0', OperatingSystem: 'fake engine', OSType: 'linux', Architecture: 'x86_64', NCPU: 2, MemTotal: 1, Labels: [] });
      if (path.endsWith('/version')) return json(200, { ApiVersion: '1.43', Version: '24.0.0' });
      if (/\/images\/.+\/json$/.test(path)) return json(200, { Id: 'sha256:fake', RepoTags: [] });
      if (path.endsWith('/containers/json')) return json(200, []);
      if (req.method === 'POST' && path.endsWith('/containers/create')) {
        created.push(JSON.parse(body) as ContainerCreateOptions);
        return json(201, { Id: `fake${created.length}`, Warnings: [] });
      }
      if (req.method === 'DELETE') return json(204, {});
      json(500, { message: `fake engine: ${req.method} ${path} is not served` });
    });
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return { created, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
