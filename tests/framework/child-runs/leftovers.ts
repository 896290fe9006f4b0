import { readdirSync, readFileSync } from 'node:fs';
import type { ContainerRuntimeClient } from 'testcontainers';
import { listProcs } from '../../../fixtures/process/os-processes.ts';
import { LABEL_RUN_ID } from '../../../fixtures/services/container-labels.ts';

/** Where one child run may leave things, found without asking the code under test. */
export interface RunTraces {
  /** Every process of the run inherits this `NAME=value` from the runner's environment. */
  envMarker: string;
  registryDir: string;
  /** The run's private TMPDIR: its `servewright-*` entries are the run's temp dirs and the reaper's socket. */
  tmpDir: string;
  runId: string;
  /** Absent when no container runtime answers: containers are then not counted (and cannot exist). */
  docker?: ContainerRuntimeClient;
}

export interface Leftovers {
  processes: string[];
  containers: string[];
  registryFiles: string[];
  tempDirs: string[];
}

function entries(dir: string, keep: (name: string) => boolean = () => true): string[] {
  try {
    return readdirSync(dir).filter(keep);
  } catch {
    return [];
  }
}

/** Live processes carrying the marker in their environment (Linux /proc; other users' are unreadable and not ours). */
function markedProcesses(marker: string): string[] {
  return listProcs().flatMap((p) => {
    if (p.state === 'Z') return [];
    let environ: string;
    try {
      environ = readFileSync(`/proc/${p.pid}/environ`, 'utf8');
    } catch {
      return [];
    }
    return environ.split('\0').includes(marker) ? [`${p.pid} (${p.comm})`] : [];
  });
}

export async function countLeftovers(t: RunTraces): Promise<Leftovers> {
  const containers = t.docker
    ? (await t.docker.container.dockerode.listContainers({ all: true, filters: { label: [`${LABEL_RUN_ID}=${t.runId}`] } })).map((c) => c.Id.slice(0, 12))
    : [];
  return {
    processes: markedProcesses(t.envMarker),
    containers,
    registryFiles: entries(t.registryDir),
    tempDirs: entries(t.tmpDir, (name) => name.startsWith('servewright-')),
  };
}

export function isClean(l: Leftovers): boolean {
  return l.processes.length + l.containers.length + l.registryFiles.length + l.tempDirs.length === 0;
}
