// Hands NATS the publishes of one event-loop turn together when the turn ends.
//
// nats.js writes its outbound buffer to the socket one microtask after a publish, and
// every HTTP request is its own I/O callback, so under load each request cost one
// socket write that woke nats-server, and one read there. Publishing from a
// setImmediate callback instead makes the requests that arrived in one turn share one
// write, at the cost of the rest of that turn (well under a millisecond).

import type { NatsConnection, PublishOptions } from 'nats';

interface Pending {
  subject: string;
  data: Uint8Array;
  options: PublishOptions | undefined;
  onError: (err: Error) => void;
}

export class TurnPublisher {
  private pending: Pending[] = [];

  constructor(private readonly nc: Pick<NatsConnection, 'publish'>) {}

  /** Publishes before the next turn; `onError` hears a publish NATS refused (connection closed). */
  publish(subject: string, data: Uint8Array, options: PublishOptions | undefined, onError: (err: Error) => void): void {
    if (this.pending.length === 0) setImmediate(this.flush);
    this.pending.push({ subject, data, options, onError });
  }

  /** Publishes what is pending now; for shutdown, before the connection drains. */
  readonly flush = (): void => {
    const batch = this.pending;
    this.pending = [];
    for (const p of batch) {
      try {
        this.nc.publish(p.subject, p.data, p.options);
      } catch (err) {
        p.onError(err as Error);
      }
    }
  };
}
