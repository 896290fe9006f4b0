// POST /v1/completions and /v1/chat/completions: validate, admit through the scheduler,
// run the generation and write it back as one JSON body or as an SSE stream. A client
// that goes away aborts the generation, which kills the request on its worker.

import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError } from '../../../protocol/http/http-error.ts';
import { blockHashes } from '../../../protocol/kv-blocks.ts';
import { parseGenerationRequest, type Endpoint } from '../../../protocol/openai/request.ts';
import { FORCE_ERROR_HEADER, QUEUE_MS_HEADER, REQUEST_ID_HEADER, WORKER_ID_HEADER } from '../../../protocol/headers.ts';
import type { WorkerRegistry } from '../discovery/worker-registry.ts';
import { CancelledError, generate, type GenerationDeps, type GenerationRequest, type GenerationResult } from '../generation/generate.ts';
import type { RoutingRequest } from '../routing/router.ts';
import { requestContext } from '../scheduler/request-context.ts';
import { fullBody, responseIdentity, streamChunk, usageChunk, type ResponseIdentity } from './openai-response.ts';
import { sendError, sendJson } from '../../../protocol/http/send.ts';

export interface HandlerDeps extends GenerationDeps {
  registry: WorkerRegistry;
  /** Ids of requests in flight: they key the scheduler queue and the workers' log lines. */
  activeRequestIds: Set<string>;
}

const REQUEST_ID = /^[\w.:-]{1,128}$/;
const DEFAULT_BLOCK_SIZE = 16;

/** The client's x-request-id when it is well-formed and not already in flight, else a UUID. */
function requestIdOf(req: IncomingMessage, active: ReadonlySet<string>): string {
  const given = req.headers[REQUEST_ID_HEADER];
  return typeof given === 'string' && REQUEST_ID.test(given) && !active.has(given) ? given : randomUUID();
}

function forceErrorOf(req: IncomingMessage): number | undefined {
  const raw = req.headers[FORCE_ERROR_HEADER];
  const status = typeof raw === 'string' ? Number(raw) : NaN;
  return Number.isInteger(status) && status >= 400 && status < 600 ? status : undefined;
}

/** Block hashes are only computed when a router reads them. */
function routingRequest(requestId: string, promptTokens: number[], blockSize: number, programId?: string): RoutingRequest {
  let hashes: string[] | undefined;
  return {
    requestId,
    promptTokens,
    get blockHashes() {
      return (hashes ??= blockHashes(promptTokens, blockSize));
    },
    ...(programId === undefined ? {} : { programId }),
  };
}

export async function handleGeneration(
  deps: HandlerDeps,
  kind: Endpoint,
  req: IncomingMessage,
  res: ServerResponse,
  body: Record<string, unknown>,
): Promise<void> {
  const arrival = Date.now();
  const requestId = requestIdOf(req, deps.activeRequestIds);
  const parsed = parseGenerationRequest(kind, body);
  if (!parsed.ok) return sendError(res, 400, parsed.message, parsed.param);
  const request = parsed.params;
  if (!deps.registry.hasModel(request.model)) {
    const known = deps.registry.models();
    deps.metrics.requests.inc({ model: request.model, status: 'error' });
    return known.length === 0
      ? sendError(res, 503, `no workers are registered yet; model "${request.model}" is not available`)
      : sendError(res, 404, `The model \`${request.model}\` does not exist. Served models: ${known.join(', ')}`);
  }

  const context = requestContext(req.headers, body, deps.log, requestId);
  const blockSize = deps.registry.list()[0]?.registration.blockSize ?? DEFAULT_BLOCK_SIZE;
  const forceError = forceErrorOf(req);
  const generation: GenerationRequest = {
    requestId,
    model: request.model,
    promptTokens: request.promptTokens,
    maxTokens: request.maxTokens,
    seed: request.seed ?? 0,
    ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
    ...(request.ignoreEos === undefined ? {} : { ignoreEos: request.ignoreEos }),
    ...(forceError === undefined ? {} : { forceError }),
    queued: { requestId, arrivalMs: arrival, promptTokens: request.promptTokens.length, maxTokens: request.maxTokens, ...context },
    routing: routingRequest(requestId, request.promptTokens, blockSize, context.programId),
  };

  const abort = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) abort.abort();
  });
  const who = responseIdentity(kind, requestId, request.model);
  const writer = request.stream ? new SseWriter(res, who, request.includeUsage) : new JsonWriter(res, who);
  let firstTokenSeen = false;
  let status: 'success' | 'error' | 'cancelled' = 'success';
  deps.activeRequestIds.add(requestId);
  try {
    const result = await generate(
      deps,
      generation,
      {
        placed: (e) => writer.placed(e.queueMs),
        tokens: (e) => {
          if (!firstTokenSeen) {
            firstTokenSeen = true;
            deps.metrics.ttft.observe((Date.now() - arrival) / 1000);
          }
          writer.tokens(e.text, e.workerId);
        },
      },
      abort.signal,
    );
    writer.finish(result);
  } catch (err) {
    if (err instanceof CancelledError) {
      status = 'cancelled';
      // Dynamo's label set for a departed client (docs/fault-tolerance/request-cancellation.md@15cb78a).
      deps.metrics.cancellations.inc({ model: request.model, endpoint: kind === 'chat' ? 'chat_completions' : 'completions', request_type: request.stream ? 'stream' : 'unary' });
      res.destroy();
    } else if (err instanceof HttpError) {
      status = 'error';
      deps.log(`request failed request_id=${requestId} status=${err.status} ${err.message}`);
      writer.fail(err.status, err.message);
    } else {
      throw err;
    }
  } finally {
    deps.activeRequestIds.delete(requestId);
    deps.metrics.requests.inc({ model: request.model, status });
    deps.metrics.duration.observe((Date.now() - arrival) / 1000);
  }
}

/** Collects the text and answers once with one JSON body. */
class JsonWriter {
  private text = '';
  private queueMs = 0;

  constructor(
    private readonly res: ServerResponse,
    private readonly who: ResponseIdentity,
  ) {}

  placed(queueMs: number): void {
    this.queueMs = queueMs;
  }

  tokens(text: string): void {
    this.text += text;
  }

  finish(result: GenerationResult): void {
    sendJson(this.res, 200, fullBody(this.who, this.text, result), {
      [WORKER_ID_HEADER]: result.workerId,
      [QUEUE_MS_HEADER]: String(this.queueMs),
    });
  }

  fail(status: number, message: string): void {
    sendError(this.res, status, message);
  }
}

/**
 * Opens the SSE response at the first token (so a worker's error before any output is
 * still a plain HTTP error) and writes OpenAI/vLLM chunks.
 */
class SseWriter {
  private queueMs = 0;
  private opened = false;

  constructor(
    private readonly res: ServerResponse,
    private readonly who: ResponseIdentity,
    private readonly includeUsage: boolean,
  ) {}

  placed(queueMs: number): void {
    this.queueMs = queueMs;
  }

  tokens(text: string, workerId: string): void {
    this.open(workerId);
    this.event(streamChunk(this.who, workerId, text, null));
  }

  finish(result: GenerationResult): void {
    this.open(result.workerId);
    this.event(streamChunk(this.who, result.workerId, '', result.finishReason));
    if (this.includeUsage) this.event(usageChunk(this.who, result));
    this.res.end('data: [DONE]\n\n');
  }

  fail(status: number, message: string): void {
    if (!this.opened) return sendError(this.res, status, message);
    this.event({ error: { message, type: 'StreamError', code: status } });
    this.res.end();
  }

  private open(workerId: string): void {
    if (this.opened) return;
    this.opened = true;
    this.res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      [WORKER_ID_HEADER]: workerId,
      [QUEUE_MS_HEADER]: String(this.queueMs),
    });
    if (this.who.kind === 'chat') this.event(streamChunk(this.who, workerId, '', null, { role: 'assistant', content: '' }));
  }

  private event(payload: unknown): void {
    this.res.write(`data: ${JSON.stringify(payload)}\n\n`);
  }
}
