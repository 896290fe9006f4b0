import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  test,
  expect,
  OpenAIClient,
  OpenAIHttpError,
  ClientTimeoutError,
  ClientAbortError,
  StreamErrorEvent,
} from 'servewright';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A loopback server whose handler each test sets, recording when client sockets close. */
async function fakeServer(handler: Handler): Promise<{ url: string; requests: number; socketClosed: Promise<void>; close(): Promise<void> }> {
  let requests = 0;
  let onClose!: () => void;
  const socketClosed = new Promise<void>((r) => (onClose = r));
  const server: Server = createServer((req, res) => {
    requests++;
    req.socket.once('close', onClose);
    handler(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get requests() {
      return requests;
    },
    socketClosed,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

function sse(res: ServerResponse, events: unknown[], end = true): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'x-servewright-worker-id': 'w-header' });
  for (const e of events) res.write(`data: ${typeof e === 'string' ? e : JSON.stringify(e)}\n\n`);
  if (end) res.end('data: [DONE]\n\n');
}

const delta = (content: string, worker = 'w1') => ({ choices: [{ index: 0, delta: { content } }], nvext: { worker_id: worker } });

test.describe('OpenAI client', { tag: ['@e2e', '@framework'] }, () => {
  test('streams chunks with timestamps, text, usage and the serving workers', async () => {
    const server = await fakeServer((_req, res) =>
      sse(res, [delta('Hel'), delta('lo', 'w2'), { choices: [{ index: 0, delta: {}, finish_reason: 'length' }], usage: { completion_tokens: 2 } }]),
    );
    try {
      const stream = await new OpenAIClient(server.url, { model: 'm' }).streamChat({ messages: [{ role: 'user', content: 'hi' }] });
      const result = await stream.collect();
      expect(result.text).toBe('Hello');
      expect(result.done).toBe(true);
      expect(result.workerIds).toEqual(['w1', 'w2']);
      expect(result.finishReason).toBe('length');
      expect(result.usage).toEqual({ completion_tokens: 2 });
      expect(result.itlMs).toHaveLength(1);
      expect(result.ttftMs).toBeGreaterThanOrEqual(0);
      expect(result.chunks.map((c) => c.at)).toEqual([...result.chunks.map((c) => c.at)].sort((a, b) => a - b));
    } finally {
      await server.close();
    }
  });

  test('a stream asks for the usage chunk unless the body says otherwise', async () => {
    const bodies: unknown[] = [];
    const server = await fakeServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString()));
      req.on('end', () => {
        bodies.push(JSON.parse(raw));
        sse(res, [delta('x')]);
      });
    });
    try {
      const client = new OpenAIClient(server.url, { model: 'm' });
      await (await client.streamCompletions({ prompt: 'a' })).collect();
      await (await client.streamChat({ messages: [], stream_options: { include_usage: false } })).collect();
      await (await client.streamCompletions({ prompt: 'b', stream_options: undefined })).collect();
      expect(bodies).toEqual([
        { model: 'm', prompt: 'a', stream: true, stream_options: { include_usage: true } },
        { model: 'm', messages: [], stream: true, stream_options: { include_usage: false } },
        { model: 'm', prompt: 'b', stream: true },
      ]);
    } finally {
      await server.close();
    }
  });

  test('an event split across writes is parsed once, whole', async () => {
    const server = await fakeServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const payload = `data: ${JSON.stringify(delta('split'))}\n\ndata: [DONE]\n\n`;
      let i = 0;
      const timer = setInterval(() => {
        res.write(payload.slice(i, i + 7));
        i += 7;
        if (i >= payload.length) {
          clearInterval(timer);
          res.end();
        }
      }, 1);
    });
    try {
      const result = await (await new OpenAIClient(server.url).streamCompletions({ prompt: 'x' })).collect();
      expect(result.chunks).toHaveLength(1);
      expect(result.text).toBe('split');
    } finally {
      await server.close();
    }
  });

  test('abort() closes the TCP connection the server sees', async () => {
    const server = await fakeServer((_req, res) => sse(res, [delta('a'), delta('b'), delta('c')], false));
    try {
      const stream = await new OpenAIClient(server.url).streamChat({ messages: [] });
      expect((await stream.take(2)).map((c) => c.text)).toEqual(['a', 'b']);
      stream.abort();
      await server.socketClosed;
      await expect(stream.collect()).rejects.toBeInstanceOf(ClientAbortError);
    } finally {
      await server.close();
    }
  });

  test('a client timeout closes the socket and says so', async () => {
    const server = await fakeServer(() => undefined);
    try {
      const pending = new OpenAIClient(server.url).completions({ prompt: 'x' }, { timeoutMs: 100 });
      await expect(pending).rejects.toBeInstanceOf(ClientTimeoutError);
      await server.socketClosed;
    } finally {
      await server.close();
    }
  });

  test('HTTP errors carry status and body, and are never retried', async () => {
    const server = await fakeServer((_req, res) => {
      res.writeHead(503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'no workers' } }));
    });
    try {
      const err = await new OpenAIClient(server.url).completions({ prompt: 'x' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAIHttpError);
      expect((err as OpenAIHttpError).status).toBe(503);
      expect((err as OpenAIHttpError).serverMessage).toBe('no workers');
      expect(server.requests).toBe(1);
    } finally {
      await server.close();
    }
  });

  test('an SSE error event fails the stream instead of hanging', async () => {
    const server = await fakeServer((_req, res) => sse(res, [delta('a'), { error: { message: 'migration limit reached' } }], false));
    try {
      const stream = await new OpenAIClient(server.url).streamChat({ messages: [] });
      const err = await stream.collect().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StreamErrorEvent);
      expect((err as StreamErrorEvent).chunksBefore).toBe(1);
    } finally {
      await server.close();
    }
  });

  test('non-streaming responses expose text and worker id', async () => {
    const server = await fakeServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'x-servewright-worker-id': 'w9' });
      res.end(JSON.stringify({ choices: [{ index: 0, message: { role: 'assistant', content: 'hey' } }] }));
    });
    try {
      const res = await new OpenAIClient(server.url).chat({ messages: [] });
      expect(res.text).toBe('hey');
      expect(res.workerId).toBe('w9');
    } finally {
      await server.close();
    }
  });
});

test('aborting a non-streaming request through its signal closes the socket', { tag: ['@e2e', '@framework'] }, async () => {
  let received!: () => void;
  const requestHeld = new Promise<void>((r) => (received = r));
  // The server holds the request unanswered; the abort comes once it has arrived, so the
  // socket it must close exists (a fixed delay raced the connect on a loaded machine).
  const server = await fakeServer(() => received());
  try {
    const controller = new AbortController();
    const pending = new OpenAIClient(server.url).completions({ prompt: 'x' }, { signal: controller.signal });
    await requestHeld;
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(ClientAbortError);
    await server.socketClosed;
  } finally {
    await server.close();
  }
});
