// Dense float32 tensors in C (row-major) order: the only dtype the Genie mock speaks.

export interface Tensor {
  shape: number[];
  data: Float32Array;
}

/** Why a tensor request was rejected; servers map the kind to an HTTP status. */
export type TensorErrorKind = 'malformed' | 'shape' | 'unknown-op' | 'bad-graph';

export class TensorError extends Error {
  constructor(
    readonly kind: TensorErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'TensorError';
  }
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((n, d) => n * d, 1);
}

export function makeTensor(shape: number[], data: Float32Array | number[]): Tensor {
  const values = data instanceof Float32Array ? data : Float32Array.from(data);
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new TensorError('shape', `invalid dimension ${d} in shape [${shape.join(', ')}]`);
  }
  if (elementCount(shape) !== values.length) {
    throw new TensorError('shape', `shape [${shape.join(', ')}] needs ${elementCount(shape)} values, got ${values.length}`);
  }
  return { shape, data: values };
}

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** Deterministic pseudo-random tensor (mulberry32), values in [-1, 1). */
export function seededTensor(shape: number[], seed: number): Tensor {
  let state = seed >>> 0;
  const data = new Float32Array(elementCount(shape));
  for (let i = 0; i < data.length; i++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    data[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  }
  return { shape, data };
}
