// Deterministic output: the token at output position i is a pure function of
// (seed, promptTokens, i), so a stream resumed at position k on another worker
// continues exactly where the first one stopped.

import { digestTokens, fmix32 } from './hash.ts';
import { VOCABULARY, type VocabToken } from './vocabulary.ts';

export class TextGenerator {
  private readonly key: number;

  constructor(seed: number, promptTokens: readonly number[]) {
    this.key = digestTokens(promptTokens, seed);
  }

  tokenAt(position: number): VocabToken {
    const h = fmix32(this.key ^ fmix32(Math.imul(position + 1, 0x9e3779b1)));
    return VOCABULARY[h % VOCABULARY.length] as VocabToken;
  }

  /** Tokens for positions [from, from + count). */
  range(from: number, count: number): VocabToken[] {
    const out = new Array<VocabToken>(count);
    for (let i = 0; i < count; i++) out[i] = this.tokenAt(from + i);
    return out;
  }
}
