// The .npy wire format and reference op semantics, without a server.
import {
  analyzeOverhead, applyOp, compareTensors, decodeNpy, encodeNpy, expect, makeTensor, parseGraph, runGraph, test, type OverheadSample,
} from 'servewright';

const TAGS = { tag: ['@e2e', '@genie'] };

test.describe('npy encoding', () => {
  test('writes a numpy v1.0 header padded to 64 bytes and round-trips the data', TAGS, () => {
    const t = makeTensor([2, 3], [1, -2, 3.5, 0, Infinity, 1e-40]);
    const bytes = encodeNpy(t);
    const header = Buffer.from(bytes.subarray(10, 128)).toString('latin1');
    expect(Array.from(bytes.subarray(0, 8))).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    expect(header.trimEnd()).toBe("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }");
    expect(header.endsWith('\n')).toBe(true);
    expect(bytes.length).toBe(128 + 6 * 4);
    const back = decodeNpy(bytes);
    expect(back.shape).toEqual([2, 3]);
    expect(Array.from(back.data)).toEqual(Array.from(t.data));
  });

  test('encodes 1-d and 0-d shapes the way numpy writes them', TAGS, () => {
    expect(Buffer.from(encodeNpy(makeTensor([4], [1, 2, 3, 4]))).toString('latin1')).toContain("'shape': (4,), }");
    const scalar = encodeNpy(makeTensor([], [7]));
    expect(Buffer.from(scalar).toString('latin1')).toContain("'shape': (), }");
    expect(decodeNpy(scalar)).toEqual({ shape: [], data: Float32Array.of(7) });
  });

  test('rejects malformed files with the reason', TAGS, () => {
    const good = encodeNpy(makeTensor([2], [1, 2]));
    const withHeader = (from: string, to: string): Uint8Array => {
      const copy = Uint8Array.from(good);
      copy.set(Buffer.from(Buffer.from(good).toString('latin1').replace(from, to), 'latin1').subarray(0, 128));
      return copy;
    };
    expect(() => decodeNpy(Buffer.from('hello world'), 'upload')).toThrow("upload: not an .npy file (missing \\x93NUMPY magic)");
    expect(() => decodeNpy(withHeader("'<f4'", "'<f8'"))).toThrow("dtype '<f8' is not supported");
    expect(() => decodeNpy(withHeader("'fortran_order': False", "'fortran_order': True "))).toThrow('fortran_order True is not supported');
    expect(() => decodeNpy(good.subarray(0, good.length - 1))).toThrow('shape [2] needs 8 data bytes, got 7');
  });
});

test.describe('reference ops', () => {
  test('compute known values', TAGS, () => {
    const x = makeTensor([2, 2], [-1, 2, 3, -4]);
    expect(Array.from(applyOp('relu', [x]).data)).toEqual([0, 2, 3, 0]);
    expect(Array.from(applyOp('matmul', [x, makeTensor([2, 1], [1, 1])]).data)).toEqual([1, -1]);
    expect(applyOp('sum', [x])).toEqual({ shape: [], data: Float32Array.of(0) });
    expect(applyOp('max', [x]).data[0]).toBe(3);
    expect(applyOp('mean', [x]).data[0]).toBe(0);
    const soft = applyOp('softmax', [makeTensor([2, 2], [0, 0, 0, Math.log(3)])]);
    [0.5, 0.5, 0.25, 0.75].forEach((p, i) => expect(soft.data[i]).toBeCloseTo(p, 6));
  });

  test('reject unknown ops, wrong arity and mismatched shapes', TAGS, () => {
    const a = makeTensor([2, 3], [1, 2, 3, 4, 5, 6]);
    expect(() => applyOp('conv9d', [a])).toThrow("unknown operation 'conv9d'");
    expect(() => applyOp('add', [a])).toThrow('add takes 2 input tensor(s), got 1');
    expect(() => applyOp('add', [a, makeTensor([3], [1, 2, 3])])).toThrow('add: shapes [2, 3] and [3] differ');
    expect(() => applyOp('matmul', [a, a])).toThrow('matmul: needs [m, k] x [k, n], got [2, 3] x [2, 3]');
  });
});

test.describe('op graphs', () => {
  test('evaluate nodes in order over the input tensors', TAGS, () => {
    const graph = parseGraph(
      JSON.stringify({ nodes: [{ id: 'p', op: 'mul', inputs: ['t0', 't1'] }, { id: 'r', op: 'relu', inputs: ['p'] }, { id: 's', op: 'sum', inputs: ['r'] }], output: 's' }),
      2,
    );
    expect(runGraph(graph, [makeTensor([3], [1, -2, 3]), makeTensor([3], [2, 2, 2])]).data[0]).toBe(8);
  });

  test('name the broken field of an invalid graph', TAGS, () => {
    const parse = (g: unknown) => () => parseGraph(JSON.stringify(g), 1);
    expect(() => parseGraph('{nodes', 1)).toThrow('graph: not valid JSON');
    expect(parse({ nodes: [], output: 'x' })).toThrow('graph: field nodes must be a non-empty array');
    expect(parse({ nodes: [{ id: 'a', op: 'relu', inputs: ['t1'] }], output: 'a' })).toThrow("nodes[0].inputs[0] 't1' is neither an input tensor nor an earlier node");
    expect(parse({ nodes: [{ id: 't0', op: 'relu', inputs: ['t0'] }], output: 't0' })).toThrow("nodes[0].id 't0' is already defined");
    expect(parse({ nodes: [{ id: 'a', op: 'relu', inputs: ['t0'] }], output: 'b' })).toThrow('output must name a node id, got "b"');
  });
});

test.describe('overhead analysis', () => {
  /** A sample whose remote time is all HTTP unless the parts are given. */
  const sample = (bytes: number, localMs: number, remoteMs: number, more: Partial<OverheadSample> = {}): OverheadSample => ({
    bytes, localMs, remoteMs, encodeMs: 0, httpMs: remoteMs, decodeMs: 0, serverMs: null, wireBytes: 2 * bytes, ...more,
  });

  test('computes overhead per size and an interpolated break-even that later sizes keep', TAGS, () => {
    const a = analyzeOverhead('relu', 'cpu', [
      sample(4096, 1, 5),
      sample(1024, 2, 1), // a noisy early win, lost again at 4096
      sample(16384, 10, 6),
      sample(65536, 40, 10),
    ]);
    expect(a.sizes.map((s) => s.bytes)).toEqual([1024, 4096, 16384, 65536]);
    expect(a.sizes[1]).toMatchObject({ overheadMs: 4, overheadPct: 400, networkOverheadMs: null, networkOverheadPctOfServer: null });
    expect(a.breakEvenBytes).toBe(4096 + Math.round((4 / 8) * (16384 - 4096)));
    expect(a.recommendations[0]).toBe('Offload relu to cpu from about 10 KiB up; below that the local CPU is faster.');
    expect(analyzeOverhead('relu', 'cpu', [sample(1, 0, 3)])).toMatchObject({ breakEvenBytes: null, sizes: [{ overheadPct: null }] });
  });

  test("measures network overhead against the server's compute time as the seed does", TAGS, () => {
    // The seed's example: server GPU 19.2 ms, client remote 105.3 ms, local CPU 1.5 ms.
    const a = analyzeOverhead('relu', 'cuda:0', [sample(4_000_000, 1.5, 105.3, { serverMs: 19.2, encodeMs: 30, httpMs: 60.3, decodeMs: 15 })]);
    const row = a.sizes[0]!;
    expect(row.networkOverheadMs).toBeCloseTo(86.1, 9);
    expect(row.networkOverheadPctOfServer).toBeCloseTo(448.4375, 6);
    expect(row.overheadPct).toBeCloseTo(6920, 6);
    expect(row.throughputMBps).toBeCloseTo(8 / 0.0603, 6);
    expect(a.recommendations).toEqual([
      'Remote relu on cuda:0 never beat the local CPU up to 3.8 MiB: run relu locally at these sizes.',
      expect.stringContaining('a fixed per-request cost dominates'),
      'Serialization is 43% of the remote time at 3.8 MiB (45.0 ms): a cheaper tensor encoding pays off here.',
      expect.stringContaining('Transfer and serialization add 86.1 ms to 19.2 ms of server compute at 3.8 MiB (448% of it)'),
    ]);
    const silent = analyzeOverhead('relu', 'cpu', [sample(1024, 1, 2)]);
    expect(silent.recommendations).toContain('The server reports no compute time (no x-genie-compute-ms header): network overhead against server time cannot be separated.');
  });
});

test.describe('tensor comparison', () => {
  test('uses allclose tolerance and reports the first offending element', TAGS, () => {
    const expected = makeTensor([3], [1, 100, NaN]);
    expect(compareTensors(makeTensor([3], [1.000001, 100.001, NaN]), expected).within).toBe(true);
    expect(compareTensors(makeTensor([3], [1, 101, NaN]), expected)).toMatchObject({ within: false, maxAbsDiff: 1, reason: 'element 1: 101 vs expected 100 (atol 0.00001, rtol 0.0001)' });
    expect(compareTensors(makeTensor([1, 3], [1, 100, NaN]), expected).reason).toBe('shape [1, 3] != expected [3]');
  });
});
