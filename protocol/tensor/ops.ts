// Reference semantics of every Genie op. The mock server executes these and the test
// client uses the same functions as its local (CPU) reference, so a remote result that
// differs from a local one points at transport, encoding or server dispatch.
import { elementCount, formatShape, TensorError, type Tensor } from './tensor.ts';

export interface OpDefinition {
  arity: 1 | 2;
  apply(inputs: Tensor[]): Tensor;
}

const unary = (f: (x: number) => number): OpDefinition => ({
  arity: 1,
  apply: ([a]) => ({ shape: [...a!.shape], data: a!.data.map(f) }),
});

const binary = (name: string, f: (x: number, y: number) => number): OpDefinition => ({
  arity: 2,
  apply: ([a, b]) => {
    if (formatShape(a!.shape) !== formatShape(b!.shape)) {
      throw new TensorError('shape', `${name}: shapes ${formatShape(a!.shape)} and ${formatShape(b!.shape)} differ`);
    }
    return { shape: [...a!.shape], data: a!.data.map((x, i) => f(x, b!.data[i]!)) };
  },
});

const reduce = (name: string, init: number, f: (acc: number, x: number) => number, finish = (acc: number, _n: number) => acc): OpDefinition => ({
  arity: 1,
  apply: ([a]) => {
    if (a!.data.length === 0) throw new TensorError('shape', `${name}: cannot reduce an empty tensor`);
    let acc = init;
    for (const x of a!.data) acc = f(acc, x);
    return { shape: [], data: Float32Array.of(finish(acc, a!.data.length)) };
  },
});

function matmul([a, b]: Tensor[]): Tensor {
  if (a!.shape.length !== 2 || b!.shape.length !== 2 || a!.shape[1] !== b!.shape[0]) {
    throw new TensorError('shape', `matmul: needs [m, k] x [k, n], got ${formatShape(a!.shape)} x ${formatShape(b!.shape)}`);
  }
  const [m, k] = a!.shape as [number, number];
  const n = b!.shape[1]!;
  const out = new Float32Array(m * n);
  // i-p-j loop order walks both operands row-wise (cache friendly without a transpose).
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) {
      const av = a!.data[i * k + p]!;
      const bRow = p * n;
      const oRow = i * n;
      for (let j = 0; j < n; j++) out[oRow + j]! += av * b!.data[bRow + j]!;
    }
  }
  return { shape: [m, n], data: out };
}

/** Softmax over the last axis, max-subtracted for numerical stability. */
function softmax([a]: Tensor[]): Tensor {
  if (a!.shape.length === 0) throw new TensorError('shape', 'softmax: needs at least one dimension');
  const width = a!.shape[a!.shape.length - 1]!;
  const out = new Float32Array(a!.data.length);
  for (let row = 0; row < elementCount(a!.shape.slice(0, -1)) && width > 0; row++) {
    const off = row * width;
    let max = -Infinity;
    for (let j = 0; j < width; j++) max = Math.max(max, a!.data[off + j]!);
    let sum = 0;
    for (let j = 0; j < width; j++) sum += out[off + j] = Math.exp(a!.data[off + j]! - max);
    for (let j = 0; j < width; j++) out[off + j]! /= sum;
  }
  return { shape: [...a!.shape], data: out };
}

export const OPS: Readonly<Record<string, OpDefinition>> = {
  identity: unary((x) => x),
  relu: unary((x) => (x > 0 ? x : 0)),
  sigmoid: unary((x) => 1 / (1 + Math.exp(-x))),
  tanh: unary(Math.tanh),
  abs: unary(Math.abs),
  neg: unary((x) => -x),
  exp: unary(Math.exp),
  log: unary(Math.log),
  sqrt: unary(Math.sqrt),
  add: binary('add', (x, y) => x + y),
  sub: binary('sub', (x, y) => x - y),
  mul: binary('mul', (x, y) => x * y),
  div: binary('div', (x, y) => x / y),
  matmul: { arity: 2, apply: matmul },
  softmax: { arity: 1, apply: softmax },
  sum: reduce('sum', 0, (acc, x) => acc + x),
  mean: reduce('mean', 0, (acc, x) => acc + x, (acc, n) => acc / n),
  max: reduce('max', -Infinity, Math.max),
  min: reduce('min', Infinity, Math.min),
};

export function lookupOp(name: string): OpDefinition {
  const op = Object.hasOwn(OPS, name) ? OPS[name] : undefined;
  if (!op) throw new TensorError('unknown-op', `unknown operation '${name}'; supported: ${Object.keys(OPS).join(', ')}`);
  return op;
}

export function applyOp(name: string, inputs: Tensor[]): Tensor {
  const op = lookupOp(name);
  if (inputs.length !== op.arity) {
    throw new TensorError('shape', `${name} takes ${op.arity} input tensor(s), got ${inputs.length}`);
  }
  return op.apply(inputs);
}
