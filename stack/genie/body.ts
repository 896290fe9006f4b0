import type { IncomingMessage } from 'node:http';
import { HttpError } from './http-error.ts';

/**
 * Reads a request body, refusing (413) as soon as it grows past `limit` so an oversized
 * upload never sits in memory. The caller answers and then calls `discardRest`.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > limit) return Promise.reject(tooLarge(`${declared} bytes`, limit));
  // Events, not for-await: leaving a for-await loop early destroys the stream (Node's
  // documented behaviour), while discardRest needs it alive to drain the rest.
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      req.off('data', onData);
      req.pause();
      reject(tooLarge(`more than ${limit} bytes`, limit));
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks, size)));
    req.once('error', reject);
  });
}

function tooLarge(size: string, limit: number): HttpError {
  return new HttpError(413, `request body of ${size} exceeds the limit of ${limit} bytes (raise --max-tensor-bytes)`);
}

/**
 * After an early 413 the client is usually still uploading; dropping the socket then would
 * hide the answer behind a connection reset. Drain (without keeping) up to `cap` bytes.
 */
export function discardRest(req: IncomingMessage, cap: number): void {
  let drained = 0;
  req.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > cap) req.socket.destroy();
  });
  req.resume();
}
