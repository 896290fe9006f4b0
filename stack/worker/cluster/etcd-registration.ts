// Discovery: the worker's WorkerRegistration lives at /<ns>/workers/<id> under a lease
// that etcd3 keeps alive, so the key vanishes on its own if the process dies. A lost
// lease (etcd restarted, network blip) is replaced with a fresh one, retried until etcd
// answers again: a worker outlives an etcd outage and comes back into discovery by itself.

import { setTimeout as sleep } from 'node:timers/promises';
import { Etcd3, type Lease } from 'etcd3';
import type { WorkerRegistration } from '../../../protocol/messages.ts';
import type { Logger } from '../log.ts';

/** Pause between re-registration attempts while etcd does not answer. */
const RETRY_MS = 500;

export class EtcdRegistration {
  private lease: Lease | undefined;
  private closing = false;
  private reregistering = false;

  private constructor(
    private readonly client: Etcd3,
    private readonly key: string,
    private readonly value: WorkerRegistration,
    private readonly ttlS: number,
    private readonly log: Logger,
  ) {}

  static async register(endpoints: string, key: string, value: WorkerRegistration, ttlS: number, log: Logger): Promise<EtcdRegistration> {
    const hosts = endpoints.split(',').map((e) => e.trim()).filter((e) => e.length > 0);
    const registration = new EtcdRegistration(new Etcd3({ hosts }), key, value, ttlS, log);
    await registration.grant();
    return registration;
  }

  private async grant(): Promise<void> {
    const lease = this.client.lease(this.ttlS);
    this.lease = lease;
    lease.on('lost', (err) => {
      if (this.closing || lease !== this.lease) return;
      this.log.error(`etcd lease for ${this.key} lost (${err.message}); registering again`);
      void this.reregister();
    });
    await lease.put(this.key).value(JSON.stringify(this.value));
  }

  private async reregister(): Promise<void> {
    if (this.reregistering) return;
    this.reregistering = true;
    try {
      for (let attempt = 1; !this.closing; attempt++) {
        try {
          await this.grant();
          this.log.info(`registered ${this.key} again (attempt ${attempt})`);
          return;
        } catch (e) {
          this.log.error(`etcd re-registration attempt ${attempt} failed: ${(e as Error).message}; retrying in ${RETRY_MS} ms`);
          await sleep(RETRY_MS);
        }
      }
    } finally {
      this.reregistering = false;
    }
  }

  /** Deletes the key and revokes the lease so the frontend sees the worker leave at once. */
  async deregister(): Promise<void> {
    this.closing = true;
    try {
      await this.client.delete().key(this.key);
      await this.lease?.revoke();
    } finally {
      this.client.close();
    }
  }
}
