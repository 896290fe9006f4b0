// Integer mixing for the deterministic generator and the seeded jitter source: fast,
// well spread, and identical on every platform (no Math.random).

/** murmur3's finalizer: avalanches every input bit into every output bit. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export function digestTokens(tokens: readonly number[], seed: number): number {
  let h = fmix32(seed ^ 0x9e3779b9);
  for (const t of tokens) h = fmix32(h ^ t) + 0x6b43a9b5;
  return fmix32(h ^ tokens.length);
}

/** Seeded uniform source in [0, 1). */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = fmix32(seed ^ 0x2545f491) || 1;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    return fmix32(this.state) / 0x1_0000_0000;
  }
}
