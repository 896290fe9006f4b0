// The request bodies the worker accepts, checked with zod. Unknown fields pass (OpenAI
// clients send many); the fields the engine uses are typed and bounded. Both endpoints
// normalise to one GenerationJob.

import { z } from 'zod';
import { chatPrompt, tokenize } from '../../../protocol/tokenizer.ts';

const common = {
  model: z.string().min(1),
  max_tokens: z.number().int().min(1).nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().nullish() }).nullish(),
  seed: z.number().int().nullish(),
  n: z.literal(1).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().gt(0).max(1).nullish(),
  ignore_eos: z.boolean().nullish(),
};

const CompletionRequestSchema = z.looseObject({
  ...common,
  prompt: z.union([z.string(), z.array(z.string()).length(1), z.array(z.number().int().min(0)).min(1)]),
});

const ChatMessageSchema = z.looseObject({
  role: z.enum(['system', 'user', 'assistant', 'tool', 'developer']),
  content: z.union([z.string(), z.array(z.looseObject({ type: z.string() })), z.null()]),
});

const ChatRequestSchema = z.looseObject({
  ...common,
  messages: z.array(ChatMessageSchema).min(1),
  max_completion_tokens: z.number().int().min(1).nullish(),
});

export type Endpoint = 'completion' | 'chat';

export interface GenerationJob {
  endpoint: Endpoint;
  model: string;
  promptTokens: number[];
  maxTokens: number;
  stream: boolean;
  includeUsage: boolean;
  seed?: number;
}

export type ParsedJob = { ok: true; job: GenerationJob } | { ok: false; message: string; param: string | null };

const DEFAULT_MAX_TOKENS = 16;

export function parseJob(endpoint: Endpoint, body: unknown): ParsedJob {
  if (endpoint === 'chat') {
    const parsed = ChatRequestSchema.safeParse(body);
    if (!parsed.success) return invalid(parsed.error, body);
    const b = parsed.data;
    return { ok: true, job: jobOf(endpoint, b, tokenize(chatPrompt(b.messages)), b.max_completion_tokens ?? b.max_tokens) };
  }
  const parsed = CompletionRequestSchema.safeParse(body);
  if (!parsed.success) return invalid(parsed.error, body);
  const b = parsed.data;
  return { ok: true, job: jobOf(endpoint, b, promptTokensOf(b.prompt), b.max_tokens) };
}

type CommonFields = z.infer<z.ZodObject<typeof common>>;

function jobOf(endpoint: Endpoint, b: CommonFields, promptTokens: number[], maxTokens: number | null | undefined): GenerationJob {
  return {
    endpoint,
    model: b.model,
    promptTokens,
    maxTokens: maxTokens ?? DEFAULT_MAX_TOKENS,
    stream: b.stream ?? false,
    includeUsage: b.stream_options?.include_usage ?? false,
    ...(b.seed != null ? { seed: b.seed } : {}),
  };
}

function invalid(error: z.ZodError, body: unknown): ParsedJob {
  const issue = error.issues[0];
  const path = issue?.path ?? [];
  const param = path.length > 0 ? path.join('.') : null;
  let value: unknown = body;
  for (const key of path) value = typeof value === 'object' && value !== null ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  const problem = value === undefined && param !== null ? 'required field is missing' : (issue?.message ?? 'invalid');
  return { ok: false, message: `Invalid request: ${param ?? 'body'}: ${problem}`, param };
}

function promptTokensOf(prompt: string | string[] | number[]): number[] {
  if (typeof prompt === 'string') return tokenize(prompt);
  if (typeof prompt[0] === 'number') return prompt as number[];
  return tokenize(prompt[0] as string);
}
