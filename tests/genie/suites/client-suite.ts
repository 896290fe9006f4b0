// Client side of the Genie seed against whichever server the spec file's genieConfig starts
// (the mock in client.spec.ts, real torch in torch-server.spec.ts): connectivity, transfer,
// remote execution, chains, errors, large tensors and the local-vs-remote overhead analysis.
import {
  compareTensors, decodeTorchSave, encodeNpy, encodeTorchSave, expect, makeTensor, measureOverhead, probeLatency, readCapabilities,
  runLocally, seededTensor, test, type OpGraph, type RawReply, type Tensor,
} from 'servewright';

const bits = (t: Tensor): number[] => Array.from(new Uint32Array(t.data.buffer, t.data.byteOffset, t.data.length));

/** `tier`: @e2e against the mock; @slow where every test starts a Python + torch server. */
export function clientSuite(tier: '@e2e' | '@slow'): void {
  const E2E = { tag: [tier, '@genie'] };
  test.use({ genieTestType: 'client_side' });

  test('network_connectivity: latency to the server node', E2E, async ({ genie, genieResults }) => {
    const probe = await genieResults.check('network_connectivity', () => probeLatency(genie.server.url, 5));
    expect(probe.samples).toHaveLength(5);
    expect(probe.min_ms).toBeGreaterThan(0);
    expect(probe.min_ms).toBeLessThanOrEqual(probe.avg_ms);
    expect(probe.avg_ms).toBeLessThanOrEqual(probe.max_ms);
  });

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
      makeTensor([], [42.5]),
      makeTensor([0], []),
      makeTensor([2, 3], [1, 3.4028234663852886e38, 1e-45, Infinity, 0.1, 12345.678]),
      makeTensor(...((t) => [t.shape, t.data.map(Math.abs)] as const)(seededTensor([256, 256], 3))),
    ];
    await genieResults.check('http_tensor_transfer', async () => {
      for (const input of inputs) {
        const reply = await client.postForm('/execute', { operation: 'abs', tensor_file: client.tensorPart(input, 'tensor_file') });
        expect(reply.status, reply.body.toString().slice(0, 300)).toBe(200);
        const back = client.wire.decode(reply.body);
        expect(back.shape).toEqual(input.shape);
        expect(bits(back)).toEqual(bits(input));
        if (client.wire.name === 'npy') expect(Buffer.compare(reply.body, Buffer.from(encodeNpy(input)))).toBe(0);
      }
      return `HTTP tensor transfer successful (${client.wire.name} wire), ${inputs.length} tensors incl. 0-d and empty, HTTP code: 200`;
    });
  });

  test('dtype_preservation: a float64 tensor comes back float64, bit for bit', E2E, async ({ genie, genieResults }) => {
    const client = genie.server.client;
    test.skip(client.wire.name !== 'torch', `${genie.server.url} speaks ${client.wire.name}, which carries float32 only`);
    const values = new Float64Array([-2.5, 0, 1e-300, 3.141592653589793, -Infinity, 7]);
    const input = encodeTorchSave({ dtype: 'float64', shape: [2, 3], data: new Uint8Array(values.buffer) });
    await genieResults.check('dtype_preservation', async () => {
      const reply = await client.postForm('/execute', { operation: 'relu', tensor_file: { bytes: input, filename: 'tensor_file.pt', contentType: client.wire.contentType } });
      expect(reply.status, reply.body.toString().slice(0, 300)).toBe(200);
      const back = decodeTorchSave(reply.body, 'relu reply');
      expect({ dtype: back.dtype, shape: back.shape }).toEqual({ dtype: 'float64', shape: [2, 3] });
      expect(Array.from(new Float64Array(back.data.buffer, back.data.byteOffset, 6))).toEqual(Array.from(values, (v) => Math.max(v, 0)));
      // The float32 wire refuses the reply by name instead of casting it.
      expect(() => client.wire.decode(reply.body)).toThrow('a float64 tensor of shape [2, 3], expected float32');
      return 'float64 relu on the server returned float64; the float32 wire refuses it by name';
    });
  });

  test('remote_execution: remote results equal the local reference within tolerance', E2E, async ({ genie, genieResults }) => {
    const caps = await readCapabilities(genie.server.client);
    const x = seededTensor([32, 48], 11);
    const cases = ['relu', 'sigmoid', 'tanh', 'exp', 'neg', ...caps.operations.filter((op) => op === 'softmax')].map((op) => ({ op, input: x }));
    const runs = await genieResults.check('remote_execution', async () => {
      const runs = [];
      for (const c of cases) {
        const run = await genie.remote(c);
        expect(run.comparison.within, `${c.op}: ${run.comparison.reason}`).toBe(true);
        runs.push({ op: c.op, maxAbsDiff: run.comparison.maxAbsDiff, localMs: run.local.ms, remoteMs: run.remote.totalMs, httpMs: run.remote.httpMs });
      }
      return runs;
    });
    expect(runs.map((r) => r.op)).toEqual(cases.map((c) => c.op));
  });

  test('multi_operation_chain: sequential ops, and a graph that runs server-side', E2E, async ({ genie, genieResults }) => {
    const client = genie.server.client;
    const caps = await readCapabilities(client);
    const x = seededTensor([16, 32], 5);
    await genieResults.check('multi_operation_chain', async () => {
      let sequential = x;
      for (const op of ['relu', 'sigmoid', 'tanh']) sequential = (await client.execute(op, sequential)).tensor;
      const expected = ['relu', 'sigmoid', 'tanh'].reduce((t, op) => runLocally({ op, input: t }).tensor, x);
      expect(compareTensors(sequential, expected).within).toBe(true);
      if (!caps.subgraphs) return `sequential /execute chain relu -> sigmoid -> tanh; no server-side graph: ${caps.subgraphSkip}`;

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
      type OpCounts = { ops: Record<string, { count: number }> };
      const before = await client.stats<OpCounts>();
      const run = await genie.remote({ graph, inputs });
      expect(run.comparison.within, run.comparison.reason).toBe(true);
      expect(run.remote.tensor.shape).toEqual([16, 8]);
      expect(run.remote.bytesReceived).toBe(client.wire.encode(run.local.tensor).length);
      const stats = await client.stats<OpCounts>();
      for (const op of ['matmul', 'add', 'softmax']) expect((stats.ops[op]?.count ?? 0) - (before.ops[op]?.count ?? 0), op).toBe(1);
      return { sequential: 'relu -> sigmoid -> tanh', graph: graph.nodes.map((n) => n.op).join(' -> '), maxAbsDiff: run.comparison.maxAbsDiff };
    });
  });

  test('error_handling: each bad request gets the status the server documents, and it keeps serving', E2E, async ({ genie, genieResults }) => {
    const client = genie.server.client;
    const caps = await readCapabilities(client);
    const contract = caps.errors;
    test.skip(!contract, `${caps.identity} at ${genie.server.url} documents no error statuses to assert`);
    const part = (bytes: Uint8Array) => ({ bytes, filename: `t${client.wire.fileExtension}`, contentType: client.wire.contentType });
    const good = client.wire.encode(makeTensor([2, 3], [1, 2, 3, 4, 5, 6]));
    type Case = { name: string; send: () => Promise<RawReply>; status: number; says: string };
    const cases: Case[] = [
      { name: 'unknown operation', send: () => client.postForm('/execute', { operation: 'frobnicate', tensor_file: part(good) }), ...contract!.unknownOperation },
      { name: 'malformed tensor', send: () => client.postForm('/execute', { operation: 'relu', tensor_file: part(Buffer.from('not a tensor')) }), ...contract!.malformedTensor },
      { name: 'missing tensor', send: () => client.postForm('/execute', { operation: 'relu' }), ...contract!.missingTensor },
    ];
    const skipped: string[] = [];
    if (contract!.unsupportedDtype && client.wire.name === 'npy') {
      const float64 = Buffer.from(encodeNpy(makeTensor([2], [0, 0]))); // same byte count as two float64
      float64.set(Buffer.from("'<f8'"), float64.indexOf("'<f4'"));
      cases.push({ name: 'unsupported dtype', send: () => client.postForm('/execute', { operation: 'relu', tensor_file: part(float64) }), ...contract!.unsupportedDtype });
    } else {
      skipped.push(`unsupported dtype: ${caps.identity} (${client.wire.name} wire) has no dtype it refuses`);
    }
    if (caps.subgraphs) {
      const graphCase = (name: string, graph: string, tensors: Record<string, Uint8Array>, status: number, says: string): Case => ({
        name, status, says,
        send: () => client.postForm('/execute_subgraph', { graph, ...Object.fromEntries(Object.entries(tensors).map(([k, v]) => [k, part(v)])) }),
      });
      cases.push(
        graphCase('shape mismatch', JSON.stringify({ nodes: [{ id: 's', op: 'add', inputs: ['t0', 't1'] }], output: 's' }),
          { t0: good, t1: client.wire.encode(makeTensor([3, 2], [1, 2, 3, 4, 5, 6])) }, 422, 'add: shapes [2, 3] and [3, 2] differ'),
        graphCase('bad graph', '{"nodes": 3}', { t0: good }, 400, 'graph: field nodes must be a non-empty array'),
      );
    } else {
      skipped.push(`shape mismatch and bad graph: ${caps.subgraphSkip}`);
    }
    const outcomes = await genieResults.check('error_handling', async () => {
      const outcomes = [];
      for (const c of cases) {
        const reply = await c.send();
        const body = reply.body.toString('utf8');
        expect(reply.status, `${c.name}: ${body}`).toBe(c.status);
        expect(JSON.stringify(JSON.parse(body).detail), c.name).toContain(JSON.stringify(c.says).slice(1, -1));
        expect((await client.health()).status, `health after ${c.name}`).toBe('healthy');
        outcomes.push({ case: c.name, status: reply.status });
      }
      const after = await client.execute('relu', makeTensor([2], [-1, 1]));
      expect(Array.from(after.tensor.data)).toEqual([0, 1]);
      return { server: caps.identity, outcomes, not_expressible: skipped };
    });
    expect(outcomes.outcomes).toHaveLength(cases.length);
  });

  test('large_tensor_handling: tensors up to the configured limit, sized from the actual encoding', E2E, async ({ genie, genieResults }) => {
    const client = genie.server.client;
    const limit = genie.config.maxTensorBytes;
    // The encoded size depends on the shape only, and grows with it.
    const encodedBytes = (n: number) => client.wire.encode(makeTensor([n], new Float32Array(n))).length;
    // The most float32 elements whose encoded tensor file fits the limit, from the wire's own bytes.
    let [lo, hi] = [0, Math.floor(limit / 4)];
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (encodedBytes(mid) <= limit) lo = mid;
      else hi = mid - 1;
    }
    const elementsAtLimit = lo;
    expect(encodedBytes(elementsAtLimit)).toBeLessThanOrEqual(limit);
    expect(encodedBytes(elementsAtLimit + 1), 'one element more no longer fits').toBeGreaterThan(limit);
    const sizes = [256, 256 * 1024, elementsAtLimit];
    const transfers = await genieResults.check('large_tensor_handling', async () => {
      const transfers = [];
      for (const n of sizes) {
        const run = await genie.remote({ op: 'relu', input: seededTensor([n], n) });
        expect(run.comparison.within, `${n} elements: ${run.comparison.reason}`).toBe(true);
        transfers.push({ elements: n, bytes_sent: run.remote.bytesSent, http_ms: run.remote.httpMs, mb_per_s: (run.remote.bytesSent + run.remote.bytesReceived) / 1e6 / (run.remote.httpMs / 1e3) });
      }
      return { limit_bytes: limit, wire: client.wire.name, transfers };
    });
    expect(transfers.transfers.at(-1)!.elements).toBe(elementsAtLimit);
    const caps = await readCapabilities(client);
    // Only a server that enforces the configured limit itself (the fixture's mock) must refuse one element more.
    if (caps.maxTensorBytes === limit) {
      const over = await client.postForm('/execute', { operation: 'relu', tensor_file: client.tensorPart(seededTensor([elementsAtLimit + 1], 1), 'tensor_file') });
      expect(over.status).toBe(413);
    }
  });

  test('performance_comparison: local CPU vs remote, the network overhead and where it goes', E2E, async ({ genie, genieResults, genieMeasure }) => {
    const sizes = genieMeasure.sizes.filter((b) => b + 1024 <= genie.config.maxTensorBytes);
    test.skip(sizes.length === 0, `every size of ${JSON.stringify(genieMeasure.sizes)} exceeds the tensor limit ${genie.config.maxTensorBytes}`);
    const { analysis, comparisons } = await genieResults.check(
      'performance_comparison',
      () => measureOverhead(genie.server.client, 'relu', sizes, genieMeasure.iterations),
      ({ analysis }) => ({ operation: analysis.operation, device: analysis.device, break_even_bytes: analysis.breakEvenBytes, sizes: analysis.sizes.length, iterations: genieMeasure.iterations }),
    );
    genieResults.setOverhead(analysis);
    expect(comparisons).toHaveLength(sizes.length * genieMeasure.iterations);
    expect(comparisons.every((c) => c.within)).toBe(true);
    expect(analysis.sizes.map((s) => s.bytes)).toEqual(sizes);
    expect(analysis.device).toBe((await genie.server.client.health()).device);
    for (const row of analysis.sizes) {
      expect(row.overheadMs).toBeCloseTo(row.remoteMs - row.localMs, 9);
      expect(row.httpMs).toBeGreaterThan(0);
      expect(row.httpMs).toBeLessThanOrEqual(row.remoteMs);
      if (row.serverMs !== null) expect(row.networkOverheadMs).toBeCloseTo(row.remoteMs - row.serverMs, 9);
    }
    expect(analysis.recommendations.length).toBeGreaterThan(0);
  });
}
