// What a user's compose stack looks like to us: the reference frontend and workers started
// as plain processes outside the stack fixture, then described in a deployment file whose
// log sources follow their log files and whose kill commands signal their pids.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { Procs, Services, TestPorts } from '../../../fixtures/index.ts';
import { referenceProfile } from '../../../fixtures/stack/profiles/reference.ts';
import { resolveProfile } from '../../../fixtures/stack/profiles/index.ts';
import { requestedWorkers, type StackOptions } from '../../../fixtures/stack/started-stack.ts';
import type { LaunchContext } from '../../../fixtures/stack/profile.ts';
import { BUILD_DIR } from '../../../fixtures/state-dir.ts';

export interface DeploymentDeps {
  procs: Procs;
  ports: TestPorts;
  services: Services;
  namespace: string;
  /** Where the deployment file is written; its log paths are relative to it. */
  dir: string;
}

export interface DeploymentShape {
  /** Describe kill commands for the workers (default true). */
  kill?: boolean;
  /** Describe log sources for the workers (default true). */
  workerLogs?: boolean;
}

/** Starts the stack `opts` asks for as plain processes and returns the path of the file describing it. */
export async function startReferenceDeployment(deps: DeploymentDeps, opts: StackOptions, shape: DeploymentShape = {}): Promise<string> {
  // The reference stack is bound to no engine, so no installed version changes its profile.
  const { profile } = resolveProfile(referenceProfile, { gpus: { count: 0, names: [], reason: 'not probed' }, python: {} });
  const context = async (): Promise<LaunchContext> => ({
    services: { natsUrl: deps.services.nats.url, etcdEndpoints: deps.services.etcd.endpoints },
    namespace: deps.namespace,
    port: await deps.ports.allocate(),
    buildDir: BUILD_DIR,
    model: undefined,
    ports: {},
    requestPlane: undefined,
  });
  const frontendCtx = await context();
  const frontendProc = await deps.procs.start({ name: 'deployed-frontend', ...profile.frontend!(frontendCtx, opts.frontend ?? {}) });
  const workers = await Promise.all(
    requestedWorkers(opts).map(async (w, i) => {
      const id = w.id ?? `worker-${i}`;
      const ctx = await context();
      const proc = await deps.procs.start({ name: `deployed-${id}`, ...profile.worker(ctx, { ...w, id }) });
      return {
        id,
        role: w.role ?? 'agg',
        metrics: `http://127.0.0.1:${ctx.port}/metrics`,
        ...(shape.workerLogs === false ? {} : { logs: { command: `tail -F -n +1 deployed-${id}.log`, ready: 'listening on' } }),
        ...(shape.kill === false ? {} : { kill: { command: `kill -s {signal} ${proc.pid}` } }),
      };
    }),
  );
  const file = join(deps.dir, 'servewright.deployment.yaml');
  const description = {
    profile: referenceProfile.name,
    frontend: {
      url: `http://127.0.0.1:${frontendCtx.port}`,
      logs: { file: `${frontendProc.name}.log` },
      ...(opts.frontend?.routerMode === undefined ? {} : { routerMode: opts.frontend.routerMode }),
      ...(opts.frontend?.migrationLimit === undefined ? {} : { migrationLimit: opts.frontend.migrationLimit }),
    },
    workers,
  };
  writeFileSync(file, stringify(description));
  return file;
}
