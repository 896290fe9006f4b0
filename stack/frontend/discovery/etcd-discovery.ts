// Keeps a WorkerRegistry in step with etcd: an initial range read of /<ns>/workers/, then
// a watch from the next revision so no put or delete (lease expiry included) is missed.

import { Etcd3, type IKeyValue, type IOptions, type Watcher } from 'etcd3';
import type { WorkerRegistration } from '../../../protocol/messages.ts';
import { workersPrefix } from '../../../protocol/subjects.ts';
import type { WorkerRegistry } from './worker-registry.ts';

export interface EtcdDiscovery {
  close(): Promise<void>;
}

/**
 * The watch reconnects at a steady pace: the client's default exponential backoff grows to
 * 30 s during an etcd outage, so workers that (re-)registered after etcd came back would stay
 * unseen for that long.
 */
const WATCH_RETRY: NonNullable<NonNullable<IOptions['faultHandling']>['watchBackoff']> = {
  duration: 250,
  next() {
    return WATCH_RETRY;
  },
};

export async function startEtcdDiscovery(
  endpoints: string[],
  namespace: string,
  registry: WorkerRegistry,
  log: (line: string) => void,
): Promise<EtcdDiscovery> {
  const client = new Etcd3({ hosts: endpoints, faultHandling: { watchBackoff: WATCH_RETRY } });
  const prefix = workersPrefix(namespace);
  const idOf = (kv: IKeyValue): string => kv.key.toString().slice(prefix.length);

  const put = (kv: IKeyValue): void => {
    let registration: WorkerRegistration;
    try {
      registration = JSON.parse(kv.value.toString()) as WorkerRegistration;
    } catch (err) {
      log(`WARN ignoring malformed worker registration at ${kv.key.toString()}: ${(err as Error).message}`);
      return;
    }
    const known = registry.get(registration.id) !== undefined;
    registry.upsert(registration);
    if (!known) {
      log(
        `worker added worker_id=${registration.id} model=${registration.model} role=${registration.role} max_num_seqs=${registration.maxNumSeqs}`,
      );
    }
  };
  const remove = (kv: IKeyValue): void => {
    const id = idOf(kv);
    if (!registry.get(id)) return;
    registry.remove(id);
    log(`worker removed worker_id=${id}`);
  };

  const initial = await client.getAll().prefix(prefix).exec();
  for (const kv of initial.kvs) put(kv);
  const revision = BigInt(initial.header.revision) + 1n;
  const watcher: Watcher = await client.watch().prefix(prefix).startRevision(revision.toString()).create();
  watcher.on('put', put);
  watcher.on('delete', remove);
  watcher.on('disconnected', () => log('WARN etcd watch disconnected; reconnecting'));
  watcher.on('error', (err) => log(`ERROR etcd watch failed: ${err.message}`));

  return {
    async close() {
      await watcher.cancel().catch(() => undefined);
      client.close();
    },
  };
}
