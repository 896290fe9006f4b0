// Request bodies read under a size cap, shared by every server of the stack. An oversized
// body is refused (413) as soon as it is known to be too big, so it never sits in memory,
// and the rest of it is drained so the client reads the 413 instead of a connection reset.

import type { IncomingMessage } from 'node:http';
import { HttpError } from './http-error.ts';

/** How much of a refused upload is read and dropped before the connection is cut. */
const DRAIN_CAP_BYTES = 1 << 30;

/**
 * The whole body, or an HttpError 413 once it exceeds `limit` bytes (from Content-Length
 * before reading, else while reading). `hint` follows the message, e.g. the flag that
 * raises the limit. The caller answers and then calls `discardRest`.
 */
export function readBody(req: IncomingMessage, limit: number, hint = ''): Promise<Buffer> {
  const tooLarge = (size: string): HttpError =>
    new HttpError(413, `request body of ${size} exceeds the limit of ${limit} bytes${hint ? ` ${hint}` : ''}`);
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > limit) return Promise.reject(tooLarge(`${declared} bytes`));
  // Events, not for-await: leaving a for-await loop early destroys the stream (Node's
  // documented behaviour), while discardRest needs it alive to drain the rest. Events are
  // also a few percent cheaper on the frontend's hot path.
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
      reject(tooLarge(`more than ${limit} bytes`));
    };
    req.on('data', onData);
    req.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
    req.once('error', reject);
  });
}

/**
 * After an early answer the client is usually still uploading; dropping the socket then
 * would hide the answer behind a connection reset. Drains (without keeping) up to 1 GiB,
 * then cuts the connection.
 */
export function discardRest(req: IncomingMessage): void {
  if (req.readableEnded) return;
  let drained = 0;
  req.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > DRAIN_CAP_BYTES) req.socket.destroy();
  });
  req.resume();
}
