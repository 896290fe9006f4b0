// A stand-in for one Playwright worker: allocates COUNT ports from a shared registry,
// holds them, and prints them as one JSON line.
import { PortAllocator } from '../../../fixtures/ports/port-allocator.ts';

const count = Number(process.env.COUNT);
const allocator = new PortAllocator({
  dir: process.env.PORTS_DIR,
  range: { min: Number(process.env.RANGE_MIN), max: Number(process.env.RANGE_MAX) },
});
const ports: number[] = [];
for (let i = 0; i < count; i++) ports.push(await allocator.allocate());
console.log(`ports ${JSON.stringify(ports)}`);
// Stay alive so the leases stay owned by a live process until the test has read them.
setInterval(() => undefined, 60_000);
