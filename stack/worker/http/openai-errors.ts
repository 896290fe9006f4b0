// OpenAI-style error answers of the worker (body shape: protocol/openai/error-body.ts).

import type { ServerResponse } from 'node:http';
import { errorBody, errorType } from '../../../protocol/openai/error-body.ts';

export function sendJson(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

export function sendError(
  res: ServerResponse,
  status: number,
  message: string,
  param: string | null = null,
  headers: Record<string, string> = {},
  type = errorType(status),
): void {
  sendJson(res, status, JSON.stringify(errorBody(status, message, param, type)), headers);
}
