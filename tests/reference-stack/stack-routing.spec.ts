// Routing modes through the public stack fixture: each spreads requests the way it claims.

import { test, expect, type StartedStack } from 'servewright';

const tags = { tag: ['@e2e', '@reference-stack'] };

function count(ids: Array<string | undefined>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const id of ids) out[id ?? 'unknown'] = (out[id ?? 'unknown'] ?? 0) + 1;
  return out;
}

async function sequential(stack: StartedStack, n: number, prompt: (i: number) => string): Promise<Array<string | undefined>> {
  const client = stack.client();
  const served: Array<string | undefined> = [];
  for (let i = 0; i < n; i++) served.push((await client.completions({ prompt: prompt(i), max_tokens: 2 })).workerId);
  return served;
}

test.describe('routing modes', tags, () => {
  test('round-robin cycles through every worker in a fixed order', async ({ launchStack }) => {
    const stack = await launchStack({ frontend: { routerMode: 'round-robin' }, workers: 3 });
    const served = await sequential(stack, 9, (i) => `request ${i}`);
    const cycle = served.slice(0, 3);
    expect(new Set(cycle).size).toBe(3);
    expect(served).toEqual([...cycle, ...cycle, ...cycle]);
  });

  test('random reaches every worker', async ({ launchStack }) => {
    const stack = await launchStack({ frontend: { routerMode: 'random' }, workers: 3 });
    const served = count(await sequential(stack, 60, (i) => `request ${i}`));
    expect(Object.keys(served).sort()).toEqual(stack.workers.map((w) => w.id).sort());
  });

  test('least-loaded spreads concurrent requests evenly', async ({ launchStack }) => {
    const stack = await launchStack({ frontend: { routerMode: 'least-loaded' }, workers: 3 });
    const client = stack.client();
    // Long enough to overlap: every request is still running when the next is routed.
    const served = await Promise.all(
      Array.from({ length: 6 }, async (_, i) => (await client.completions({ prompt: `concurrent ${i}`, max_tokens: 1_000 })).workerId),
    );
    expect(Object.values(count(served))).toEqual([2, 2, 2]);
  });

  test('kv routes a repeated long prefix to the worker that cached it', async ({ launchStack }) => {
    const stack = await launchStack({ frontend: { routerMode: 'kv' }, workers: 3 });
    const client = stack.client();
    const shared = Array.from({ length: 200 }, (_, i) => `shared${i}`).join(' ');
    const first = await client.completions({ prompt: `${shared} first`, max_tokens: 2 });
    // KV events reach the frontend asynchronously; once they have, every follow-up sticks.
    await expect
      .poll(async () => (await client.completions({ prompt: `${shared} probe`, max_tokens: 2 })).workerId)
      .toBe(first.workerId);
    const followUps = await sequential(stack, 5, (i) => `${shared} follow-up ${i}`);
    expect(new Set(followUps)).toEqual(new Set([first.workerId]));
    const cached = await client.completions({ prompt: `${shared} cached`, max_tokens: 2 });
    const usage = cached.body.usage as { prompt_tokens_details?: { cached_tokens?: number } };
    expect(usage.prompt_tokens_details?.cached_tokens).toBeGreaterThanOrEqual(192);
  });

  test('a killed worker stops receiving requests', async ({ launchStack }) => {
    const stack = await launchStack({ frontend: { routerMode: 'round-robin' }, workers: 2 });
    const [victim, survivor] = stack.workers;
    await stack.kill(victim!, { signal: 'SIGKILL' });
    await expect.poll(async () => (await stack.frontend.getJson<{ workers: number }>('/health')).workers, { timeout: 15_000 }).toBe(1);
    expect(new Set(await sequential(stack, 6, (i) => `after death ${i}`))).toEqual(new Set([survivor!.id]));
    const metrics = await stack.metrics();
    expect(Object.keys(metrics.workers)).toEqual([survivor!.id]);
    expect(metrics.frontend.value('servewright_frontend_worker_requests_total', { worker_id: survivor!.id })).toBeGreaterThanOrEqual(6);
  });
});
