// Live counters of a run, updated by the senders and read by the progress line.

export class RunCounters {
  sent = 0;
  done = 0;
  errors = 0;
  get inFlight(): number {
    return this.sent - this.done;
  }
  add(other: { sent: number; done: number; errors: number }): void {
    this.sent += other.sent;
    this.done += other.done;
    this.errors += other.errors;
  }
}
