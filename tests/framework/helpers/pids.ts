import { readProc } from '../../../fixtures/process/os-processes.ts';

/** Alive means: exists and is not a zombie. */
export function isRunning(pid: number): boolean {
  const info = readProc(pid);
  return info !== undefined && info.state !== 'Z';
}

/** Collects `<label> <pid>` pairs a test child printed. */
export function pidsFromLog(text: string): Record<string, number> {
  return Object.fromEntries([...text.matchAll(/^\[[^\]]+\] (\w+) pid (\d+)$/gm)].map((m) => [m[1]!, Number(m[2])]));
}
