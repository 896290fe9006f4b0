// The frontend and the worker accept and refuse exactly the same OpenAI request bodies:
// each row is POSTed over HTTP to both processes of one stack and must get the expected
// status from each, the same `param` on a refusal and, on success, the same token count.
// Expectations follow the OpenAI API reference as the `openai` npm package types it
// (reasons per row; sources in protocol/openai/request.ts).

import type { ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import type { CompletionCreateParamsNonStreaming } from 'openai/resources/completions';
import { test, expect } from 'servewright';
import { post } from './openai-wire.ts';
import { MODEL } from './worker-support.ts';

type Path = '/v1/completions' | '/v1/chat/completions';

interface Row {
  why: string;
  path: Path;
  body: Record<string, unknown>;
  /** 200, or 400 with the field the error names (null: the body as a whole). */
  expect: { status: 200; tokens: number } | { status: 400; param: string | null };
}

const C: Path = '/v1/completions';
const CHAT: Path = '/v1/chat/completions';
const user = [{ role: 'user', content: 'hi there' }];
const ok = (tokens: number) => ({ status: 200, tokens }) as const;
const bad = (param: string | null) => ({ status: 400, param }) as const;

/** Bodies the OpenAI SDK's own request types accept (checked by the compiler), with every nullable field null or at a bound. */
const sdkChat = {
  model: MODEL,
  messages: [
    { role: 'developer', content: 'be brief' },
    { role: 'user', content: [{ type: 'text', text: 'hi' }] },
  ],
  stream: null,
  stream_options: null,
  temperature: 2,
  top_p: 0,
  n: 1,
  seed: null,
  max_tokens: null,
  max_completion_tokens: 2,
} satisfies ChatCompletionCreateParamsNonStreaming;
const sdkCompletion = { model: MODEL, prompt: 'a b c', stream: null, temperature: 0, n: null, seed: 7, max_tokens: 3 } satisfies CompletionCreateParamsNonStreaming;

const ROWS: Row[] = [
  { why: 'a chat body typed by the openai SDK', path: '/v1/chat/completions', body: sdkChat, expect: { status: 200, tokens: 2 } },
  { why: 'a completion body typed by the openai SDK', path: '/v1/completions', body: sdkCompletion, expect: { status: 200, tokens: 3 } },
  { why: 'stream: boolean | null, null = unset', path: C, body: { prompt: 'a b', max_tokens: 2, stream: null }, expect: ok(2) },
  { why: 'stream must be a boolean', path: C, body: { prompt: 'a b', max_tokens: 2, stream: 'yes' }, expect: bad('stream') },
  { why: 'stream_options: null', path: C, body: { prompt: 'a', max_tokens: 1, stream_options: null }, expect: ok(1) },
  { why: 'temperature 2 is the upper bound', path: C, body: { prompt: 'a', max_tokens: 1, temperature: 2 }, expect: ok(1) },
  { why: 'temperature 3 is over "between 0 and 2"', path: C, body: { prompt: 'a', max_tokens: 1, temperature: 3 }, expect: bad('temperature') },
  { why: 'temperature below 0', path: CHAT, body: { messages: user, max_tokens: 1, temperature: -0.1 }, expect: bad('temperature') },
  { why: 'temperature: null', path: CHAT, body: { messages: user, max_tokens: 1, temperature: null }, expect: ok(1) },
  { why: 'top_p is a probability mass', path: C, body: { prompt: 'a', max_tokens: 1, top_p: 1.5 }, expect: bad('top_p') },
  { why: 'n: 1 is the one choice generated', path: C, body: { prompt: 'a', max_tokens: 1, n: 1 }, expect: ok(1) },
  { why: 'n: 2 is refused, not silently answered with one choice', path: CHAT, body: { messages: user, max_tokens: 1, n: 2 }, expect: bad('n') },
  { why: 'n: null', path: CHAT, body: { messages: user, max_tokens: 1, n: null }, expect: ok(1) },
  { why: 'chat role outside the ChatCompletionMessageParam union', path: CHAT, body: { messages: [{ role: 'robot', content: 'x' }], max_tokens: 1 }, expect: bad('messages.0.role') },
  ...(['developer', 'system', 'user', 'assistant', 'tool', 'function'] as const).map(
    (role): Row => ({ why: `chat role ${role}`, path: CHAT, body: { messages: [{ role, content: 'x' }], max_tokens: 1 }, expect: ok(1) }),
  ),
  { why: 'assistant content may be null', path: CHAT, body: { messages: [...user, { role: 'assistant', content: null }], max_tokens: 1 }, expect: ok(1) },
  { why: 'content parts', path: CHAT, body: { messages: [{ role: 'user', content: [{ type: 'text', text: 'x' }] }], max_tokens: 1 }, expect: ok(1) },
  { why: 'content must be a string, parts or null', path: CHAT, body: { messages: [{ role: 'user', content: 5 }], max_tokens: 1 }, expect: bad('messages.0.content') },
  { why: 'messages must not be empty', path: CHAT, body: { messages: [], max_tokens: 1 }, expect: bad('messages') },
  { why: 'messages are required', path: CHAT, body: { max_tokens: 1 }, expect: bad('messages') },
  { why: 'chat without max_tokens: the same default on both paths', path: CHAT, body: { messages: user }, expect: ok(16) },
  { why: 'completion without max_tokens: OpenAI and vLLM default 16', path: C, body: { prompt: 'a' }, expect: ok(16) },
  { why: 'max_completion_tokens wins over max_tokens', path: CHAT, body: { messages: user, max_tokens: 5, max_completion_tokens: 2 }, expect: ok(2) },
  { why: 'max_tokens: null', path: C, body: { prompt: 'a', max_tokens: null }, expect: ok(16) },
  { why: 'max_tokens 0', path: C, body: { prompt: 'a', max_tokens: 0 }, expect: bad('max_tokens') },
  { why: 'max_tokens not an integer', path: C, body: { prompt: 'a', max_tokens: 1.5 }, expect: bad('max_tokens') },
  { why: 'prompt as token ids', path: C, body: { prompt: [1, 2, 3], max_tokens: 1 }, expect: ok(1) },
  { why: 'prompt as one string in an array', path: C, body: { prompt: ['a b'], max_tokens: 1 }, expect: ok(1) },
  { why: 'a batch of prompts is not served', path: C, body: { prompt: ['a', 'b'], max_tokens: 1 }, expect: bad('prompt') },
  { why: 'prompt is required', path: C, body: { max_tokens: 1 }, expect: bad('prompt') },
  { why: 'seed must be an integer', path: C, body: { prompt: 'a', max_tokens: 1, seed: 1.5 }, expect: bad('seed') },
  { why: 'seed: null', path: C, body: { prompt: 'a', max_tokens: 1, seed: null }, expect: ok(1) },
  { why: 'unknown fields pass', path: C, body: { prompt: 'a', max_tokens: 1, logit_bias: {}, user: 'u', frequency_penalty: 0 }, expect: ok(1) },
  { why: 'ignore_eos (vLLM extension) must be a boolean', path: C, body: { prompt: 'a', max_tokens: 1, ignore_eos: 1 }, expect: bad('ignore_eos') },
  { why: 'model must be non-empty', path: C, body: { prompt: 'a', max_tokens: 1, model: '' }, expect: bad('model') },
];

interface Answer {
  status: number;
  param: string | null | undefined;
  tokens: number | undefined;
}

async function answer(url: string, row: Row): Promise<Answer> {
  const res = await post(url, row.path, { model: MODEL, ...row.body });
  const json = (await res.json()) as { error?: { param?: string | null }; usage?: { completion_tokens?: number } };
  return { status: res.status, param: json.error?.param, tokens: json.usage?.completion_tokens };
}

test.use({ stackProfile: 'reference' });

test('frontend and worker accept and refuse the same OpenAI request bodies', { tag: ['@e2e', '@reference-stack'] }, async ({ launchStack }) => {
  const stack = await launchStack({ workers: [{ id: 'w-contract', speedup: 0 }] });
  const targets = { frontend: stack.frontend.url, worker: stack.workers[0]!.url };
  const mismatches: string[] = [];
  for (const row of ROWS) {
    for (const [name, url] of Object.entries(targets)) {
      const got = await answer(url, row);
      const want = row.expect.status === 200 ? { status: 200, param: undefined, tokens: row.expect.tokens } : { status: 400, param: row.expect.param, tokens: undefined };
      if (got.status !== want.status || got.param !== want.param || got.tokens !== want.tokens) {
        mismatches.push(`${name} ${row.path} ${JSON.stringify(row.body)} (${row.why}): got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
      }
    }
  }
  expect(mismatches).toEqual([]);
});
