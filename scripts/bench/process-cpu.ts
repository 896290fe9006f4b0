// CPU time the processes of a bench used, from /proc (Linux only): on a shared machine
// CPU ms per request is a far steadier figure than latency, and it says which process
// a latency tail is queueing behind.

import { readFileSync } from 'node:fs';
import { listProcs } from '../../fixtures/process/os-processes.ts';

/** Kernel clock ticks per second (USER_HZ); 100 on every mainstream Linux build. */
const TICKS_PER_S = 100;

/** utime + stime of `pid` in ms, or NaN when it is gone or there is no /proc. */
export function processCpuMs(pid: number): number {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return NaN;
  }
  // Fields after the parenthesised command name, which may itself contain spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_S;
}

/** The pid of this process's child running `comm` (e.g. the nats-server a provider started), or -1. */
export function childPid(comm: string): number {
  return listProcs().find((p) => p.ppid === process.pid && p.comm === comm)?.pid ?? -1;
}
