// Mock vLLM worker process: `worker [MODEL] --port 0 --speedup 0 ...`. Serves the
// OpenAI API over HTTP and, in cluster mode (--nats and --etcd), GenerateRequests over
// NATS with its registration in etcd. Prints `listening on <url>` once fully ready.

import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { WorkerRegistration } from '../../protocol/messages.ts';
import { workerKey } from '../../protocol/subjects.ts';
import { helpText, parseWorkerArgs, UsageError, type WorkerOptions } from './cli.ts';
import type { EtcdRegistration } from './cluster/etcd-registration.ts';
import { KvEventPublisher } from './cluster/kv-event-publisher.ts';
import type { NatsWorkerService } from './cluster/nats-service.ts';
import { Engine } from './engine/engine.ts';
import { Rng } from './engine/hash.ts';
import { TimingModel } from './engine/timing-model.ts';
import { createWorkerServer } from './http/server.ts';
import { exitOnStartupFailure, listen, reach, within } from '../startup.ts';
import { stdoutLogger as log } from './log.ts';

/** How long a crashing worker waits for already-written tokens to leave the process. */
const CRASH_FLUSH_MS = 200;
/** SIGTERM must exit quickly even when etcd or NATS is unreachable (the lease then just expires). */
const SHUTDOWN_STEP_TIMEOUT_MS = 2_000;

function parseOrExit(): WorkerOptions {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${helpText()}\n`);
    process.exit(0);
  }
  try {
    return parseWorkerArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`worker: ${e.message}\n`);
    process.exit(2);
  }
}

async function main(): Promise<void> {
  const o = parseOrExit();
  if (o.startupDelayMs > 0) await sleep(o.startupDelayMs);

  let cluster: { nats: NatsWorkerService; etcd: EtcdRegistration } | undefined;
  let ready = false;
  const kvEvents = new KvEventPublisher(o.workerId);
  const engine = new Engine({
    ...o,
    role: o.role,
    timing: new TimingModel(o, new Rng(o.seed)),
    log,
    kvListener: kvEvents,
    onCrash: () => {
      log.error(`crash injected after ${o.crashAfterTokens} streamed tokens (--crash-after-tokens)`);
      const flushed = cluster ? cluster.nats.flush() : Promise.resolve();
      void Promise.race([flushed, sleep(CRASH_FLUSH_MS)]).finally(() => process.kill(process.pid, 'SIGKILL'));
    },
  });

  const server = createWorkerServer({
    engine,
    model: o.model,
    workerId: o.workerId,
    seed: o.seed,
    maxModelLen: o.maxModelLen,
    isReady: () => ready,
    runtimeMetrics: () => cluster?.nats.renderMetrics() ?? '',
  });
  server.keepAliveTimeout = 60_000;
  await listen(server, o.port, o.host);
  const url = `http://${o.host}:${(server.address() as AddressInfo).port}`;

  if (o.nats !== undefined && o.etcd !== undefined) {
    const { NatsWorkerService } = await import('./cluster/nats-service.ts');
    const { EtcdRegistration } = await import('./cluster/etcd-registration.ts');
    log.info(`connecting to NATS ${o.nats}`);
    const nats = await reach(
      `NATS at ${o.nats}`,
      NatsWorkerService.start({ url: o.nats, namespace: o.namespace, workerId: o.workerId, model: o.model, role: o.role, heartbeatMs: o.heartbeatMs, engine, log }),
    );
    kvEvents.attach((event) => nats.publishKvEvent(event));
    const registration: WorkerRegistration = {
      id: o.workerId,
      model: o.model,
      role: o.role,
      httpUrl: url,
      maxNumSeqs: o.maxNumSeqs,
      maxWaiting: o.maxWaiting,
      blockSize: o.blockSize,
      pid: process.pid,
      startedAt: Date.now(),
    };
    log.info(`registering in etcd ${o.etcd}`);
    const etcd = await reach(
      `etcd at ${o.etcd}`,
      EtcdRegistration.register(o.etcd, workerKey(o.namespace, o.workerId), registration, o.leaseTtlS, log),
    );
    cluster = { nats, etcd };
    log.info(`registered ${workerKey(o.namespace, o.workerId)} (role ${o.role})`);
  }

  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    ready = false;
    log.info(`${signal} received: deregistering and draining`);
    const bounded = (what: string, step: () => Promise<void>): Promise<void> =>
      within(what, step(), SHUTDOWN_STEP_TIMEOUT_MS).catch((e: Error) => log.error(`${what} failed: ${e.message}`));
    const c = cluster;
    if (c) await bounded('etcd deregistration', () => c.etcd.deregister());
    const drained = engine.shutdown({ status: 503, message: `Worker ${o.workerId} is shutting down.`, retryable: true });
    log.info(`failed ${drained} in-flight requests as retryable`);
    if (c) await bounded('NATS drain', () => c.nats.close());
    server.close();
    server.closeAllConnections();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  ready = true;
  process.stdout.write(`listening on ${url}\n`);
}

main().catch(exitOnStartupFailure('worker'));
