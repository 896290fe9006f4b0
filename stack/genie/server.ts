import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { discardRest, readBody } from '../../protocol/http/body.ts';
import { HttpError } from '../../protocol/http/http-error.ts';
import { sendJson } from '../../protocol/http/send.ts';
import { maxRequestBytes, type GenieServerConfig } from './config.ts';
import { toHttpError } from './http-error.ts';
import { boundaryOf, parseMultipart } from './multipart.ts';
import { execute, executeSubgraph, health, rootInfo, type TensorReply } from './routes.ts';
import { ServerStats } from './stats.ts';

type TensorRoute = typeof execute;

const TENSOR_ROUTES: Record<string, TensorRoute> = { '/execute': execute, '/execute_subgraph': executeSubgraph };

export function createGenieServer(config: GenieServerConfig): Server {
  const stats = new ServerStats();
  const limit = maxRequestBytes(config);

  async function runTensorRoute(req: IncomingMessage, res: ServerResponse, route: TensorRoute): Promise<void> {
    stats.requestsTotal++;
    const body = await readBody(req, limit, '(raise --max-tensor-bytes)');
    stats.bytesIn += body.length;
    const result: TensorReply = route(parseMultipart(body, boundaryOf(req.headers['content-type'])), config, stats);
    stats.requestsSuccess++;
    stats.bytesOut += result.body.length;
    res.writeHead(200, { ...result.headers, 'content-length': String(result.body.length) }).end(result.body);
  }

  async function handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    stats.countRoute(path);
    const tensorRoute = TENSOR_ROUTES[path];
    if (tensorRoute) {
      if (req.method !== 'POST') throw new HttpError(405, `${path} accepts POST only`);
      return runTensorRoute(req, res, tensorRoute);
    }
    if (req.method !== 'GET') throw new HttpError(405, `${path} accepts GET only`);
    if (path === '/') return sendJson(res, 200, rootInfo(config));
    if (path === '/health') return sendJson(res, 200, health(stats));
    if (path === '/stats') return sendJson(res, 200, stats.snapshot());
    throw new HttpError(404, `no route ${path}; see GET / for the endpoints`);
  }

  return createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    handle(req, res, path).catch((err: unknown) => {
      const { status, message } = toHttpError(err);
      if (TENSOR_ROUTES[path] && req.method === 'POST') stats.requestsFailed++;
      stats.countError(status);
      if (status >= 500) console.error(err);
      discardRest(req);
      sendJson(res, status, { detail: message });
    });
  });
}
