// Generated text is drawn from a fixed word list so it reads like prose. Each entry's
// id is what protocol/'s tokenizer gives the word, so generated text tokenizes
// back to the generated ids (multi-turn prompts then hit the prefix cache naturally).

import { tokenize } from '../../../protocol/tokenizer.ts';

export interface VocabToken {
  id: number;
  text: string;
  /** `text` as a JSON string literal, precomputed because SSE writes it per token. */
  json: string;
}

const WORDS = (
  'the of and to in is was that for it with as on be at by this had not are but from or have an they which ' +
  'one you were all we when there can been has more if will would who so what up out about into than them ' +
  'some could time these two may first then do any like my now over such our man me even most made after ' +
  'also did many before must through back years where much your way well down should because each just ' +
  'those people how too little state good very make world still own see men work long get here between ' +
  'both life being under never day same another know while last might us great old year off come since ' +
  'against go came right used take three light river stone garden window morning evening story bright ' +
  'quiet ocean mountain forest city road music letter answer question engine signal token model server ' +
  'request cache block stream batch queue worker router frontend latency'
).split(' ');
const PUNCTUATION = [',', '.', ',', '.', ';'];

function entry(text: string): VocabToken {
  const [id] = tokenize(text);
  if (id === undefined) throw new Error(`vocabulary entry ${JSON.stringify(text)} has no token`);
  return { id, text, json: JSON.stringify(text) };
}

export const VOCABULARY: readonly VocabToken[] = [
  ...WORDS.map((w) => entry(` ${w}`)),
  ...PUNCTUATION.map((p) => entry(p)),
];
