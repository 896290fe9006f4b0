// The seed's multi-node layout on loopback: two Genie servers on different ports.
import { compareTensors, expect, readCapabilities, runLocally, seededTensor, test } from 'servewright';

test.use({ genieTestType: 'multi_node' });

const E2E = { tag: ['@e2e', '@genie'] };

test('two servers on different ports split one computation', E2E, async ({ genie, genieResults }) => {
  const nodeA = genie.server;
  const nodeB = await genie.startServer('genie-node-b');
  expect(nodeB.port).not.toBe(nodeA.port);
  const x = seededTensor([24, 40], 21);

  const final = await genieResults.check(
    'multi_node_pipeline',
    async () => {
      const [healthA, healthB] = await Promise.all([nodeA.client.health(), nodeB.client.health()]);
      expect([healthA.status, healthB.status]).toEqual(['healthy', 'healthy']);
      const hidden = await nodeA.client.execute('relu', x);
      const out = await nodeB.client.execute('sigmoid', hidden.tensor);
      const expected = runLocally({ op: 'sigmoid', input: runLocally({ op: 'relu', input: x }).tensor }).tensor;
      const cmp = compareTensors(out.tensor, expected);
      expect(cmp.within, cmp.reason).toBe(true);
      return { nodeA: nodeA.url, nodeB: nodeB.url, ms: hidden.totalMs + out.totalMs, maxAbsDiff: cmp.maxAbsDiff };
    },
  );
  expect(final.nodeA).not.toBe(final.nodeB);

  const caps = await readCapabilities(nodeA.client);
  if (caps.stats) {
    type Stats = { requests_total: number; ops: Record<string, { count: number }> };
    const [statsA, statsB] = await Promise.all([nodeA.client.stats<Stats>(), nodeB.client.stats<Stats>()]);
    expect(statsA.requests_total).toBe(1);
    expect(Object.keys(statsA.ops)).toEqual(['relu']);
    expect(statsB.requests_total).toBe(1);
    expect(Object.keys(statsB.ops)).toEqual(['sigmoid']);
  }
});

test('a dead node fails its requests while the other keeps serving', E2E, async ({ genie, genieResults }) => {
  const nodeB = await genie.startServer('genie-node-b');
  await genieResults.check('multi_node_isolation', async () => {
    await nodeB.proc!.kill({ signal: 'SIGKILL' });
    await expect(nodeB.client.health()).rejects.toThrow(/ECONNREFUSED/);
    const stillUp = await genie.server.client.execute('abs', seededTensor([4, 4], 1));
    expect(stillUp.tensor.shape).toEqual([4, 4]);
    return `node B (${nodeB.url}) down after SIGKILL; node A (${genie.server.url}) still serving`;
  });
});
