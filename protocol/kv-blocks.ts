// Prefix-cache block identity: a block's hash chains the hash of every block before it,
// so two prompts share a block hash only when they share the whole prefix up to it.

import { fnv1a } from './tokenizer.ts';

export function blockHashes(tokens: readonly number[], blockSize: number): string[] {
  const hashes: string[] = [];
  let parent = 0x811c9dc5;
  for (let end = blockSize; end <= tokens.length; end += blockSize) {
    parent = fnv1a(tokens.slice(end - blockSize, end).join(','), parent);
    hashes.push(parent.toString(16).padStart(8, '0'));
  }
  return hashes;
}
