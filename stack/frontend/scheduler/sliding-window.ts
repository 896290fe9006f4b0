// Arrival timestamps inside a trailing time window, for a request rate that forgets
// bursts after the window passes. Timestamps arrive in order, so expiry only ever drops
// from the front; the head index avoids O(n) shifts at high rates.

export class SlidingWindowCounter {
  private times: number[] = [];
  private head = 0;

  constructor(private readonly windowMs: number) {}

  add(nowMs: number): void {
    this.times.push(nowMs);
  }

  count(nowMs: number): number {
    const cutoff = nowMs - this.windowMs;
    while (this.head < this.times.length && this.times[this.head]! <= cutoff) this.head++;
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
    return this.times.length - this.head;
  }

  /** Arrivals per second over the window. */
  ratePerSec(nowMs: number): number {
    return this.count(nowMs) / (this.windowMs / 1000);
  }
}
