// A minimal OpenAI-compatible server whose every answer is scripted per request, for
// testing the load generator itself: known delays give known metrics, a stall proves
// latency is counted from the schedule, zero delay measures the generator's own ceiling.

import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { QUEUE_MS_HEADER, WORKER_ID_HEADER } from '../../protocol/headers.ts';

export interface Script {
  /** Hold the response until this settles (a stalled server). */
  waitFor?: Promise<void>;
  /** Streaming: after the first token, hold the rest of the stream until this settles. */
  afterFirstToken?: Promise<void>;
  /** Wait before sending response headers. */
  headersDelayMs?: number;
  /** Generated tokens; each is one SSE chunk when streaming. */
  tokens?: number;
  /** Wait between streamed tokens. */
  tokenGapMs?: number;
  status?: number;
  queueMs?: number;
  workerId?: string;
}

export interface ScriptedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

export interface ScriptedServer {
  url: string;
  /** Requests as received, in arrival order. */
  received: ScriptedRequest[];
  close(): Promise<void>;
}

const sleep = (ms: number): Promise<void> => (ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve());

export interface ScriptedServerOptions {
  /** Keep every request in `received` (default true). */
  record?: boolean;
  /** Listen on this port (default: any free one). */
  port?: number;
  /** What GET /v1/models lists, model id → owned_by (default one "scripted" model of owner "scripted"). */
  models?: Record<string, string>;
}

export async function startScriptedServer(script: (req: ScriptedRequest) => Script, options: ScriptedServerOptions = {}): Promise<ScriptedServer> {
  const received: ScriptedRequest[] = [];
  const models = Object.entries(options.models ?? { scripted: 'scripted' }).map(([id, owner]) => ({ id, object: 'model', created: 0, owned_by: owner }));
  const server: Server = createServer((req, res) => {
    if (req.method === 'GET' && req.url?.endsWith('/v1/models')) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ object: 'list', data: models }));
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      const request: ScriptedRequest = { path: req.url ?? '', headers: req.headers, body };
      if (options.record !== false) received.push(request);
      void respond(request, script(request), res);
    });
  });
  server.keepAliveTimeout = 60_000;
  server.maxHeadersCount = 0;
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function respond(request: ScriptedRequest, s: Script, res: import('node:http').ServerResponse): Promise<void> {
  await s.waitFor;
  await sleep(s.headersDelayMs ?? 0);
  const headers: Record<string, string> = {};
  if (s.queueMs !== undefined) headers[QUEUE_MS_HEADER] = String(s.queueMs);
  if (s.workerId !== undefined) headers[WORKER_ID_HEADER] = s.workerId;
  const status = s.status ?? 200;
  const model = String(request.body['model'] ?? 'scripted');
  const tokens = s.tokens ?? 1;
  const usage = { prompt_tokens: 3, completion_tokens: tokens, total_tokens: 3 + tokens };
  if (status !== 200) {
    res.writeHead(status, { ...headers, 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { message: `scripted ${status}` } }));
    return;
  }
  const chat = request.path.endsWith('/chat/completions');
  if (request.body['stream'] !== true) {
    const choice = chat ? { message: { role: 'assistant', content: 'x '.repeat(tokens) } } : { text: 'x '.repeat(tokens) };
    res.writeHead(200, { ...headers, 'content-type': 'application/json' });
    res.end(JSON.stringify({ model, choices: [choice], usage }));
    return;
  }
  res.writeHead(200, { ...headers, 'content-type': 'text/event-stream' });
  const chunk = chat ? `{"model":${JSON.stringify(model)},"choices":[{"delta":{"content":"x "}}]}` : `{"model":${JSON.stringify(model)},"choices":[{"text":"x "}]}`;
  for (let i = 0; i < tokens; i++) {
    if (i > 0) await sleep(s.tokenGapMs ?? 0);
    res.write(`data: ${chunk}\n\n`);
    if (i === 0) await s.afterFirstToken;
  }
  res.end(`data: {"model":${JSON.stringify(model)},"choices":[],"usage":${JSON.stringify(usage)}}\n\ndata: [DONE]\n\n`);
}
