import { readFileSync } from 'node:fs';
import { expect, test } from 'servewright';
import { PROC_TABLE_ENV, procTableBackend, readProc } from '../../fixtures/process/os-processes.ts';
import { isRunning, pidsFromLog } from './helpers/pids.ts';

const tag = ['@e2e', '@framework'];

function loggedPids(name: string): Record<string, number> {
  return pidsFromLog(readFileSync(test.info().outputPath(`${name}.log`), 'utf8'));
}

async function startError(start: Promise<unknown>): Promise<Error> {
  return start.then(
    () => {
      throw new Error('expected the start to fail');
    },
    (e: Error) => e,
  );
}

// Root bash (own group) -> setsid bash (a new session and group) -> sleep; plus a plain sleep child.
const TREE_SCRIPT = [
  'setsid bash -c \'sleep 300 & echo "level3 pid $!"; wait\' &',
  'echo "level2 pid $!"',
  'sleep 300 & echo "sibling pid $!"',
  'echo "root pid $$"',
  'wait',
].join('\n');

test.describe('ManagedProcess', () => {
  test('readiness fails at once when the child exits, with exit code and log tail, and reaps what it left', { tag }, async ({ procs, ports }) => {
    const neverOpened = await ports.allocate();
    const err = await startError(
      procs.start({
        name: 'quitter',
        command: 'bash',
        args: ['-c', 'sleep 300 & echo "orphan pid $!"; for i in $(seq 1 40); do echo "line $i"; done; exit 7'],
        // Far beyond the test timeout: only failing fast can end this start in time.
        ready: { port: neverOpened, timeoutMs: 600_000 },
      }),
    );
    expect(err.message).toContain('quitter');
    expect(err.message).toContain('exited while waiting to become ready (exit code 7)');
    expect(err.message).toContain('[quitter] line 40');
    expect(err.message).toContain('[quitter] line 11\n');
    expect(err.message).not.toContain('[quitter] line 10\n');
    const { orphan } = loggedPids('quitter');
    expect(orphan).toBeGreaterThan(0);
    expect(isRunning(orphan!)).toBe(false);
  });

  test('one deadline covers every readiness condition, even a check that never settles', { tag }, async ({ procs, ports }) => {
    const timeoutMs = 2_000;
    const neverOpened = await ports.allocate();
    const began = Date.now();
    const err = await startError(
      procs.start({
        name: 'never-ready',
        command: 'bash',
        args: ['-c', 'echo "self pid $$"; exec sleep 300'],
        ready: { port: neverOpened, log: /never printed/, check: () => new Promise<boolean>(() => undefined), timeoutMs },
      }),
    );
    const elapsed = Date.now() - began;
    expect(err.message).toContain(`not ready after ${timeoutMs} ms`);
    expect(err.message).toContain(`TCP 127.0.0.1:${neverOpened} accepting`);
    expect(err.message).toContain('log line /never printed/');
    expect(err.message).toContain('custom check');
    // A deadline per condition would need at least 3 x timeoutMs.
    expect(elapsed).toBeLessThan(2 * timeoutMs);
    expect(isRunning(loggedPids('never-ready').self!)).toBe(false);
  });

  test('readiness waits for every condition: port, HTTP predicate, log line and custom check', { tag }, async ({ procs, ports }) => {
    const port = await ports.allocate();
    let checks = 0;
    const server = `require("http").createServer((q, r) => r.end(q.url === "/health" ? "ok-" + process.pid : "no")).listen(${port}, "127.0.0.1", () => console.log("serving"))`;
    const proc = await procs.start({
      name: 'http',
      command: process.execPath,
      args: ['-e', server],
      ready: {
        port,
        http: { url: `http://127.0.0.1:${port}/health`, predicate: (r) => r.status === 200 && r.body.startsWith('ok-') },
        log: /serving/,
        check: async () => ++checks >= 3,
        timeoutMs: 20_000,
      },
    });
    expect(checks).toBe(3);
    const res = await fetch(`http://127.0.0.1:${port}/health`);
    expect(await res.text()).toBe(`ok-${proc.pid}`);
  });

  for (const backend of ['proc', 'ps'] as const) {
    // ps is what macOS gets; forcing it here proves that path on Linux.
    test(`stop() ends a three-level tree, including a grandchild in its own session and group (${backend} process table)`, { tag }, async ({ procs }) => {
      const forced = process.env[PROC_TABLE_ENV];
      process.env[PROC_TABLE_ENV] = backend;
      try {
        expect(procTableBackend()).toBe(backend);
        const proc = await procs.start({ name: 'tree', command: 'bash', args: ['-c', TREE_SCRIPT], ready: { log: /root pid/ } });
        await proc.waitForLog(/level3 pid/);
        const pids = loggedPids('tree');
        expect(Object.keys(pids).sort()).toEqual(['level2', 'level3', 'root', 'sibling']);
        const rootGroup = readProc(pids.root!)!.pgid;
        expect(readProc(pids.level2!)!.pgid).not.toBe(rootGroup);
        expect(readProc(pids.level3!)!.pgid).toBe(readProc(pids.level2!)!.pgid);
        for (const pid of Object.values(pids)) expect(isRunning(pid)).toBe(true);

        await proc.stop();

        for (const pid of Object.values(pids)) expect(isRunning(pid), `pid ${pid}`).toBe(false);
        expect(proc.isAlive()).toBe(false);
      } finally {
        if (forced === undefined) delete process.env[PROC_TABLE_ENV];
        else process.env[PROC_TABLE_ENV] = forced;
      }
    });
  }

  test('kill({ signal: SIGKILL }) ends the whole tree at once', { tag }, async ({ procs }) => {
    const proc = await procs.start({ name: 'tree', command: 'bash', args: ['-c', TREE_SCRIPT], ready: { log: /root pid/ } });
    await proc.waitForLog(/level3 pid/);
    const pids = loggedPids('tree');

    await proc.kill({ signal: 'SIGKILL' });

    expect((await proc.exited).signal).toBe('SIGKILL');
    for (const pid of Object.values(pids)) expect(isRunning(pid), `pid ${pid}`).toBe(false);
  });

  test('teardown sends SIGTERM first and lets a well-behaved child exit on its own', { tag }, async ({ procs }) => {
    const proc = await procs.start({
      name: 'polite',
      command: 'bash',
      args: ['-c', 'trap "echo got TERM; exit 0" TERM; echo ready; while :; do sleep 0.05; done'],
      ready: { log: /ready/ },
    });
    await proc.stop();
    expect(await proc.exited).toEqual({ code: 0, signal: null });
    expect(proc.log.matchesSince(0, /got TERM/)).toHaveLength(1);
  });

  test('a child that ignores SIGTERM is SIGKILLed after the grace period', { tag }, async ({ procs }) => {
    const proc = await procs.start({
      name: 'stubborn',
      command: 'bash',
      args: ['-c', 'trap "" TERM; echo ready; while :; do sleep 0.05; done'],
      graceMs: 300,
      ready: { log: /ready/ },
    });
    await proc.stop();
    expect((await proc.exited).signal).toBe('SIGKILL');
  });

  test('a missing command fails the start with a clear message', { tag }, async ({ procs }) => {
    const err = await startError(procs.start({ name: 'ghost', command: 'servewright-no-such-binary', ready: { log: /x/ } }));
    expect(err.message).toContain('could not spawn "servewright-no-such-binary"');
  });

  test('waitForLog fails with the exit status instead of waiting out its timeout when the process dies', { tag }, async ({ procs }) => {
    const proc = await procs.start({ name: 'brief', command: 'bash', args: ['-c', 'echo ready; sleep 0.2; echo bye; exit 3'], ready: { log: /ready/ } });
    const err = await startError(proc.waitForLog(/never printed/, { timeoutMs: 600_000 }));
    expect(err.message).toContain('exited before logging /never printed/ (exit code 3)');
    expect(err.message).toContain('[brief] bye');
  });

  test('procs.start refuses a second live process with the same name; a stopped name restarts into the same log', { tag }, async ({ procs }) => {
    const spec = { name: 'twice', command: 'bash', args: ['-c', 'echo "up $$"; exec sleep 300'], ready: { log: /up/ } };
    const first = await procs.start(spec);
    await expect(procs.start(spec)).rejects.toThrow('"twice" is already running');
    await first.stop();
    const second = await procs.start(spec);
    expect(second.pid).not.toBe(first.pid);
    expect(second.log.matchesSince(0, /^\[twice\] up \d+$/)).toHaveLength(2);
    expect(procs.get('twice')).toBe(second);
  });
});
