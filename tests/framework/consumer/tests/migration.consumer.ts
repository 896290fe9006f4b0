// The team's spec (installed as tests/migration.spec.ts): servewright's migration scenario
// and a trace replay on its own profile, from the installed package.
import { test, expect } from 'servewright';
import { survivesWorkerDeath } from 'servewright/scenarios';
import { myEngine } from '../profiles/my-engine.ts';

test.use({ stackProfile: myEngine, stackOptions: { frontend: { routerMode: 'round-robin', migrationLimit: 3 }, workers: 2 } });

test('a stream survives the death of its worker on my engine', async ({ stack, client }) => {
  // The installed package, not sources a tsconfig `paths` alias could point at.
  expect(import.meta.resolve('servewright')).toContain('/node_modules/servewright/dist/');
  await survivesWorkerDeath(stack, client, { api: 'completion', streaming: true, signal: 'SIGKILL', longTokens: 2_000, timeoutMs: 30_000 });
  for (const worker of stack.workers) expect(worker.proc.log.matchesSince(0, /my-engine launcher: starting worker\.mjs/)).toHaveLength(1);
});

test('a trace replays on my engine across two sender threads', async ({ stack, workload }) => {
  const { summary } = await workload.replay({ trace: 'traces/hello.csv', stack, threads: 2 });
  expect(summary.run.requests).toBe(4);
  expect(summary.overall.failed).toBe(0);
});
