// OpenAI/vLLM response shapes for completions and chat, streaming and not.

import type { GenerationResult } from '../generation/generate.ts';
import type { Endpoint } from '../../../protocol/openai/request.ts';

export interface ResponseIdentity {
  kind: Endpoint;
  id: string;
  created: number;
  model: string;
}

export function responseIdentity(kind: Endpoint, requestId: string, model: string): ResponseIdentity {
  return { kind, id: `${kind === 'chat' ? 'chatcmpl' : 'cmpl'}-${requestId}`, created: Math.floor(Date.now() / 1000), model };
}

export function usageBody(usage: GenerationResult['usage']) {
  return {
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    total_tokens: usage.promptTokens + usage.completionTokens,
    prompt_tokens_details: { cached_tokens: usage.cachedTokens },
  };
}

function nvext(workerId: string, prefillWorkerId?: string) {
  return { worker_id: workerId, ...(prefillWorkerId === undefined ? {} : { prefill_worker_id: prefillWorkerId }) };
}

export function fullBody(who: ResponseIdentity, text: string, result: GenerationResult) {
  const head = { id: who.id, created: who.created, model: who.model };
  const choice =
    who.kind === 'chat'
      ? { index: 0, message: { role: 'assistant', content: text }, logprobs: null, finish_reason: result.finishReason }
      : { index: 0, text, logprobs: null, finish_reason: result.finishReason };
  return {
    ...head,
    object: who.kind === 'chat' ? 'chat.completion' : 'text_completion',
    choices: [choice],
    usage: usageBody(result.usage),
    nvext: nvext(result.workerId, result.prefillWorkerId),
  };
}

type Delta = { role?: 'assistant'; content?: string };

/** One streamed choice chunk; `finishReason` null while tokens keep coming. */
export function streamChunk(who: ResponseIdentity, workerId: string, text: string, finishReason: string | null, delta?: Delta) {
  const choice =
    who.kind === 'chat'
      ? { index: 0, delta: delta ?? (finishReason === null ? { content: text } : {}), logprobs: null, finish_reason: finishReason }
      : { index: 0, text, logprobs: null, finish_reason: finishReason };
  return {
    id: who.id,
    object: who.kind === 'chat' ? 'chat.completion.chunk' : 'text_completion',
    created: who.created,
    model: who.model,
    choices: [choice],
    nvext: nvext(workerId),
  };
}

export function usageChunk(who: ResponseIdentity, result: GenerationResult) {
  return {
    id: who.id,
    object: who.kind === 'chat' ? 'chat.completion.chunk' : 'text_completion',
    created: who.created,
    model: who.model,
    choices: [],
    usage: usageBody(result.usage),
    nvext: nvext(result.workerId, result.prefillWorkerId),
  };
}
