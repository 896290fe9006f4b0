// One attempt of a request on one worker: publish the GenerateRequest with a reply subject
// and follow its chunk stream until it ends, breaks, fails or the client goes away.

import { JSONCodec, type NatsConnection } from 'nats';
import type { ControlMessage, GenerateChunk, GenerateRequest } from '../../../protocol/messages.ts';
import { controlSubject, generateSubject } from '../../../protocol/subjects.ts';
import type { WorkerRegistry } from '../discovery/worker-registry.ts';
import type { ReplyMux } from './reply-mux.ts';
import type { TurnPublisher } from './turn-publisher.ts';

export type AttemptEnd =
  | { kind: 'done'; chunk: Extract<GenerateChunk, { type: 'done' }> }
  /** The stream broke in a way another worker can recover from. */
  | { kind: 'broken'; cause: string }
  | { kind: 'failed'; status: number; message: string }
  | { kind: 'cancelled' };

export interface StreamDeps {
  publisher: TurnPublisher;
  replies: ReplyMux;
  namespace: string;
  registry: WorkerRegistry;
  streamTimeoutMs: number;
  log: (line: string) => void;
  /** The connected NATS server's max_payload and where it is, for a request too big to send. */
  nats: Pick<NatsConnection, 'getServer' | 'info'>;
}

/** nats-server's default max_payload, until the server's INFO says otherwise. */
const DEFAULT_MAX_PAYLOAD_BYTES = 1024 * 1024;

const requestCodec = JSONCodec<GenerateRequest>();
const chunkCodec = JSONCodec<GenerateChunk>();
const controlCodec = JSONCodec<ControlMessage>();

export function streamFromWorker(
  deps: StreamDeps,
  workerId: string,
  request: GenerateRequest,
  onChunk: (chunk: GenerateChunk) => void,
  signal: AbortSignal,
): Promise<AttemptEnd> {
  if (signal.aborted) return Promise.resolve({ kind: 'cancelled' });
  return new Promise((resolve) => {
    const finish = (end: AttemptEnd): void => {
      clearTimeout(silence);
      reply.close();
      stopWatchingWorker();
      signal.removeEventListener('abort', onAbort);
      resolve(end);
    };
    const silence = setTimeout(
      () => finish({ kind: 'broken', cause: `no chunk for ${deps.streamTimeoutMs} ms` }),
      deps.streamTimeoutMs,
    );
    const stopWatchingWorker = deps.registry.onRemoved((id) => {
      if (id === workerId) finish({ kind: 'broken', cause: 'worker deregistered' });
    });
    const onAbort = (): void => {
      deps.publisher.publish(controlSubject(deps.namespace, workerId), controlCodec.encode({ type: 'kill', requestId: request.requestId }), undefined, (err) =>
        deps.log(`WARN kill for request_id=${request.requestId} not sent to worker_id=${workerId}: ${err.message}`),
      );
      deps.log(`issued control message Kill to sender request_id=${request.requestId} worker_id=${workerId}`);
      finish({ kind: 'cancelled' });
    };
    signal.addEventListener('abort', onAbort, { once: true });

    const reply = deps.replies.open((err, msg) => {
      if (err || !msg) return finish({ kind: 'broken', cause: `reply subscription failed: ${err?.message}` });
      silence.refresh();
      // NATS answers a publish nobody subscribes to with an empty 503 status message:
      // the worker died before its registration expired, which another worker can recover.
      if (msg.headers?.code === 503) return finish({ kind: 'broken', cause: `no responders on worker ${workerId}` });
      let chunk: GenerateChunk;
      try {
        chunk = chunkCodec.decode(msg.data);
      } catch (e) {
        return finish({ kind: 'failed', status: 502, message: `worker ${workerId} sent an undecodable chunk: ${(e as Error).message}` });
      }
      if (chunk.type === 'done') return finish({ kind: 'done', chunk });
      if (chunk.type === 'error') {
        return finish(
          chunk.retryable
            ? { kind: 'broken', cause: `retryable error ${chunk.status}: ${chunk.message}` }
            : { kind: 'failed', status: chunk.status, message: chunk.message },
        );
      }
      onChunk(chunk);
    });
    const data = requestCodec.encode(request);
    // NATS refuses a message over the server's max_payload; retrying elsewhere cannot help.
    const maxPayload = deps.nats.info?.max_payload ?? DEFAULT_MAX_PAYLOAD_BYTES;
    if (data.length > maxPayload) {
      return finish({
        kind: 'failed',
        status: 413,
        message:
          `request of ${request.promptTokens.length + request.generatedTokens.length} tokens is ${data.length} bytes as a NATS message, ` +
          `over the max_payload of ${maxPayload} bytes of the NATS server at ${deps.nats.getServer()} (raise max_payload in its configuration)`,
      });
    }
    deps.publisher.publish(generateSubject(deps.namespace, workerId), data, { reply: reply.subject }, (err) =>
      finish({ kind: 'failed', status: 503, message: `request not sent to worker ${workerId}: ${err.message}` }),
    );
  });
}
