// A deterministic stand-in tokenizer shared by the frontend (routing by prompt length
// and prefix) and workers (prefill cost, prefix cache). One word or punctuation mark
// is one token; ids are stable hashes so equal prefixes give equal token ids.

const PIECE = /\s*[\p{L}\p{N}_]+|\s*[^\s\p{L}\p{N}_]/gu;
export const VOCAB_SIZE = 32_000;

export function fnv1a(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export function tokenize(text: string): number[] {
  const ids: number[] = [];
  for (const m of text.matchAll(PIECE)) ids.push(fnv1a(m[0].trimStart()) % VOCAB_SIZE);
  return ids;
}

/** Chat messages are flattened the way chat templates do: role markers then content. */
export function chatPrompt(messages: ReadonlyArray<{ role: string; content: unknown }>): string {
  return messages
    .map((m) => `<|${m.role}|> ${typeof m.content === 'string' ? m.content : JSON.stringify(m.content)}`)
    .join('\n');
}
