// The OpenAI completion and chat request bodies that the frontend and the worker accept:
// one schema, so both answer the same body the same way. Unknown fields pass (OpenAI
// clients send many); the fields the stack uses are typed and bounded.
//
// Each bound follows the OpenAI API reference as the `openai` npm package types it
// (node_modules/openai@6.49.0, resources/chat/completions/completions.d.ts and
// resources/completions.d.ts), with vLLM's server where OpenAI leaves a choice
// (vllm/entrypoints/openai/protocol.py@0052bed36509c7a5a2d8e48265334e40cf2f5a0e):
// - `stream`, `stream_options`, `seed`, `n`, `temperature`, `top_p`, `max_tokens`: `T | null`,
//   so an explicit null means "unset".
// - `temperature`: "between 0 and 2"; `top_p`: a probability mass, 0..1.
// - chat roles: the `ChatCompletionMessageParam` union: developer, system, user,
//   assistant, tool, function. Content: a string, an array of content parts, or null
//   (an assistant message that only calls tools).
// - `n`: OpenAI accepts any count; this stack generates one choice, so n > 1 is refused
//   with a 400 that says so rather than answered with one choice.
// - `max_tokens` when absent: 16 for completions (OpenAI's and vLLM's default). Chat has
//   no OpenAI default (vLLM: the rest of the context window); the mock uses the same 16
//   so an unbounded chat request stays short on both paths.

import { z } from 'zod';
import { chatPrompt, tokenize } from '../tokenizer.ts';

export type Endpoint = 'completion' | 'chat';

export const DEFAULT_MAX_TOKENS = 16;
/** The largest request body the frontend and the worker read; a larger one is answered 413. */
export const MAX_REQUEST_BODY_BYTES = 16 * 1024 * 1024;
/** Every chat role of the OpenAI API's ChatCompletionMessageParam union. */
export const CHAT_ROLES = ['developer', 'system', 'user', 'assistant', 'tool', 'function'] as const;

const common = {
  model: z.string().min(1),
  max_tokens: z.number().int().min(1).nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().nullish() }).nullish(),
  seed: z.number().int().nullish(),
  n: z.number().int().min(1).max(1, 'only n = 1 is supported: the reference stack generates one choice').nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  ignore_eos: z.boolean().nullish(),
};

const completionSchema = z.looseObject({
  ...common,
  prompt: z.union([z.string(), z.array(z.string()).length(1), z.array(z.number().int().min(0)).min(1)]),
});

const chatMessageSchema = z.looseObject({
  role: z.enum(CHAT_ROLES),
  content: z.union([z.string(), z.array(z.looseObject({ type: z.string() })), z.null()]),
});

const chatSchema = z.looseObject({
  ...common,
  messages: z.array(chatMessageSchema).min(1),
  max_completion_tokens: z.number().int().min(1).nullish(),
});

/** What the generation path needs of a request, the same for both endpoints. */
export interface GenerationParams {
  endpoint: Endpoint;
  model: string;
  promptTokens: number[];
  maxTokens: number;
  stream: boolean;
  includeUsage: boolean;
  seed?: number;
  temperature?: number;
  ignoreEos?: boolean;
}

/** A refused body: the message names the field (`param`, null for the body as a whole). */
export interface RequestProblem {
  message: string;
  param: string | null;
}

export type ParsedRequest = { ok: true; params: GenerationParams } | ({ ok: false } & RequestProblem);

type CommonFields = z.infer<z.ZodObject<typeof common>>;

export function parseGenerationRequest(endpoint: Endpoint, body: unknown): ParsedRequest {
  if (endpoint === 'chat') {
    const parsed = chatSchema.safeParse(body);
    if (!parsed.success) return problem(parsed.error, body);
    const b = parsed.data;
    return { ok: true, params: paramsOf(endpoint, b, tokenize(chatPrompt(b.messages)), b.max_completion_tokens ?? b.max_tokens) };
  }
  const parsed = completionSchema.safeParse(body);
  if (!parsed.success) return problem(parsed.error, body);
  const b = parsed.data;
  return { ok: true, params: paramsOf(endpoint, b, promptTokensOf(b.prompt), b.max_tokens) };
}

function paramsOf(endpoint: Endpoint, b: CommonFields, promptTokens: number[], maxTokens: number | null | undefined): GenerationParams {
  return {
    endpoint,
    model: b.model,
    promptTokens,
    maxTokens: maxTokens ?? DEFAULT_MAX_TOKENS,
    stream: b.stream ?? false,
    includeUsage: b.stream_options?.include_usage ?? false,
    ...(b.seed == null ? {} : { seed: b.seed }),
    ...(b.temperature == null ? {} : { temperature: b.temperature }),
    ...(b.ignore_eos == null ? {} : { ignoreEos: b.ignore_eos }),
  };
}

function problem(error: z.ZodError, body: unknown): { ok: false } & RequestProblem {
  const issue = error.issues[0];
  const path = issue?.path ?? [];
  const param = path.length > 0 ? path.join('.') : null;
  let value: unknown = body;
  for (const key of path) value = typeof value === 'object' && value !== null ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  const what = value === undefined && param !== null ? 'required field is missing' : (issue?.message ?? 'invalid');
  return { ok: false, message: `Invalid request: ${param ?? 'body'}: ${what}`, param };
}

function promptTokensOf(prompt: string | string[] | number[]): number[] {
  if (typeof prompt === 'string') return tokenize(prompt);
  if (typeof prompt[0] === 'number') return prompt as number[];
  return tokenize(prompt[0] as string);
}
