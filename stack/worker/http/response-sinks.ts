// Engine sinks that answer an OpenAI HTTP request: one JSON body, or SSE events. The
// JSON around each streamed token is precomputed per request, and each engine step's
// tokens go out as separate SSE events in a single socket write.

import type { ServerResponse } from 'node:http';
import { WORKER_ID_HEADER } from '../../../protocol/headers.ts';
import { sendError, sendJsonText } from '../../../protocol/http/send.ts';
import { errorBody } from '../../../protocol/openai/error-body.ts';
import type { Endpoint } from '../../../protocol/openai/request.ts';
import type { FinishReason } from '../engine/metrics.ts';
import type { EngineFailure, SequenceSink, Usage } from '../engine/sequence.ts';
import type { VocabToken } from '../engine/vocabulary.ts';

export interface ResponseContext {
  id: string;
  endpoint: Endpoint;
  model: string;
  workerId: string;
  created: number;
  includeUsage: boolean;
}

function usageJson(u: Usage): string {
  return (
    `{"prompt_tokens":${u.promptTokens},"completion_tokens":${u.completionTokens},` +
    `"total_tokens":${u.promptTokens + u.completionTokens},"prompt_tokens_details":{"cached_tokens":${u.cachedTokens}}}`
  );
}

export class JsonResponseSink implements SequenceSink {
  private readonly texts: string[] = [];

  constructor(
    private readonly res: ServerResponse,
    private readonly ctx: ResponseContext,
  ) {}

  started(): void {}

  tokens(_index: number, tokens: readonly VocabToken[]): void {
    for (const t of tokens) this.texts.push(t.text);
  }

  finished(reason: FinishReason, usage: Usage): void {
    const c = this.ctx;
    const text = JSON.stringify(this.texts.join(''));
    const choice =
      c.endpoint === 'chat'
        ? `{"index":0,"message":{"role":"assistant","content":${text}},"logprobs":null,"finish_reason":"${reason}"}`
        : `{"index":0,"text":${text},"logprobs":null,"finish_reason":"${reason}"}`;
    const object = c.endpoint === 'chat' ? 'chat.completion' : 'text_completion';
    const body =
      `{"id":"${c.id}","object":"${object}","created":${c.created},"model":${JSON.stringify(c.model)},` +
      `"choices":[${choice}],"usage":${usageJson(usage)},"nvext":{"worker_id":${JSON.stringify(c.workerId)}}}`;
    sendJsonText(this.res, 200, body, { [WORKER_ID_HEADER]: c.workerId });
  }

  failed(f: EngineFailure): void {
    sendError(this.res, f.status, f.message, null, { [WORKER_ID_HEADER]: this.ctx.workerId });
  }
}

export class SseResponseSink implements SequenceSink {
  private readonly head: string;
  private readonly tail: string;
  private readonly tokenOpen: string;

  constructor(
    private readonly res: ServerResponse,
    private readonly ctx: ResponseContext,
  ) {
    const object = ctx.endpoint === 'chat' ? 'chat.completion.chunk' : 'text_completion';
    this.head = `data: {"id":"${ctx.id}","object":"${object}","created":${ctx.created},"model":${JSON.stringify(ctx.model)},"choices":[`;
    this.tail = `${ctx.includeUsage ? ',"usage":null' : ''},"nvext":{"worker_id":${JSON.stringify(ctx.workerId)}}}\n\n`;
    this.tokenOpen = ctx.endpoint === 'chat' ? '{"index":0,"delta":{"content":' : '{"index":0,"text":';
  }

  /** Sends the SSE headers once the request is accepted, before it is scheduled. */
  open(): void {
    this.res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      [WORKER_ID_HEADER]: this.ctx.workerId,
    });
    if (this.ctx.endpoint === 'chat') {
      this.res.write(`${this.head}{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]${this.tail}`);
    }
  }

  started(): void {}

  tokens(_index: number, tokens: readonly VocabToken[], last: boolean): void {
    const close = this.ctx.endpoint === 'chat' ? '}' : '';
    let out = '';
    const n = tokens.length;
    for (let i = 0; i < n; i++) {
      const finish = last && i === n - 1 ? '"length"' : 'null';
      out += `${this.head}${this.tokenOpen}${(tokens[i] as VocabToken).json}${close},"logprobs":null,"finish_reason":${finish}}]${this.tail}`;
    }
    this.res.write(out);
  }

  finished(_reason: FinishReason, usage: Usage): void {
    let out = '';
    if (this.ctx.includeUsage) {
      out += `${this.head}],"usage":${usageJson(usage)},"nvext":{"worker_id":${JSON.stringify(this.ctx.workerId)}}}\n\n`;
    }
    this.res.end(`${out}data: [DONE]\n\n`);
  }

  failed(f: EngineFailure): void {
    this.res.end(`data: ${JSON.stringify(errorBody(f.status, f.message))}\n\ndata: [DONE]\n\n`);
  }
}
