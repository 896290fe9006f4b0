import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { expect, test } from './helpers/inline-test.ts';
import { childRun } from './child-runs/child-run.ts';
import { reapAbandoned } from '../../fixtures/process/pid-registry.ts';
import { isRunning } from './helpers/pids.ts';
import { listProcs } from '../../fixtures/process/os-processes.ts';

const tag = ['@e2e', '@framework'];

test.describe('pid registry', () => {
  test('the next run releases what a SIGKILLed runner and its SIGKILLed reaper left behind', { tag }, async ({ inline }) => {
    const registry = test.info().outputPath('pid-registry');
    const pidsFile = test.info().outputPath('leaked-pids.json');
    const env = { SERVEWRIGHT_PID_REGISTRY: registry, SERVEWRIGHT_REAPER_DIR: test.info().outputPath('reaper'), LEAK_PIDS_FILE: pidsFile };
    try {
      const runner = await childRun(inline, { name: 'killed-run', file: 'leak.child.ts', env, ready: async () => existsSync(pidsFile) });
      const leaked = JSON.parse(readFileSync(pidsFile, 'utf8')) as { pids: number[]; dir: string };
      expect(leaked.pids).toHaveLength(2);
      expect(existsSync(leaked.dir)).toBe(true);

      // The reaper is the runner's one child in a session of its own; the second line of
      // defence is for when it dies with the runner.
      const reaper = listProcs().filter((p) => p.ppid === runner.pid && p.pgid === p.pid);
      expect(reaper, 'one reaper per run').toHaveLength(1);
      process.kill(reaper[0]!.pid, 'SIGKILL');
      // Runner and its workers share one process group; the managed tree has its own.
      process.kill(-runner.pid, 'SIGKILL');
      await runner.exited;
      for (const pid of leaked.pids) expect(isRunning(pid), `leaked pid ${pid} outlives its runner`).toBe(true);
      expect(readdirSync(registry)).toHaveLength(1);

      const next = await childRun(inline, { name: 'next-run', file: 'noop.child.ts', env });
      expect((await next.exited).code).toBe(0);
      expect(next.log.matchesSince(0, /killed 2 process\(es\) .*removed 1 temp dir\(s\) .* left by a previous run/)).toHaveLength(1);
      for (const pid of leaked.pids) expect(isRunning(pid), `pid ${pid} reaped`).toBe(false);
      expect(existsSync(leaked.dir), 'temp dir removed').toBe(false);
      expect(readdirSync(registry)).toEqual([]);
    } finally {
      process.env.SERVEWRIGHT_PID_REGISTRY = registry;
      await reapAbandoned().finally(() => delete process.env.SERVEWRIGHT_PID_REGISTRY);
    }
  });

  test('a failed test gets every process log attached in full, including a start that failed', { tag }, async ({ inline }) => {
    const report = test.info().outputPath('report.json');
    const run = await childRun(inline, {
      name: 'failing-run',
      file: 'logs.child.ts',
      env: { SERVEWRIGHT_PID_REGISTRY: test.info().outputPath('pid-registry'), PLAYWRIGHT_JSON_OUTPUT_NAME: report },
      extraArgs: ['--reporter=json'],
    });
    expect((await run.exited).code).toBe(1);
    const attachments = (JSON.parse(readFileSync(report, 'utf8')) as JsonReport).suites[0]!.specs[0]!.tests[0]!.results[0]!.attachments;
    const byName = new Map(attachments.map((a) => [a.name, a]));
    expect([...byName.keys()].filter((n) => n.endsWith('.log')).sort()).toEqual(['broken.log', 'chatty.log']);
    const chatty = readFileSync(byName.get('chatty.log')!.path, 'utf8');
    expect(chatty.split('\n').filter((l) => l.startsWith('[chatty] chatty line'))).toHaveLength(100);
    expect(readFileSync(byName.get('broken.log')!.path, 'utf8')).toContain('[broken] cannot bind');
  });
});

interface JsonReport {
  suites: { specs: { tests: { results: { attachments: { name: string; path: string }[] }[] }[] }[] }[];
}
