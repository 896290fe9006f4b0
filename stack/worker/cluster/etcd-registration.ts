// Discovery: the worker's WorkerRegistration lives at /<ns>/workers/<id> under a lease
// that etcd3 keeps alive, so the key vanishes on its own if the process dies. A lost
// lease (etcd restarted, network blip) is replaced with a fresh one.

import { Etcd3, type Lease } from 'etcd3';
import type { WorkerRegistration } from '../../../protocol/messages.ts';
import type { Logger } from '../log.ts';

export class EtcdRegistration {
  private lease: Lease | undefined;
  private closing = false;

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
      if (this.closing) return;
      this.log.error(`etcd lease for ${this.key} lost (${err.message}); registering again`);
      this.grant().catch((e: Error) => this.log.error(`etcd re-registration failed: ${e.message}`));
    });
    await lease.put(this.key).value(JSON.stringify(this.value));
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
