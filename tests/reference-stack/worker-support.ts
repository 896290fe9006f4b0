// Starting the mock worker alone as a real process, with whatever flags a worker spec
// needs (the stack fixture always puts a frontend in front of its workers).

import type { ManagedProcess, Procs } from 'servewright';
import { stackBundlePath } from '../../fixtures/state-dir.ts';

export const MODEL = 'mock-model';

export interface StartedWorker {
  url: string;
  proc: ManagedProcess;
}

/** Starts the worker bundle (global setup rebuilds it from stack/worker) with `args`. */
export async function startWorker(procs: Procs, name: string, args: string[] = []): Promise<StartedWorker> {
  const proc = await procs.start({
    name,
    command: process.execPath,
    args: [stackBundlePath('worker'), '--port', '0', '--worker-id', name, ...args],
    ready: { log: /listening on http/, timeoutMs: 30_000 },
  });
  const url = (await proc.log.waitFor(/listening on (http:\/\/\S+)/))[1] as string;
  return { url, proc };
}
