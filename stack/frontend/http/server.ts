// The frontend's HTTP surface: the OpenAI API plus /health, /metrics and /debug/scheduler.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { discardRest, readBody } from '../../../protocol/http/body.ts';
import { HttpError } from '../../../protocol/http/http-error.ts';
import { MAX_REQUEST_BODY_BYTES } from '../../../protocol/openai/request.ts';
import { PROMETHEUS_CONTENT_TYPE } from '../../../protocol/prometheus.ts';
import type { FrontendMetrics } from '../metrics.ts';
import { handleGeneration, type HandlerDeps } from './generation-handler.ts';
import { sendError, sendJson } from '../../../protocol/http/send.ts';

export interface ServerDeps extends HandlerDeps {
  metrics: FrontendMetrics;
  routerMode: string;
}

async function readJsonObject(req: IncomingMessage): Promise<Record<string, unknown>> {
  const raw = await readBody(req, MAX_REQUEST_BODY_BYTES);
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch (err) {
    throw new HttpError(400, `request body is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new HttpError(400, 'request body must be a JSON object');
  return body as Record<string, unknown>;
}

function models(deps: ServerDeps) {
  return {
    object: 'list',
    data: deps.registry.models().map((id) => ({ id, object: 'model', created: 0, owned_by: 'servewright' })),
  };
}

function debugScheduler(deps: ServerDeps) {
  return {
    routerMode: deps.routerMode,
    scheduler: deps.scheduler.snapshot(Date.now()),
    queueDepth: deps.dispatcher.queueDepth,
    workers: deps.registry.list().map((w) => ({
      id: w.registration.id,
      model: w.registration.model,
      role: w.registration.role,
      inFlight: w.inFlight,
      capacity: w.capacity,
      cachedBlocks: w.cachedBlocks.size,
    })),
  };
}

async function route(deps: ServerDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  const get = req.method === 'GET';
  if (req.method === 'POST' && (path === '/v1/completions' || path === '/v1/chat/completions')) {
    const body = await readJsonObject(req);
    return handleGeneration(deps, path === '/v1/completions' ? 'completion' : 'chat', req, res, body);
  }
  if (get && path === '/v1/models') return sendJson(res, 200, models(deps));
  if (get && path === '/health') {
    const workers = deps.registry.list();
    // `instances` in the shape Dynamo's frontend reports, so one readiness check serves both.
    const instances = workers.map((w) => ({ instance_id: w.registration.id, endpoint: 'generate', role: w.registration.role }));
    return sendJson(res, 200, { status: workers.length > 0 ? 'ready' : 'no-workers', workers: workers.length, instances, queueDepth: deps.dispatcher.queueDepth });
  }
  if (get && path === '/metrics') {
    const text = deps.metrics.render();
    res.writeHead(200, { 'content-type': PROMETHEUS_CONTENT_TYPE });
    return void res.end(text);
  }
  if (get && path === '/debug/scheduler') return sendJson(res, 200, debugScheduler(deps));
  sendError(res, 404, `no route for ${req.method} ${path}`);
}

export function createFrontendServer(deps: ServerDeps): Server {
  return createServer((req, res) => {
    route(deps, req, res).catch((err: unknown) => {
      discardRest(req);
      if (err instanceof HttpError) return sendError(res, err.status, err.message);
      deps.log(`ERROR ${req.method} ${req.url}: ${(err as Error).stack ?? String(err)}`);
      sendError(res, 500, `internal error: ${(err as Error).message}`);
    });
  });
}
