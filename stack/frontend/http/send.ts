import type { ServerResponse } from 'node:http';
import { errorBody } from '../../../protocol/openai/error-body.ts';

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendError(res: ServerResponse, status: number, message: string, param: string | null = null): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  sendJson(res, status, errorBody(status, message, param));
}
