// Runs the reference-stack process in place of the real engine: same stdio, signals passed
// on, exit status passed back; optionally rewrites log lines into the real engine's wording.

import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { BUILD_DIR } from '../../../fixtures/state-dir.ts';

/** The reference worker at the pace the fault-tolerance specs use (see the reference profile). */
export const FAST_WORKER = ['--speedup', '40', '--heartbeat-ms', '100'];

export function runBundle(entry: 'worker' | 'frontend', args: string[], rewrite?: (line: string) => string[]): void {
  const child = spawn(process.execPath, [join(BUILD_DIR, `${entry}.mjs`), ...args], {
    stdio: ['ignore', rewrite ? 'pipe' : 'inherit', 'inherit'],
  });
  if (rewrite && child.stdout) {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const out = rewrite(line);
      if (out.length > 0) process.stdout.write(`${out.join('\n')}\n`);
    });
  }
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
}
