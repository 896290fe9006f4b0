// JSON answers and OpenAI error answers of the stack's HTTP servers.

import type { ServerResponse } from 'node:http';
import { errorBody, errorType } from '../openai/error-body.ts';

/** A JSON answer from text already serialised (hot paths build it by hand). */
export function sendJsonText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  sendJsonText(res, status, JSON.stringify(value), headers);
}

/** The OpenAI error body; once a response has begun (a stream) it can only be ended. */
export function sendError(
  res: ServerResponse,
  status: number,
  message: string,
  param: string | null = null,
  headers: Record<string, string> = {},
  type = errorType(status),
): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  sendJson(res, status, errorBody(status, message, param, type), headers);
}
