// A run that asks for containers (SERVICES=container, STACK_UNITS=container) on a machine
// where no engine answers, or one whose engine accepts connections and never answers: global
// setup and teardown, which only clean up leftovers, say so in one line and let the run go on
// (the tests that need an engine fail or skip with the reason), instead of failing every test
// before it starts or hanging.

import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from './helpers/inline-test.ts';
import { childRun } from './child-runs/child-run.ts';

const tag = ['@e2e', '@framework'];

async function silentEngine(): Promise<{ socketPath: string; server: Server }> {
  const socketPath = join(tmpdir(), `servewright-silent-docker-${randomUUID().slice(0, 8)}.sock`);
  const server = createServer(() => undefined);
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return { socketPath, server };
}

test('no engine: global setup and teardown say there is nothing to clean up, and the run goes on', { tag }, async ({ inline }) => {
  const env = { DOCKER_HOST: `unix://${test.info().outputPath('no-engine.sock')}`, SERVICES: 'container', STACK_UNITS: 'container', SERVEWRIGHT_PID_REGISTRY: test.info().outputPath('pid-registry') };
  const run = await childRun(inline, { name: 'no-engine', file: 'noop.child.ts', env });
  expect((await run.exited).code).toBe(0);
  expect(run.log.matchesSince(0, /servewright: no container engine answers \(DOCKER_HOST=unix:\/\/.*no-engine\.sock: .*\): no containers of a previous run to remove/)).toHaveLength(1);
  expect(run.log.matchesSince(0, /1 passed/)).toHaveLength(1);
  expect(run.log.matchesSince(0, /\bError\b/)).toEqual([]);
});

test('an engine that never answers: global setup gives up after the probe timeout', { tag }, async ({ inline }) => {
  const engine = await silentEngine();
  try {
    const env = { DOCKER_HOST: `unix://${engine.socketPath}`, SERVICES: 'container', STACK_UNITS: 'container', SERVEWRIGHT_PID_REGISTRY: test.info().outputPath('pid-registry') };
    const run = await childRun(inline, { name: 'silent-engine', file: 'noop.child.ts', env });
    expect((await run.exited).code).toBe(0);
    expect(run.log.matchesSince(0, /no container engine answers .*no answer within 10000 ms/)).toHaveLength(2);
  } finally {
    engine.server.close();
  }
});
