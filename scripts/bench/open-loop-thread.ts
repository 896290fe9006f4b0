// The frontend-overhead bench's load generator, in a worker thread of its own so that the
// bench's main thread (which reads every process's log pipe) does not delay a send or a
// response (issue #19: the load generator in another thread). One undici pool per thread,
// kept across the warm-up and the measured run, so the measured run is not a storm of new
// TCP connections. Latency is measured from each request's scheduled send time (no
// coordinated omission).

import { parentPort, workerData } from 'node:worker_threads';
import { Pool } from 'undici';

/** Enough connections that an open loop never waits for one; pipelining would hide queueing. */
const POOL_OPTIONS = { connections: 512, pipelining: 1 };
/** A request still unanswered this long after the load ends counts as a failure. */
const DRAIN_TIMEOUT_MS = 10_000;

export interface LoopRequest {
  rate: number;
  seconds: number;
  body: string;
  headers: Record<string, string>;
}

export interface Phase {
  latenciesMs: number[];
  errors: number;
  achievedRate: number;
}

async function openLoop(pool: Pool, o: LoopRequest): Promise<Phase> {
  const total = Math.round(o.rate * o.seconds);
  const latenciesMs: number[] = [];
  let errors = 0;
  const inflight: Promise<void>[] = [];
  const start = performance.now();
  let sent = 0;
  while (sent < total) {
    const now = performance.now();
    while (sent < total && start + (sent * 1000) / o.rate <= now) {
      const scheduled = start + (sent * 1000) / o.rate;
      sent++;
      inflight.push(
        pool
          .request({ path: '/v1/completions', method: 'POST', headers: { 'content-type': 'application/json', ...o.headers }, body: o.body })
          .then(async (res) => {
            await res.body.text();
            if (res.statusCode === 200) latenciesMs.push(performance.now() - scheduled);
            else errors++;
          })
          .catch(() => void errors++),
      );
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  const sendSeconds = (performance.now() - start) / 1000;
  await Promise.race([Promise.all(inflight), new Promise((r) => setTimeout(r, DRAIN_TIMEOUT_MS))]);
  return { latenciesMs, errors: errors + (total - latenciesMs.length - errors), achievedRate: total / sendSeconds };
}

const port = parentPort!;
const pool = new Pool((workerData as { origin: string }).origin, POOL_OPTIONS);
// The bench ends the thread with terminate(), which closes the pool's sockets with it.
port.on('message', (m: LoopRequest) => void openLoop(pool, m).then((phase) => port.postMessage(phase)));
