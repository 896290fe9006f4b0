// What a user's compose stack looks like to us: the reference frontend and workers started
// outside the stack fixture, as plain processes or as containers, then described in a
// deployment file whose log sources follow them (`tail -F` of a process's log file,
// `docker logs -f` of a container) and whose kill commands signal them (`kill -s`, `docker kill -s`).

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { Procs, Services, TestPorts } from 'servewright';
import { referenceProfile } from '../../../fixtures/stack/profiles/reference.ts';
import { newestProfile } from '../../../fixtures/stack/profiles/index.ts';
import { requestedWorkers, type StackOptions } from '../../../fixtures/stack/started-stack.ts';
import type { LaunchContext } from '../../../fixtures/stack/profile.ts';
import type { ProcessSpec } from '../../../fixtures/process/managed-process.ts';
import type { ContainerUnits } from '../../../fixtures/stack/units/container-units.ts';
import { unitImage } from '../../../fixtures/stack/units/unit-image.ts';
import { BUILD_DIR } from '../../../fixtures/state-dir.ts';

export interface DeploymentDeps {
  procs: Procs;
  /** Where the deployment runs in containers instead of processes. */
  containers: ContainerUnits | undefined;
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

// Slower than the fixture's stacks (40x): a kill through `docker kill` (a CLI start, then the
// engine) takes hundreds of ms on a loaded machine, longer than a 2000-token stream at 40x.
const DEPLOYED_SPEEDUP = 5;

interface Deployed {
  /** How a user's tooling would follow its output and signal it. */
  logCommand: string;
  killCommand: string;
  logFile: string | undefined;
}

async function deploy(deps: DeploymentDeps, spec: ProcessSpec): Promise<Deployed> {
  if (deps.containers) {
    const unit = await deps.containers.start(spec, unitImage(newestProfile(referenceProfile), undefined));
    return { logCommand: `docker logs -f ${unit.id}`, killCommand: `docker kill -s {signal} ${unit.id}`, logFile: undefined };
  }
  const proc = await deps.procs.start(spec);
  return { logCommand: `tail -F -n +1 ${proc.name}.log`, killCommand: `kill -s {signal} ${proc.pid}`, logFile: `${proc.name}.log` };
}

/** Starts the stack `opts` asks for outside the stack fixture and returns the path of the file describing it. */
export async function startReferenceDeployment(deps: DeploymentDeps, opts: StackOptions, shape: DeploymentShape = {}): Promise<string> {
  const profile = newestProfile(referenceProfile);
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
  const frontend = await deploy(deps, { name: 'deployed-frontend', ...profile.frontend!(frontendCtx, opts.frontend ?? {}) });
  const workers = await Promise.all(
    requestedWorkers(opts).map(async (w, i) => {
      const id = w.id ?? `worker-${i}`;
      const ctx = await context();
      const deployed = await deploy(deps, { name: `deployed-${id}`, ...profile.worker(ctx, { speedup: DEPLOYED_SPEEDUP, ...w, id }) });
      return {
        id,
        role: w.role ?? 'agg',
        metrics: `http://127.0.0.1:${ctx.port}/metrics`,
        ...(shape.workerLogs === false ? {} : { logs: { command: deployed.logCommand, ready: 'listening on' } }),
        ...(shape.kill === false ? {} : { kill: { command: deployed.killCommand } }),
      };
    }),
  );
  const file = join(deps.dir, 'servewright.deployment.yaml');
  const description = {
    profile: referenceProfile.name,
    frontend: {
      url: `http://127.0.0.1:${frontendCtx.port}`,
      // A process's log file is read in place; a container's output is followed.
      logs: frontend.logFile === undefined ? { command: frontend.logCommand, ready: 'listening on' } : { file: frontend.logFile },
      ...(opts.frontend?.routerMode === undefined ? {} : { routerMode: opts.frontend.routerMode }),
      ...(opts.frontend?.migrationLimit === undefined ? {} : { migrationLimit: opts.frontend.migrationLimit }),
    },
    workers,
  };
  writeFileSync(file, stringify(description));
  return file;
}
