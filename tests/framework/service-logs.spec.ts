// The base fixtures' service aftercare, seen from a child run: a failed test gets the
// services' log lines of its own run attached; a passing one gets none.

import { fileURLToPath } from 'node:url';
import { expect, test } from './helpers/inline-test.ts';

const FIXTURES = fileURLToPath(new URL('../../fixtures/index.ts', import.meta.url));

test('a failed test gets the services\' log lines of its own run attached; a passing one does not', { tag: ['@e2e', '@framework'] }, async ({ inline }) => {
  test.setTimeout(120_000);
  const run = await inline.run(
    {
      'services.spec.ts': `
import { test, expect } from ${JSON.stringify(FIXTURES)};
test('passes', { tag: ['@e2e', '@framework'] }, async ({ services }) => { expect(services.nats.url).toMatch(/^nats:/); });
test('fails', { tag: ['@e2e', '@framework'] }, async ({ services }) => {
  await services.nats.restart();
  expect(services.etcd.endpoints, 'on purpose').toEqual([]);
});
`,
    },
    { reporter: '[]', env: { SERVICES: 'local' } },
  );
  expect(run.counts, run.output).toEqual({ passed: 1, failed: 1, flaky: 0, skipped: 0 });
  const names = (title: string) => run.results.find((r) => r.title === title)!.attachments.map((a) => a.name).filter((n) => n.startsWith('services-'));
  expect(names('passes')).toEqual([]);
  expect(names('fails')).toContain('services-nats-server.log');
  const nats = run.results.find((r) => r.title === 'fails')!.attachments.find((a) => a.name === 'services-nats-server.log')!;
  // Only what the restart inside the failed test logged: one start-up, not the worker's first one too.
  expect(Buffer.from(nats.body!, 'base64').toString().match(/Server is ready/g)).toHaveLength(1);
});
