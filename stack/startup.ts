// Startup failures an operator can fix (a port in use, NATS or etcd not answering) end a
// stack process with one line on stderr that names what it tried, and exit status 1.
// Anything else is a bug and still prints its stack.

import type { Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

/** A cluster service that does not answer within this fails startup instead of hanging it. */
export const CONNECT_TIMEOUT_MS = 20_000;

export class StartupError extends Error {}

/** Rejects when `promise` has not settled within `ms`, naming `what`. */
export function within<T>(what: string, promise: Promise<T>, ms: number): Promise<T> {
  const timeout = sleep(ms, undefined, { ref: false }).then(() => {
    throw new Error(`${what} did not finish within ${ms} ms`);
  });
  return Promise.race([promise, timeout]);
}

/** `connect` to a service named by `what` (e.g. "NATS at nats://host:port"), as a StartupError when it fails or hangs. */
export async function reach<T>(what: string, connect: Promise<T>, ms = CONNECT_TIMEOUT_MS): Promise<T> {
  try {
    return await within(`connecting to ${what}`, connect, ms);
  } catch (err) {
    throw new StartupError(`cannot reach ${what}: ${(err as Error).message}`);
  }
}

export function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      const why = err.code === 'EADDRINUSE' ? 'the address is already in use (EADDRINUSE)' : err.message;
      reject(new StartupError(`cannot listen on ${host}:${port}: ${why}`));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/** The handler of main()'s rejection: one line for a StartupError, the stack for anything else; exit 1. */
export function exitOnStartupFailure(program: string): (err: unknown) => never {
  return (err) => {
    const line = err instanceof StartupError ? err.message : `failed to start: ${(err as Error)?.stack ?? String(err)}`;
    process.stderr.write(`${program}: ${line}\n`);
    process.exit(1);
  };
}
