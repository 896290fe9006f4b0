// Collects the KV cache's stored/removed block hashes and publishes them as one KvEvent
// per event-loop turn, so a busy engine step costs one NATS message, not one per block.

import type { KvEvent } from '../../../protocol/messages.ts';
import type { KvCacheListener } from '../engine/kv-cache.ts';

export class KvEventPublisher implements KvCacheListener {
  private pendingStored: string[] = [];
  private pendingRemoved: string[] = [];
  private flushQueued = false;
  private publish: ((event: KvEvent) => void) | undefined;

  constructor(private readonly workerId: string) {}

  /** Until attached (NATS connected) events are dropped: no router could see them yet. */
  attach(publish: (event: KvEvent) => void): void {
    this.publish = publish;
  }

  stored(hashes: string[]): void {
    if (this.publish === undefined) return;
    this.pendingStored.push(...hashes);
    this.queueFlush();
  }

  removed(hashes: string[]): void {
    if (this.publish === undefined) return;
    this.pendingRemoved.push(...hashes);
    this.queueFlush();
  }

  private queueFlush(): void {
    if (this.flushQueued) return;
    this.flushQueued = true;
    setImmediate(() => {
      this.flushQueued = false;
      const event: KvEvent = { workerId: this.workerId, stored: this.pendingStored, removed: this.pendingRemoved };
      this.pendingStored = [];
      this.pendingRemoved = [];
      this.publish?.(event);
    });
  }
}
