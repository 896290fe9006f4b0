import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, readFileSync } from 'node:fs';
import { expect, test } from 'servewright';
import { listProcFs, readProcFs } from '../../fixtures/process/proc-fs.ts';
import { listPs, readPs } from '../../fixtures/process/ps-table.ts';

const tag = ['@e2e', '@framework'];

test.describe('process table', () => {
  test.skip(process.platform !== 'linux', 'compares ps with /proc, which only Linux has');

  test('ps (the portable fallback) and /proc agree on every field, start times included', { tag }, async ({ procs }) => {
    // An executable whose name has a space, in a session of its own: row parsing and pgid both exercised.
    const odd = test.info().outputPath('odd name');
    copyFileSync(execFileSync('bash', ['-c', 'command -v sleep'], { encoding: 'utf8' }).trim(), odd);
    chmodSync(odd, 0o755);
    const proc = await procs.start({ name: 'odd', command: odd, args: ['300'] });
    expect(readProcFs(proc.pid)?.comm).toBe('odd name');
    const bootSeconds = Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))![1]);
    const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));
    for (const pid of [process.pid, proc.pid]) {
      const fs = readProcFs(pid)!;
      const ps = readPs(pid)!;
      // The state is a moment's (this process is running while it reads /proc, sleeping while ps reads).
      expect({ ...ps, state: '', startTime: 0 }).toEqual({ ...fs, state: '', startTime: 0 });
      // /proc counts clock ticks since boot; ps prints the wall-clock second.
      expect(Math.abs(ps.startTime - (bootSeconds + fs.startTime / ticksPerSecond))).toBeLessThanOrEqual(1);
    }
    const listed = new Map(listPs().map((p) => [p.pid, p]));
    for (const p of listProcFs().filter((p) => p.pid === process.pid || p.pid === proc.pid)) expect(listed.get(p.pid)?.pgid).toBe(p.pgid);
    await proc.stop();
    expect(readPs(proc.pid)).toBeUndefined();
  });
});
