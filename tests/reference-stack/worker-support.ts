// Starting the mock worker as a real process for the worker specs, and reading its
// HTTP answers (JSON or SSE) the way any OpenAI client would.

import type { ManagedProcess, Procs } from '../../fixtures/index.ts';
import { stackBundlePath } from '../../fixtures/state-dir.ts';

export const MODEL = 'mock-model';

export interface StartedWorker {
  url: string;
  proc: ManagedProcess;
}

/** Starts the worker bundle (global setup rebuilds it from stack/worker) with `args`. */
export async function startWorker(procs: Procs, name: string, args: string[] = []): Promise<StartedWorker> {
  const proc = await procs.start({
    name,
    command: process.execPath,
    args: [stackBundlePath('worker'), '--port', '0', '--worker-id', name, ...args],
    ready: { log: /listening on http/, timeoutMs: 30_000 },
  });
  const url = (await proc.log.waitFor(/listening on (http:\/\/\S+)/))[1] as string;
  return { url, proc };
}

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
  const decoder = new TextDecoder();
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  let buffered = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return events;
    buffered += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffered.indexOf('\n\n')) !== -1) {
      const event = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      if (!event.startsWith('data: ')) continue;
      const data = event.slice(6);
      events.push(data);
      if (onEvent(data) === false) {
        reader.releaseLock();
        return events;
      }
    }
  }
}
