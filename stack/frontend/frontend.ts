// Wires a running frontend together: NATS, etcd discovery, KV events, scheduler,
// router, dispatcher and the HTTP server.

import type { AddressInfo } from 'node:net';
import { connect, JSONCodec, type NatsConnection } from 'nats';
import type { KvEvent } from '../../protocol/messages.ts';
import { kvEventsSubject } from '../../protocol/subjects.ts';
import { listen, reach } from '../startup.ts';
import type { FrontendConfig } from './config.ts';
import { startEtcdDiscovery } from './discovery/etcd-discovery.ts';
import { WorkerRegistry } from './discovery/worker-registry.ts';
import { Dispatcher } from './dispatch/dispatcher.ts';
import { ReplyMux } from './generation/reply-mux.ts';
import { TurnPublisher } from './generation/turn-publisher.ts';
import { createFrontendServer } from './http/server.ts';
import type { Log } from './log.ts';
import { FrontendMetrics } from './metrics.ts';
import { createRouter } from './routing/create-router.ts';
import { createScheduler } from './scheduler/create-scheduler.ts';

/** Between reconnect attempts after NATS went away (nats.js waits 2 s by default). */
const NATS_RECONNECT_WAIT_MS = 250;

export interface RunningFrontend {
  url: string;
  close(): Promise<void>;
}

export async function startFrontend(config: FrontendConfig, log: Log): Promise<RunningFrontend> {
  const nc: NatsConnection = await reach(`NATS at ${config.nats}`, connect({ servers: config.nats, name: 'servewright-frontend', maxReconnectAttempts: -1, reconnectTimeWait: NATS_RECONNECT_WAIT_MS }));
  const registry = new WorkerRegistry(config.busyThreshold);
  const scheduler = createScheduler(config.scheduler, config.schedulerOption, log);
  const router = createRouter(config.routerMode, log, { localityThresholdTokens: config.localityThresholdTokens });
  const metrics: FrontendMetrics = new FrontendMetrics(config.metricsNaming, {
    inflight: () => dispatcher.inFlight,
    queueDepth: () => dispatcher.queueDepth,
    workers: () => registry.list().length,
  });
  const dispatcher: Dispatcher = new Dispatcher(registry, scheduler, router, config.maxQueue, (req, placement) => {
    const workerId = placement.worker.registration.id;
    metrics.workerRequests.inc({ worker_id: workerId });
    metrics.routerDecisions.inc({ router_mode: router.mode, decision: placement.decision });
    log(
      `dispatch request_id=${req.queued.requestId} worker_id=${workerId} phase=${placement.phase} router=${router.mode} decision=${placement.decision} reason="${placement.reason}" queue_ms=${placement.queueMs}`,
    );
  }, config.enforceDisagg);

  const kvCodec = JSONCodec<KvEvent>();
  const kvSub = nc.subscribe(kvEventsSubject(config.namespace), {
    callback: (err, msg) => {
      if (err) return log(`WARN kv events subscription: ${err.message}`);
      try {
        registry.applyKvEvent(kvCodec.decode(msg.data));
      } catch (e) {
        log(`WARN ignoring undecodable kv event: ${(e as Error).message}`);
      }
    },
  });
  const discovery = await reach(`etcd at ${config.etcd.join(',')}`, startEtcdDiscovery(config.etcd, config.namespace, registry, log)).catch(async (err: unknown) => {
    await nc.close();
    throw err;
  });

  const replies = new ReplyMux(nc);
  const publisher = new TurnPublisher(nc);
  const server = createFrontendServer({
    nats: nc,
    publisher,
    replies,
    activeRequestIds: new Set(),
    namespace: config.namespace,
    registry,
    streamTimeoutMs: config.streamTimeoutMs,
    log,
    dispatcher,
    scheduler,
    metrics,
    migrationLimit: config.migrationLimit,
    countExhaustedMigrations: config.countExhaustedMigrations,
    prefillCancel: config.prefillCancel,
    routerMode: router.mode,
  });
  server.keepAliveTimeout = 65_000;
  await listen(server, config.httpPort, config.httpHost).catch(async (err: unknown) => {
    await discovery.close();
    await nc.close();
    throw err;
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${config.httpHost}:${port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      kvSub.unsubscribe();
      publisher.flush();
      replies.close();
      await discovery.close();
      await nc.drain();
    },
  };
}
