// The HTTP plumbing every stand-in server shares: the reference process runs behind it and a
// client sees what the impersonated engine shows. Responses lose servewright's worker
// attribution (no real engine adds it unasked), a client that leaves before its response
// ended is reported, and an SSE error event can be rewritten into the engine's own frame.

import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Sample } from '../../../protocol/prometheus-parse.ts';
import { WORKER_ID_HEADER } from '../../../protocol/headers.ts';

export function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** Prometheus text for samples (values only: the stand-ins expose no HELP/TYPE lines). */
export function render(samples: readonly Sample[]): string {
  return samples.map((s) => `${s.name}${Object.keys(s.labels).length === 0 ? '' : `{${Object.entries(s.labels).map(([k, v]) => `${k}="${v}"`).join(',')}}`} ${s.value}\n`).join('');
}

/** Removes servewright's worker attribution from a JSON body. */
function withoutAttribution(json: string): string {
  const body = JSON.parse(json) as Record<string, unknown>;
  delete body.nvext;
  return JSON.stringify(body);
}

export interface ForwardOptions {
  /** The engine's SSE error frame (`: message` line replaced); undefined passes error events through. */
  errorFrame?: { text: string; then?: string };
  /** A client left a POST under /v1/ before its response ended. */
  onClientGone?: (path: string, body: Record<string, unknown>) => void;
}

function transformSse(from: IncomingMessage, res: ServerResponse, frame: ForwardOptions['errorFrame']): void {
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

/** Sends one request on to `upstream` and its response back, as the engine would show it. */
export function forward(upstream: string, req: IncomingMessage, res: ServerResponse, body: Buffer, opts: ForwardOptions = {}): void {
  const path = req.url ?? '/';
  const json = body.length > 0 ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : {};
  let finished = false;
  const out = httpRequest(`${upstream}${path}`, { method: req.method, headers: { ...req.headers, host: new URL(upstream).host } }, (from) => {
    const headers = { ...from.headers };
    delete headers[WORKER_ID_HEADER];
    delete headers['content-length'];
    if (String(from.headers['content-type']).startsWith('text/event-stream')) {
      res.writeHead(from.statusCode ?? 502, headers);
      transformSse(from, res, opts.errorFrame);
      return;
    }
    const chunks: Buffer[] = [];
    from.on('data', (c: Buffer) => chunks.push(c));
    from.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      res.writeHead(from.statusCode ?? 502, headers);
      res.end(String(from.headers['content-type']).startsWith('application/json') && text !== '' ? withoutAttribution(text) : text);
    });
  });
  res.on('finish', () => (finished = true));
  res.on('close', () => {
    if (finished) return;
    out.destroy();
    if (req.method === 'POST' && path.startsWith('/v1/')) opts.onClientGone?.(path, json);
  });
  out.on('error', (err) => {
    if (!res.headersSent) send(res, 502, { error: { message: `stand-in proxy: ${err.message}` } });
    else res.destroy();
  });
  out.end(body);
}

/** A loopback server answering GETs of `own` paths itself and forwarding everything else. */
export function serveForwarding(
  port: number,
  upstream: string,
  own: Readonly<Record<string, (res: ServerResponse) => Promise<void>>>,
  opts: ForwardOptions = {},
): Server {
  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const handler = req.method === 'GET' ? own[path] : undefined;
    if (handler) return void handler(res).catch((err: Error) => send(res, 503, { message: err.message }));
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => forward(upstream, req, res, Buffer.concat(chunks), opts));
  }).listen(port, '127.0.0.1');
}
