// The worker's OpenAI-compatible HTTP API (like `vllm serve`): completions and chat,
// streaming or not, plus /v1/models, /health and /metrics. A client that disconnects
// aborts its request in the engine.

import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { FORCE_ERROR_HEADER, WORKER_ID_HEADER } from '../../../protocol/headers.ts';
import { discardRest, readBody } from '../../../protocol/http/body.ts';
import { PROMETHEUS_CONTENT_TYPE } from '../../../protocol/prometheus.ts';
import { HttpError } from '../../../protocol/http/http-error.ts';
import type { Engine } from '../engine/engine.ts';
import { RequestRejected } from '../engine/sequence.ts';
import { sendError, sendJsonText } from '../../../protocol/http/send.ts';
import { MAX_REQUEST_BODY_BYTES, parseGenerationRequest, type Endpoint } from '../../../protocol/openai/request.ts';
import { JsonResponseSink, SseResponseSink, type ResponseContext } from './response-sinks.ts';

export interface WorkerHttpOptions {
  engine: Engine;
  model: string;
  workerId: string;
  seed: number;
  maxModelLen: number;
  /** False once shutdown began: /health answers 503 so routers stop sending. */
  isReady: () => boolean;
  /** Families served after the engine's (the cluster runtime's counters). */
  runtimeMetrics?: () => string;
}

export function createWorkerServer(o: WorkerHttpOptions): Server {
  const idHeader = { [WORKER_ID_HEADER]: o.workerId };
  const models = JSON.stringify({
    object: 'list',
    data: [{ id: o.model, object: 'model', created: Math.floor(Date.now() / 1000), owned_by: 'servewright', root: o.model, max_model_len: o.maxModelLen }],
  });

  const generate = (endpoint: Endpoint, req: IncomingMessage, res: ServerResponse, raw: string): void => {
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch (e) {
      sendError(res, 400, `Request body is not valid JSON: ${(e as Error).message}`, null, idHeader);
      return;
    }
    const parsed = parseGenerationRequest(endpoint, body);
    if (!parsed.ok) return sendError(res, 400, parsed.message, parsed.param, idHeader);
    const job = parsed.params;
    if (job.model !== o.model) {
      return sendError(res, 404, `The model \`${job.model}\` does not exist.`, 'model', idHeader);
    }
    const forced = req.headers[FORCE_ERROR_HEADER];
    let forceError: number | undefined;
    if (forced !== undefined) {
      forceError = Number(forced);
      if (!Number.isInteger(forceError) || forceError < 400 || forceError > 599) {
        return sendError(res, 400, `${FORCE_ERROR_HEADER} must be an HTTP error status 400-599, got ${JSON.stringify(forced)}.`, null, idHeader);
      }
    }

    const ctx: ResponseContext = {
      id: `${endpoint === 'chat' ? 'chatcmpl' : 'cmpl'}-${randomUUID()}`,
      endpoint,
      model: o.model,
      workerId: o.workerId,
      created: Math.floor(Date.now() / 1000),
      includeUsage: job.includeUsage,
    };
    const sink = job.stream ? new SseResponseSink(res, ctx) : new JsonResponseSink(res, ctx);
    try {
      o.engine.submit(
        {
          id: ctx.id,
          promptTokens: job.promptTokens,
          maxTokens: job.maxTokens,
          seed: job.seed ?? o.seed,
          ...(forceError !== undefined ? { forceError } : {}),
        },
        sink,
      );
    } catch (e) {
      if (!(e instanceof RequestRejected)) throw e;
      return sendError(res, e.status, e.message, e.param, idHeader, e.type);
    }
    if (sink instanceof SseResponseSink) sink.open();
    res.on('close', () => {
      if (!res.writableFinished) o.engine.abort(ctx.id);
    });
  };

  return createServer((req, res) => {
    const path = req.url?.split('?')[0] ?? '/';
    const endpoint: Endpoint | undefined =
      path === '/v1/completions' ? 'completion' : path === '/v1/chat/completions' ? 'chat' : undefined;
    if (endpoint !== undefined) {
      if (req.method !== 'POST') return sendError(res, 405, `${path} accepts POST only.`, null, idHeader);
      readBody(req, MAX_REQUEST_BODY_BYTES).then(
        (raw) => generate(endpoint, req, res, raw.toString('utf8')),
        (err: unknown) => {
          discardRest(req);
          if (err instanceof HttpError) sendError(res, err.status, err.message, null, idHeader);
        },
      );
      return;
    }
    if (req.method !== 'GET') return sendError(res, 405, `${path} accepts GET only.`, null, idHeader);
    switch (path) {
      case '/health':
        return o.isReady()
          ? sendJsonText(res, 200, '{"status":"ready"}', idHeader)
          : sendJsonText(res, 503, '{"status":"shutting_down"}', idHeader);
      case '/metrics': {
        const text = o.engine.renderMetrics() + (o.runtimeMetrics?.() ?? '');
        res.writeHead(200, { 'content-type': PROMETHEUS_CONTENT_TYPE, ...idHeader });
        return res.end(text);
      }
      case '/v1/models':
        return sendJsonText(res, 200, models, idHeader);
      default:
        return sendError(res, 404, `No route ${req.method} ${path}.`, null, idHeader);
    }
  });
}
