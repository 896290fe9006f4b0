// The HTTP face of a stand-in Dynamo frontend: the reference frontend runs behind it, and
// what a client sees is the impersonated contract's: /health bodies (health.*), /metrics
// restricted to the corpus's series (metrics.frontend; the reference frontend runs with
// Dynamo's names and label sets underneath), SSE error frames
// (sse.errorFrame), and no servewright worker attribution (Dynamo adds nvext.worker_id only
// when a request asks for it).

import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { EngineContract } from '../../../contracts/loader.ts';
import { parsePrometheus, type Sample } from '../../../protocol/prometheus-parse.ts';
import { WORKER_ID_HEADER } from '../../../protocol/headers.ts';

async function getJson(url: string): Promise<Record<string, unknown>> {
  return (await (await fetch(url)).json()) as Record<string, unknown>;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function render(samples: readonly Sample[]): string {
  return samples.map((s) => `${s.name}${Object.keys(s.labels).length === 0 ? '' : `{${Object.entries(s.labels).map(([k, v]) => `${k}="${v}"`).join(',')}}`} ${s.value}\n`).join('');
}

/** Removes servewright's worker attribution from a JSON body. */
function withoutAttribution(json: string): string {
  const body = JSON.parse(json) as Record<string, unknown>;
  delete body.nvext;
  return JSON.stringify(body);
}

export function serveFrontendProxy(contract: EngineContract, port: number, upstream: string): void {
  const corpusMetrics = parsePrometheus(contract.metrics.frontend?.exposition ?? '');
  const corpusNames = new Set(corpusMetrics.map((s) => s.name));

  async function health(res: ServerResponse): Promise<void> {
    const reference = await getJson(`${upstream}/health`);
    const instances = (reference.instances as Array<{ instance_id: string }> | undefined) ?? [];
    const { frontendNoModels, frontendReady } = contract.health;
    if (instances.length === 0 && frontendNoModels) return send(res, frontendNoModels.status, frontendNoModels.body);
    if (!frontendReady) return send(res, 200, reference);
    const body = structuredClone(frontendReady.body) as Record<string, unknown>;
    if (Array.isArray(body.instances)) {
      const template = body.instances[0] as Record<string, unknown>;
      body.instances = instances.map((i) => ({ ...template, instance_id: i.instance_id, endpoint: 'generate' }));
    }
    if (Array.isArray(body.models)) body.models = ((await getJson(`${upstream}/v1/models`)).data as Array<{ id: string }>).map((m) => m.id);
    send(res, frontendReady.status, body);
  }

  async function metrics(res: ServerResponse): Promise<void> {
    const reference = parsePrometheus(await (await fetch(`${upstream}/metrics`)).text());
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(render(reference.filter((s) => corpusNames.has(s.name))));
  }

  function transformSse(from: IncomingMessage, res: ServerResponse): void {
    const frame = contract.sse.errorFrame;
    let buffer = '';
    from.setEncoding('utf8');
    from.on('data', (text: string) => {
      buffer += text;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) !== -1) {
        const event = buffer.slice(0, end + 2);
        buffer = buffer.slice(end + 2);
        const data = event.startsWith('data: ') ? event.slice(6, -2) : '';
        if (data === '' || data === '[DONE]') {
          res.write(event);
          continue;
        }
        const parsed = JSON.parse(data) as { error?: { message?: string } };
        if (parsed.error !== undefined && frame) {
          res.write(frame.text.replace(/^: .*$/m, `: ${parsed.error.message ?? 'error'}`));
          res.end(frame.then ?? '');
          from.destroy();
          return;
        }
        res.write(`data: ${withoutAttribution(data)}\n\n`);
      }
    });
    from.on('end', () => res.end(buffer));
  }

  function forward(req: IncomingMessage, res: ServerResponse, body: Buffer): void {
    const path = req.url ?? '/';
    let finished = false;
    const out = httpRequest(`${upstream}${path}`, { method: req.method, headers: { ...req.headers, host: new URL(upstream).host } }, (from) => {
      const headers = { ...from.headers };
      delete headers[WORKER_ID_HEADER];
      const streaming = String(from.headers['content-type']).startsWith('text/event-stream');
      if (streaming) {
        delete headers['content-length'];
        res.writeHead(from.statusCode ?? 502, headers);
        transformSse(from, res);
      } else {
        const chunks: Buffer[] = [];
        from.on('data', (c: Buffer) => chunks.push(c));
        from.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const rewritten = String(from.headers['content-type']).startsWith('application/json') && text !== '' ? withoutAttribution(text) : text;
          delete headers['content-length'];
          res.writeHead(from.statusCode ?? 502, headers);
          res.end(rewritten);
        });
      }
    });
    res.on('finish', () => (finished = true));
    res.on('close', () => {
      if (!finished) out.destroy();
    });
    out.on('error', (err) => {
      if (!res.headersSent) send(res, 502, { error: { message: `stand-in proxy: ${err.message}` } });
      else res.destroy();
    });
    out.end(body);
  }

  createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/health') return void health(res).catch((err: Error) => send(res, 503, { message: err.message }));
    if (req.method === 'GET' && path === '/metrics') return void metrics(res).catch((err: Error) => send(res, 503, { message: err.message }));
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => forward(req, res, Buffer.concat(chunks)));
  }).listen(port, '127.0.0.1');
}
