// What the engine accepts and reports for one request, independent of transport
// (HTTP or NATS): transports turn these callbacks into SSE events or GenerateChunks.

import type { FinishReason } from './metrics.ts';
import type { VocabToken } from './vocabulary.ts';

export interface SequenceRequest {
  id: string;
  promptTokens: readonly number[];
  /** Output already produced elsewhere (migration): generation continues after it. */
  generatedTokens?: readonly number[];
  /** Total output length, including `generatedTokens`. */
  maxTokens: number;
  seed: number;
  /** The prompt was prefilled by a prefill worker: no prefill delay here. */
  prefilled?: boolean;
  /** Prefill only: stop after the first output token. */
  prefillOnly?: boolean;
  /** Failure injection: reject with this HTTP status. */
  forceError?: number;
}

export interface Usage {
  promptTokens: number;
  /** Whole output length, including tokens generated before a migration. */
  completionTokens: number;
  cachedTokens: number;
}

export interface EngineFailure {
  status: number;
  message: string;
  retryable: boolean;
}

export interface SequenceSink {
  started(info: { cachedTokens: number; queuedMs: number }): void;
  /** `index` is the output position of tokens[0]; `last` marks the batch holding the final token. */
  tokens(index: number, tokens: readonly VocabToken[], last: boolean): void;
  finished(reason: FinishReason, usage: Usage): void;
  failed(failure: EngineFailure): void;
}

/** Thrown by Engine.submit when a request is refused before it is queued. */
export class RequestRejected extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type: string,
    readonly param: string | null = null,
  ) {
    super(message);
  }
}
