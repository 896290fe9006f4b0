// One wildcard subscription for every reply stream of this frontend, like nats.js's own
// request mux: a per-request SUB/UNSUB would cost two extra protocol round trips on the
// hot path, and interest churn on the server.

import { createInbox, type Msg, type NatsConnection, type Subscription } from 'nats';

export type ReplyHandler = (err: Error | null, msg?: Msg) => void;

export class ReplyMux {
  private readonly prefix = `${createInbox()}.`;
  private readonly handlers = new Map<string, ReplyHandler>();
  private readonly sub: Subscription;
  private seq = 0;

  constructor(nc: NatsConnection) {
    this.sub = nc.subscribe(`${this.prefix}*`, {
      callback: (err, msg) => {
        if (err) {
          for (const handler of this.handlers.values()) handler(err);
          return;
        }
        this.handlers.get(msg.subject)?.(null, msg);
      },
    });
  }

  /** A fresh reply subject routed to `handler` until `close()`. */
  open(handler: ReplyHandler): { subject: string; close(): void } {
    const subject = `${this.prefix}${(this.seq++).toString(36)}`;
    this.handlers.set(subject, handler);
    return { subject, close: () => this.handlers.delete(subject) };
  }

  close(): void {
    this.sub.unsubscribe();
  }
}
