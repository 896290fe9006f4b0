// Mooncake rows carry a prompt length and hash ids, not text. The text is built only
// when the request is sent (never at load), so a trace of long prompts costs memory per
// request in flight, not per row: a 23k-row trace of 8k-token prompts would otherwise
// hold gigabytes of words before the first request went out.

import type { SyntheticPrompt, TraceRequest } from './types.ts';

/**
 * Full blocks of a hash id are the same text in every request that shares it, which is what
 * traces of shared prefixes are made of, so they are kept: building a prompt is then mostly
 * joining cached blocks. Bounded (oldest first out), since a long trace has many ids.
 */
const BLOCK_CACHE_LIMIT = 4096;
const blockCache = new Map<string, string>();

function words(prefix: string, from: number, to: number, offset: number): string {
  const out = new Array<string>(to - from);
  for (let i = from; i < to; i++) out[i - from] = `${prefix}${i - offset}`;
  return out.join(' ');
}

function fullBlock(hash: number, blockTokens: number): string {
  const key = `${hash}/${blockTokens}`;
  let text = blockCache.get(key);
  if (text === undefined) {
    text = words(`h${hash}_`, 0, blockTokens, 0);
    if (blockCache.size >= BLOCK_CACHE_LIMIT) blockCache.delete(blockCache.keys().next().value!);
    blockCache.set(key, text);
  }
  return text;
}

/**
 * `h<hash>_<position in block>` per token of a block with a hash id, `u<line>_<position>`
 * past the listed ids (one word is one token for the reference tokenizer).
 */
export function promptText(p: SyntheticPrompt): string {
  const parts: string[] = [];
  for (let start = 0, block = 0; start < p.inputLength; start += p.blockTokens, block++) {
    const end = Math.min(start + p.blockTokens, p.inputLength);
    const hash = p.hashIds[block];
    if (hash === undefined) parts.push(words(`u${p.line}_`, start, end, 0));
    else if (end - start === p.blockTokens) parts.push(fullBlock(hash, p.blockTokens));
    else parts.push(words(`h${hash}_`, start, end, start));
  }
  return parts.join(' ');
}

/** The body as sent: the trace's body plus the synthesised prompt, when the row has one. */
export function bodyOf(request: TraceRequest): Record<string, unknown> {
  return request.syntheticPrompt === undefined ? request.body : { prompt: promptText(request.syntheticPrompt), ...request.body };
}
