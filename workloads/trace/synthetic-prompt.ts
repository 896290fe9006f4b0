// Mooncake rows carry a prompt length and hash ids, not text. The text is built only
// when the request is sent (never at load), so a trace of long prompts costs memory per
// request in flight, not per row: a 23k-row trace of 8k-token prompts would otherwise
// hold gigabytes of words before the first request went out.

import type { TraceRequest } from './types.ts';

export interface SyntheticPrompt {
  inputLength: number;
  /** One id per block of blockTokens tokens; blocks past the list get words unique to the row. */
  hashIds: number[];
  blockTokens: number;
  /** Trace line, which makes the words of blocks without a hash id unique to this row. */
  line: number;
}

/** `h<hash>_<position>` per token (one word is one token for the reference tokenizer). */
export function promptText(p: SyntheticPrompt): string {
  const words = new Array<string>(p.inputLength);
  for (let i = 0; i < p.inputLength; i++) {
    const hash = p.hashIds[Math.floor(i / p.blockTokens)];
    words[i] = hash === undefined ? `u${p.line}_${i}` : `h${hash}_${i % p.blockTokens}`;
  }
  return words.join(' ');
}

/** The body as sent: the trace's body plus the synthesised prompt, when the row has one. */
export function bodyOf(request: TraceRequest): Record<string, unknown> {
  return request.syntheticPrompt === undefined ? request.body : { prompt: promptText(request.syntheticPrompt), ...request.body };
}
