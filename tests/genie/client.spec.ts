// Client side of the Genie seed: connectivity, transfer, remote execution, chains, errors,
// large tensors and the local-vs-remote overhead analysis.
import {
  compareTensors, encodeNpy, expect, makeTensor, measureOverhead, readCapabilities, runLocally, seededTensor, test,
  type OpGraph, type RawReply, type Tensor,
} from '../../fixtures/index.ts';
import { Readable } from 'node:stream';
import { request } from 'undici';

test.use({ genieTestType: 'client_side' });

const E2E = { tag: ['@e2e', '@genie'] };
const bits = (t: Tensor): number[] => Array.from(new Uint32Array(t.data.buffer, t.data.byteOffset, t.data.length));

test('server_connectivity: /health over HTTP', E2E, async ({ genie, genieResults }) => {
  const health = await genieResults.check(
    'server_connectivity',
    () => genie.server.client.health(),
    (h) => ({ server_url: genie.server.url, device: h.device, cuda_available: h.cuda_available }),
  );
  expect(health.status).toBe('healthy');
});

test('http_tensor_transfer: a tensor survives the round trip bit for bit', E2E, async ({ genie, genieResults }) => {
  const client = genie.server.client;
  // abs is exact on non-negative values, so the reply must equal the upload bit for bit.
  const inputs = [
    makeTensor([1], [0]),
    makeTensor([2, 3], [1, 3.4028234663852886e38, 1e-45, Infinity, 0.1, 12345.678]),
    makeTensor(...((t) => [t.shape, t.data.map(Math.abs)] as const)(seededTensor([256, 256], 3))),
  ];
  await genieResults.check('http_tensor_transfer', async () => {
    for (const input of inputs) {
      const part = await client.tensorPart(input, 'tensor_file');
      const reply = await client.postForm('/execute', { operation: 'abs', tensor_file: part });
      expect(reply.status).toBe(200);
      const back = await client.wire.decode(reply.body);
      expect(back.shape).toEqual(input.shape);
      expect(bits(back)).toEqual(bits(input));
      if (client.wire.name === 'npy') expect(Buffer.compare(reply.body, Buffer.from(encodeNpy(input)))).toBe(0);
    }
    return `HTTP tensor transfer successful, ${inputs.length} tensors, HTTP code: 200`;
  });
});

test('remote_execution: remote results equal the local reference within tolerance', E2E, async ({ genie, genieResults }) => {
  const caps = await readCapabilities(genie.server.client);
  const x = seededTensor([32, 48], 11);
  const cases = ['relu', 'sigmoid', 'tanh', 'exp', 'neg', ...caps.operations.filter((op) => op === 'softmax')].map((op) => ({ op, input: x }));
  const runs = await genieResults.check(
    'remote_execution',
    async () => {
      const runs = [];
      for (const c of cases) {
        const run = await genie.remote(c);
        expect(run.comparison.within, `${c.op}: ${run.comparison.reason}`).toBe(true);
        runs.push({ op: c.op, maxAbsDiff: run.comparison.maxAbsDiff, localMs: run.local.ms, remoteMs: run.remote.totalMs });
      }
      return runs;
    },
  );
  expect(runs.map((r) => r.op)).toEqual(cases.map((c) => c.op));
});

test('multi_operation_chain: a graph runs server-side and only its output comes back', E2E, async ({ genie, genieResults }) => {
  const client = genie.server.client;
  const caps = await readCapabilities(client);
  const x = seededTensor([16, 32], 5);
  await genieResults.check('multi_operation_chain', async () => {
    let sequential = x;
    for (const op of ['relu', 'sigmoid', 'tanh']) sequential = (await client.execute(op, sequential)).tensor;
    const expected = ['relu', 'sigmoid', 'tanh'].reduce((t, op) => runLocally({ op, input: t }).tensor, x);
    expect(compareTensors(sequential, expected).within).toBe(true);
    if (!caps.subgraphs) return 'sequential /execute chain relu -> sigmoid -> tanh (server has no /execute_subgraph)';

    const graph: OpGraph = {
      nodes: [
        { id: 'h', op: 'matmul', inputs: ['t0', 't1'] },
        { id: 'b', op: 'add', inputs: ['h', 't2'] },
        { id: 'r', op: 'relu', inputs: ['b'] },
        { id: 'p', op: 'softmax', inputs: ['r'] },
      ],
      output: 'p',
    };
    const inputs = [x, seededTensor([32, 8], 6), seededTensor([16, 8], 7)];
    const run = await genie.remote({ graph, inputs });
    expect(run.comparison.within, run.comparison.reason).toBe(true);
    expect(run.remote.tensor.shape).toEqual([16, 8]);
    expect(run.remote.bytesReceived).toBe(encodeNpy(run.local.tensor).length);
    const stats = await client.stats<{ ops: Record<string, { count: number }> }>();
    for (const op of ['matmul', 'add', 'softmax']) expect(stats.ops[op]?.count, op).toBe(1);
    return { sequential: 'relu -> sigmoid -> tanh', graph: graph.nodes.map((n) => n.op).join(' -> '), maxAbsDiff: run.comparison.maxAbsDiff };
  });
});

test('error_handling: bad requests get a 4xx with the reason and the server keeps serving', E2E, async ({ genie, genieResults }) => {
  const client = genie.server.client;
  const mock = genie.server.profile === 'mock';
  const tensorPart = (bytes: Uint8Array) => ({ bytes, filename: 't.npy', contentType: client.wire.contentType });
  const good = await client.wire.encode(makeTensor([2, 3], [1, 2, 3, 4, 5, 6]));
  const float64 = Buffer.from(encodeNpy(makeTensor([2], [0, 0]))); // same byte count as two float64
  float64.set(Buffer.from("'<f8'"), float64.indexOf("'<f4'"));
  const cases: { name: string; send: () => Promise<RawReply>; status: number; says: string }[] = [
    { name: 'unknown operation', send: () => client.postForm('/execute', { operation: 'frobnicate', tensor_file: tensorPart(good) }), status: 400, says: "unknown operation 'frobnicate'" },
    { name: 'malformed tensor', send: () => client.postForm('/execute', { operation: 'relu', tensor_file: tensorPart(Buffer.from('not a tensor')) }), status: 400, says: 'not an .npy file' },
    { name: 'unsupported dtype', send: () => client.postForm('/execute', { operation: 'relu', tensor_file: tensorPart(float64) }), status: 400, says: "dtype '<f8' is not supported" },
    { name: 'missing tensor', send: () => client.postForm('/execute', { operation: 'relu' }), status: 400, says: "missing multipart field 'tensor_file'" },
    {
      name: 'shape mismatch',
      send: async () => client.postForm('/execute_subgraph', {
        graph: JSON.stringify({ nodes: [{ id: 's', op: 'add', inputs: ['t0', 't1'] }], output: 's' }),
        t0: tensorPart(good),
        t1: tensorPart(await client.wire.encode(makeTensor([3, 2], [1, 2, 3, 4, 5, 6]))),
      }),
      status: 422,
      says: 'add: shapes [2, 3] and [3, 2] differ',
    },
    { name: 'bad graph', send: () => client.postForm('/execute_subgraph', { graph: '{"nodes": 3}', t0: tensorPart(good) }), status: 400, says: 'graph: field nodes must be a non-empty array' },
  ];
  const outcomes = await genieResults.check('error_handling', async () => {
    const outcomes = [];
    for (const c of cases) {
      const reply = await c.send();
      const detail = reply.body.toString('utf8');
      if (mock) {
        expect(reply.status, `${c.name}: ${detail}`).toBe(c.status);
        expect(JSON.parse(detail).detail, c.name).toContain(c.says);
      } else {
        expect(reply.status, `${c.name}: ${detail}`).toBeGreaterThanOrEqual(400);
      }
      expect((await client.health()).status, `health after ${c.name}`).toBe('healthy');
      outcomes.push({ case: c.name, status: reply.status });
    }
    const after = await client.execute('relu', makeTensor([2], [-1, 1]));
    expect(Array.from(after.tensor.data)).toEqual([0, 1]);
    return outcomes;
  });
  expect(outcomes).toHaveLength(cases.length);
});

test('routing errors: unknown path, wrong method and a non-multipart body', E2E, async ({ genie }) => {
  test.skip(genie.server.profile !== 'mock', "the real server's routing errors are FastAPI's");
  const call = async (method: 'GET' | 'POST', path: string, body?: string) => {
    const res = await request(`${genie.server.url}${path}`, { method, body, headers: body ? { 'content-type': 'application/json' } : {} });
    return { status: res.statusCode, detail: ((await res.body.json()) as { detail: string }).detail };
  };
  expect(await call('GET', '/v2/execute')).toEqual({ status: 404, detail: 'no route /v2/execute; see GET / for the endpoints' });
  expect(await call('GET', '/execute')).toEqual({ status: 405, detail: '/execute accepts POST only' });
  expect(await call('POST', '/health', '{}')).toEqual({ status: 405, detail: '/health accepts GET only' });
  expect(await call('POST', '/execute', '{"operation":"relu"}')).toEqual({
    status: 415,
    detail: "expected Content-Type multipart/form-data with a boundary, got 'application/json'",
  });
});

test('oversized uploads: 413 with the limit, before and after the body is read', E2E, async ({ genie, genieResults }) => {
  test.skip(genie.server.profile !== 'mock', 'the real Genie server has no tensor size limit');
  const small = await genie.startServer('genie-small', { maxTensorBytes: 4096 });
  const client = small.client;
  const part = async (t: Tensor) => client.tensorPart(t, 'tensor_file');
  await genieResults.check('oversized_tensor', async () => {
    const overTensor = await client.postForm('/execute', { operation: 'relu', tensor_file: await part(seededTensor([1024], 1)) });
    expect(overTensor.status).toBe(413);
    expect(overTensor.body.toString()).toContain("tensor 'tensor_file' is 4224 bytes, over the limit of 4096 bytes");
    // Far past the whole-request cap: refused from Content-Length while the client still uploads.
    const overBody = await client.postForm('/execute', { operation: 'relu', tensor_file: await part(seededTensor([1024 * 1024], 2)) });
    expect(overBody.status).toBe(413);
    expect(overBody.body.toString()).toMatch(/request body of \d+ bytes exceeds the limit of \d+ bytes/);
    // Chunked upload without Content-Length: refused once the streamed bytes pass the cap.
    const chunked = await request(`${small.url}/execute`, {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=b' },
      body: Readable.from(Array.from({ length: 32 }, () => Buffer.alloc(64 * 1024))),
    });
    expect(chunked.statusCode).toBe(413);
    expect(await chunked.body.text()).toMatch(/request body of more than \d+ bytes exceeds the limit/);
    const fits = await client.execute('relu', seededTensor([8, 8], 3));
    expect(fits.tensor.shape).toEqual([8, 8]);
    return 'tensor over --max-tensor-bytes, declared and streamed bodies over the request cap all answered 413; server kept serving';
  });
});

test('large_tensor_handling: tensors up to the configured limit', E2E, async ({ genie, genieResults }) => {
  const client = genie.server.client;
  const limit = genie.config.maxTensorBytes;
  const npyHeader = encodeNpy(makeTensor([1], [0])).length - 4;
  const elementsAtLimit = Math.floor((limit - npyHeader) / 4);
  const sizes = [256, 256 * 1024, elementsAtLimit];
  const transfers = await genieResults.check('large_tensor_handling', async () => {
    const transfers = [];
    for (const n of sizes) {
      const input = seededTensor([n], n);
      const run = await genie.remote({ op: 'relu', input });
      expect(run.comparison.within, `${n} elements: ${run.comparison.reason}`).toBe(true);
      transfers.push({ bytes: run.remote.bytesSent, ms: run.remote.totalMs, mb_per_s: (run.remote.bytesSent + run.remote.bytesReceived) / 1e6 / (run.remote.totalMs / 1e3) });
    }
    return { limit_bytes: limit, transfers };
  });
  expect(transfers.transfers.at(-1)!.bytes).toBeLessThanOrEqual(limit + 1024); // tensor part <= limit plus form headers
  const caps = await readCapabilities(client);
  // Only a server that enforces the configured limit itself (the fixture's mock) must refuse one element more.
  if (caps.maxTensorBytes === limit) {
    const over = await client.postForm('/execute', { operation: 'relu', tensor_file: await client.tensorPart(seededTensor([elementsAtLimit + 1], 1), 'tensor_file') });
    expect(over.status).toBe(413);
  }
});

test('performance_comparison: local CPU vs remote with the network overhead', E2E, async ({ genie, genieResults }) => {
  const sizes = [4 * 1024, 64 * 1024, 1024 * 1024, 4 * 1024 * 1024].filter((b) => b + 1024 <= genie.config.maxTensorBytes);
  const { analysis, comparisons } = await genieResults.check(
    'performance_comparison',
    () => measureOverhead(genie.server.client, 'relu', sizes),
    ({ analysis }) => ({ operation: analysis.operation, break_even_bytes: analysis.breakEvenBytes, sizes: analysis.sizes.length }),
  );
  genieResults.setOverhead(analysis);
  expect(comparisons.every((c) => c.within)).toBe(true);
  expect(analysis.sizes.map((s) => s.bytes)).toEqual(sizes);
  for (const row of analysis.sizes) expect(row.overheadMs).toBeCloseTo(row.remoteMs - row.localMs, 9);
});
