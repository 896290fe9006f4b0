// Validates OpenAI completion and chat bodies and reduces both to one shape the
// generation path understands.

import { z } from 'zod';
import { chatPrompt, tokenize } from '../../../protocol/tokenizer.ts';

export type ApiKind = 'completion' | 'chat';

export interface NormalizedRequest {
  kind: ApiKind;
  model: string;
  promptTokens: number[];
  maxTokens: number;
  stream: boolean;
  includeUsage: boolean;
  seed: number;
  temperature?: number;
  ignoreEos?: boolean;
}

/** OpenAI's completions default; chat has none, so a bounded one keeps mock runs short. */
const DEFAULT_COMPLETION_MAX_TOKENS = 16;
const DEFAULT_CHAT_MAX_TOKENS = 256;

const common = {
  model: z.string().min(1),
  stream: z.boolean().optional(),
  stream_options: z.object({ include_usage: z.boolean().optional() }).nullish(),
  seed: z.number().int().nullish(),
  temperature: z.number().min(0).nullish(),
  ignore_eos: z.boolean().optional(),
};

const completionSchema = z.object({
  ...common,
  prompt: z.union([z.string(), z.array(z.string()).length(1), z.array(z.number().int().min(0)).min(1)]),
  max_tokens: z.number().int().min(1).nullish(),
});

const chatSchema = z.object({
  ...common,
  messages: z.array(z.object({ role: z.string().min(1), content: z.unknown() })).min(1),
  max_tokens: z.number().int().min(1).nullish(),
  max_completion_tokens: z.number().int().min(1).nullish(),
});

export class RequestValidationError extends Error {}

function parse<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const result = schema.safeParse(body);
  if (!result.success) {
    const detail = result.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');
    throw new RequestValidationError(`invalid request body: ${detail}`);
  }
  return result.data;
}

function promptTokensOf(prompt: z.infer<typeof completionSchema>['prompt']): number[] {
  if (typeof prompt === 'string') return tokenize(prompt);
  const [first] = prompt;
  return typeof first === 'string' ? tokenize(first) : (prompt as number[]);
}

export function normalizeRequest(kind: ApiKind, body: unknown): NormalizedRequest {
  const shared = (b: z.infer<typeof completionSchema> | z.infer<typeof chatSchema>) => ({
    kind,
    model: b.model,
    stream: b.stream ?? false,
    includeUsage: b.stream_options?.include_usage ?? false,
    seed: b.seed ?? 0,
    ...(b.temperature == null ? {} : { temperature: b.temperature }),
    ...(b.ignore_eos === undefined ? {} : { ignoreEos: b.ignore_eos }),
  });
  if (kind === 'completion') {
    const b = parse(completionSchema, body);
    return { ...shared(b), promptTokens: promptTokensOf(b.prompt), maxTokens: b.max_tokens ?? DEFAULT_COMPLETION_MAX_TOKENS };
  }
  const b = parse(chatSchema, body);
  return {
    ...shared(b),
    promptTokens: tokenize(chatPrompt(b.messages)),
    maxTokens: b.max_completion_tokens ?? b.max_tokens ?? DEFAULT_CHAT_MAX_TOKENS,
  };
}
