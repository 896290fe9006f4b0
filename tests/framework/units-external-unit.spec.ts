// An external unit's faults go through the deployment's kill command and end when the unit
// stops answering its metrics URL; what the deployment does not describe ends the step
// through `cannot`, with the file and the field that would have described it.

import { test, expect, type Procs, type TestPorts } from 'servewright';
import { ExternalUnit, type ExternalUnitSpec } from '../../fixtures/external/external-unit.ts';
import { LogCursor } from '../../fixtures/logs/log-cursor.ts';

const tags = { tag: ['@e2e', '@framework'] };

class Cannot extends Error {}
const cannot = (reason: string): never => {
  throw new Cannot(reason);
};

/** A stand-in for a deployed worker: answers /metrics; with `ignoreTerm` it outlives SIGTERM. */
async function server(procs: Procs, ports: TestPorts, ignoreTerm = false) {
  const port = await ports.allocate();
  const code = `${ignoreTerm ? "process.on('SIGTERM', () => console.log('ignoring SIGTERM'));" : ''}
    require('node:http').createServer((_, res) => res.end('up 1\\n')).listen(${port}, '127.0.0.1', () => console.log('listening'));`;
  const proc = await procs.start({ name: 'deployed', command: process.execPath, args: ['-e', code], ready: { log: /listening/ } });
  return { proc, metricsUrl: `http://127.0.0.1:${port}/metrics` };
}

function unit(spec: Partial<ExternalUnitSpec> & Pick<ExternalUnitSpec, 'metricsUrl'>): ExternalUnit {
  return new ExternalUnit({ name: 'worker-0', where: 'deploy.yaml: workers[0] (worker-0)', log: undefined, kill: undefined, cwd: process.cwd(), cannot, ...spec });
}

test('SIGTERM through the kill command: resolves once the unit stops answering', tags, async ({ procs, ports }) => {
  const { proc, metricsUrl } = await server(procs, ports);
  const u = unit({ metricsUrl, kill: { command: `kill -s {signal} ${proc.pid}` } });
  await u.kill({ signal: 'SIGTERM' });
  expect(u.isAlive()).toBe(false);
  expect(() => u.assertAlive()).toThrow('worker-0 (deploy.yaml: workers[0] (worker-0)) was killed by this test');
  expect(await proc.exited).toEqual({ code: null, signal: 'SIGTERM' });
  await expect(fetch(metricsUrl)).rejects.toThrow();
});

test('a unit that outlives SIGTERM past the grace gets the SIGKILL command', tags, async ({ procs, ports }) => {
  const { proc, metricsUrl } = await server(procs, ports, true);
  const u = unit({ metricsUrl, kill: { SIGTERM: `kill -s TERM ${proc.pid}`, SIGKILL: `kill -s KILL ${proc.pid}` } });
  await u.kill({ signal: 'SIGTERM', graceMs: 300 });
  expect(await proc.exited).toEqual({ code: null, signal: 'SIGKILL' });
  expect(proc.log.matchesSince(0, /ignoring SIGTERM/)).toHaveLength(1);
});

test('a kill command that fails is an error naming the command and the field', tags, async ({ procs, ports }) => {
  const { proc, metricsUrl } = await server(procs, ports);
  const u = unit({ metricsUrl, kill: { command: 'echo no such pod >&2; exit 3' } });
  await expect(u.kill({ signal: 'SIGKILL' })).rejects.toThrow(/worker-0: kill command `echo no such pod >&2; exit 3` \(deploy.yaml: workers\[0\] \(worker-0\)\.kill\) failed: .*\n.*no such pod/);
  expect(proc.isAlive()).toBe(true);
});

test('no kill command for the signal, no log source: the step cannot run, and says why', tags, async ({ procs, ports }) => {
  const { proc, metricsUrl } = await server(procs, ports);
  const u = unit({ metricsUrl, kill: { SIGKILL: `kill -s KILL ${proc.pid}` } });
  await expect(u.kill({ signal: 'SIGTERM' })).rejects.toThrow(new Cannot('deploy.yaml: workers[0] (worker-0) has no kill command for SIGTERM (kill: command or SIGTERM)'));
  expect(u.isAlive()).toBe(true);
  expect(() => u.log).toThrow(new Cannot('deploy.yaml: workers[0] (worker-0) has no log source (logs: command or file)'));
  expect(u.missingLog).toBe('deploy.yaml: workers[0] (worker-0) has no log source (logs: command or file)');
  expect(u.tail()).toBe('(deploy.yaml: workers[0] (worker-0) has no log source (logs: command or file))');
  expect(proc.isAlive()).toBe(true);
});

test('a file log source is read in place, by byte offsets', tags, async ({ procs, ports }) => {
  const { proc, metricsUrl } = await server(procs, ports);
  const u = unit({ metricsUrl, log: { cursor: new LogCursor(proc.logPath) } });
  expect(u.missingLog).toBeUndefined();
  expect(u.log.matchesSince(0, /listening/)).toHaveLength(1);
});
