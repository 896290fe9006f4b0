import { arch, cpus, hostname, platform, totalmem } from 'node:os';
import type { RunEnvironment } from './model.ts';

export const DEFAULT_STACK = 'reference';

export function runEnvironment(env: NodeJS.ProcessEnv = process.env): RunEnvironment {
  const memGiB = Math.round(totalmem() / 2 ** 30);
  return {
    stack: env.STACK || DEFAULT_STACK,
    servicesFallback: env.SERVICES ? `${env.SERVICES} (from SERVICES)` : 'not recorded',
    machine: `${hostname()} (${platform()} ${arch()}, ${cpus().length} CPUs, ${memGiB} GiB)`,
    node: process.version,
  };
}
