import { createServer, type Server } from 'node:net';
import { expect, PortAllocator, test } from 'servewright';
import { PORT_RANGE } from '../../fixtures/ports/port-allocator.ts';

const tag = ['@e2e', '@framework'];

const WORKERS = 4;
const PER_WORKER = 40;

function listen(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

test.describe('PortAllocator', () => {
  test(`${WORKERS} processes x ${PER_WORKER} allocations from one registry never collide`, { tag }, async ({ procs, ports }) => {
    // A range barely larger than the demand: without the lock and the registry, collisions are certain.
    const span = WORKERS * PER_WORKER + 20;
    const base = Math.min(await ports.allocate(), PORT_RANGE.max - span);
    const range = { min: base, max: base + span };
    const dir = test.info().outputPath('registry');
    const workers = await Promise.all(
      Array.from({ length: WORKERS }, (_, i) =>
        procs.start({
          name: `allocator-${i}`,
          command: process.execPath,
          args: ['--import', 'tsx', 'tests/framework/helpers/allocate-ports.ts'],
          env: { COUNT: String(PER_WORKER), PORTS_DIR: dir, RANGE_MIN: String(range.min), RANGE_MAX: String(range.max) },
          ready: { log: /^\[allocator-\d\] ports \[/, timeoutMs: 60_000 },
        }),
      ),
    );
    const all = workers.flatMap((w) => JSON.parse(w.log.lastMatchSince(0, /ports (\[.*\])/)![1]!) as number[]);
    expect(all).toHaveLength(WORKERS * PER_WORKER);
    expect(new Set(all).size).toBe(all.length);
    for (const port of all) {
      expect(port).toBeGreaterThanOrEqual(range.min);
      expect(port).toBeLessThan(range.max);
    }
  });

  test('skips a port somebody else is bound to (real bind check)', { tag }, async ({ ports }) => {
    const taken = await ports.allocate();
    const server = await listen(taken);
    try {
      const allocator = new PortAllocator({ dir: test.info().outputPath('registry'), range: { min: taken, max: taken + 1 } });
      await expect(allocator.allocate()).rejects.toThrow(`no free loopback port in ${taken}-${taken}`);
    } finally {
      server.close();
    }
  });

  test('a released port can be handed out again; a held one cannot', { tag }, async ({ ports }) => {
    const port = await ports.allocate();
    await ports.release(port);
    const dir = test.info().outputPath('registry');
    const first = new PortAllocator({ dir, range: { min: port, max: port + 1 } });
    const second = new PortAllocator({ dir, range: { min: port, max: port + 1 } });
    expect(await first.allocate()).toBe(port);
    await expect(second.allocate()).rejects.toThrow('no free loopback port');
    await first.release(port);
    expect(await second.allocate()).toBe(port);
    await second.releaseAll();
  });

  test('leases of a dead owner and expired leases are dropped', { tag }, async ({ procs, ports }) => {
    const port = await ports.allocate();
    await ports.release(port);
    const dir = test.info().outputPath('registry');
    const owner = await procs.start({
      name: 'owner',
      command: process.execPath,
      args: ['--import', 'tsx', 'tests/framework/helpers/allocate-ports.ts'],
      env: { COUNT: '1', PORTS_DIR: dir, RANGE_MIN: String(port), RANGE_MAX: String(port + 1) },
      ready: { log: /ports \[/, timeoutMs: 60_000 },
    });
    const allocator = new PortAllocator({ dir, range: { min: port, max: port + 1 } });
    await expect(allocator.allocate()).rejects.toThrow('no free loopback port');
    await owner.kill({ signal: 'SIGKILL' });
    expect(await allocator.allocate()).toBe(port);
    const expiring = new PortAllocator({ dir: test.info().outputPath('ttl'), ttlMs: 1, range: { min: port, max: port + 1 } });
    await allocator.release(port);
    expect(await expiring.allocate()).toBe(port);
    await new Promise((r) => setTimeout(r, 5));
    expect(await new PortAllocator({ dir: test.info().outputPath('ttl'), range: { min: port, max: port + 1 } }).allocate()).toBe(port);
  });
});
