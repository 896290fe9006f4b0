// Request bodies shared by the fault-tolerance specs. Greedy decoding with a fixed seed
// and ignore_eos makes output deterministic and exactly max_tokens long on every engine
// that follows vLLM's sampling parameters, so a migrated stream can be checked token for token.

import type { CompletionStream, CompletionResponse, OpenAIClient, RequestOptions } from '../fixtures/index.ts';

export type Api = 'completion' | 'chat';

export const SHORT_PROMPT = 'Who are you?';
export const LONG_PROMPT = 'Tell me a long long long story about yourself?';

export function requestBody(api: Api, prompt: string, maxTokens: number): Record<string, unknown> {
  const sampling = { max_tokens: maxTokens, temperature: 0, seed: 42, ignore_eos: true };
  return api === 'completion'
    ? { prompt, ...sampling }
    : { messages: [{ role: 'user', content: prompt }], ...sampling, stream_options: { include_usage: true } };
}

export function send(client: OpenAIClient, api: Api, body: Record<string, unknown>, opts?: RequestOptions): Promise<CompletionResponse> {
  return api === 'completion' ? client.completions(body, opts) : client.chat(body, opts);
}

export function open(client: OpenAIClient, api: Api, body: Record<string, unknown>, opts?: RequestOptions): Promise<CompletionStream> {
  const streamed = { ...body, stream_options: { include_usage: true } };
  return api === 'completion' ? client.streamCompletions(streamed, opts) : client.streamChat(streamed, opts);
}
