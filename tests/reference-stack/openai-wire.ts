// Raw HTTP for specs that check the OpenAI wire format itself (status lines, headers, SSE
// framing, `[DONE]`, error events), which the fixture's OpenAIClient deliberately hides.

import { SseParser } from '../../fixtures/openai/sse.ts';

export function post(url: string, path: string, body: unknown, init: { headers?: Record<string, string>; signal?: AbortSignal } = {}): Promise<Response> {
  return fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...init.headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...(init.signal ? { signal: init.signal } : {}),
  });
}

/**
 * Reads SSE `data:` payloads until the stream ends or `onEvent` returns false; stopping
 * early leaves the connection open (abort the request's signal to disconnect).
 */
export async function readSse(res: Response, onEvent: (data: string) => boolean | void = () => {}): Promise<string[]> {
  const events: string[] = [];
  const parser = new SseParser();
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return events;
    for (const data of parser.push(value)) {
      events.push(data);
      if (onEvent(data) === false) {
        reader.releaseLock();
        return events;
      }
    }
  }
}
