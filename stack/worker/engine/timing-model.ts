// How long the simulated GPU takes: prefill cost per uncached prompt token, a per-step
// inter-token latency that grows with the running batch, bounded jitter, all divided
// by `speedup`. speedup 0 means no delays at all (the engine then runs without timers).

import type { Rng } from './hash.ts';

export interface TimingOptions {
  prefillMsPerToken: number;
  itlMs: number;
  /** Fraction in [0, 1): each delay is scaled by a factor in [1 - jitter, 1 + jitter]. */
  jitter: number;
  /** ITL grows by this fraction per additional running sequence. */
  batchSlowdown: number;
  speedup: number;
}

export class TimingModel {
  readonly instant: boolean;

  constructor(
    private readonly options: TimingOptions,
    private readonly rng: Rng,
  ) {
    this.instant = options.speedup === 0;
  }

  prefillMs(uncachedTokens: number): number {
    if (this.instant) return 0;
    return this.scaled(uncachedTokens * this.options.prefillMsPerToken);
  }

  interTokenMs(batchSize: number): number {
    if (this.instant) return 0;
    const load = 1 + this.options.batchSlowdown * Math.max(0, batchSize - 1);
    return this.scaled(this.options.itlMs * load);
  }

  private scaled(ms: number): number {
    const jitter = this.options.jitter * (2 * this.rng.next() - 1);
    return (ms * (1 + jitter)) / this.options.speedup;
  }
}
