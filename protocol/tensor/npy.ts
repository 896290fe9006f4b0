// NumPy .npy v1.0/v2.0 for little-endian float32, C order: the mock's tensor wire format.
// Spec: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
import { elementCount, formatShape, TensorError, type Tensor } from './tensor.ts';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const PREAMBLE_V1 = 10; // magic(6) + version(2) + header length u16(2)
const PREAMBLE_V2 = 12; // header length is u32 from v2.0
const ALIGN = 64;

export const NPY_CONTENT_TYPE = 'application/x-npy';

export function encodeNpy(t: Tensor): Uint8Array {
  const shape = t.shape.length === 1 ? `(${t.shape[0]},)` : `(${t.shape.join(', ')})`;
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shape}, }`;
  const padded = Math.ceil((PREAMBLE_V1 + dict.length + 1) / ALIGN) * ALIGN;
  const headerLen = padded - PREAMBLE_V1;
  if (headerLen > 0xffff) throw new TensorError('shape', `npy header for shape ${formatShape(t.shape)} exceeds 65535 bytes`);
  const out = new Uint8Array(padded + t.data.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, headerLen, true);
  const header = dict.padEnd(headerLen - 1, ' ') + '\n';
  for (let i = 0; i < header.length; i++) out[PREAMBLE_V1 + i] = header.charCodeAt(i);
  out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), padded);
  return out;
}

export function decodeNpy(bytes: Uint8Array, what = 'tensor'): Tensor {
  const fail = (msg: string): never => {
    throw new TensorError('malformed', `${what}: ${msg}`);
  };
  if (bytes.length < PREAMBLE_V1 || !MAGIC.every((b, i) => bytes[i] === b)) fail('not an .npy file (missing \\x93NUMPY magic)');
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let start: number;
  let headerLen: number;
  if (major === 1) {
    start = PREAMBLE_V1;
    headerLen = view.getUint16(8, true);
  } else if (major === 2) {
    if (bytes.length < PREAMBLE_V2) fail('truncated v2 preamble');
    start = PREAMBLE_V2;
    headerLen = view.getUint32(8, true);
  } else {
    return fail(`unsupported .npy version ${major}.${bytes[7]} (expected 1.0 or 2.0)`);
  }
  if (start + headerLen > bytes.length) fail(`header length ${headerLen} runs past the end of ${bytes.length} bytes`);
  const header = new TextDecoder('latin1').decode(bytes.subarray(start, start + headerLen));
  const field = (name: string): string =>
    header.match(new RegExp(`'${name}'\\s*:\\s*('[^']*'|True|False|\\([^)]*\\))`))?.[1] ?? fail(`header has no '${name}' field: ${header.trim()}`);
  const descr = field('descr');
  if (descr !== "'<f4'") fail(`dtype ${descr} is not supported; only little-endian float32 ('<f4')`);
  if (field('fortran_order') !== 'False') fail('fortran_order True is not supported; send C-order data');
  const shape = field('shape')
    .slice(1, -1)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => (/^\d+$/.test(s) ? Number(s) : fail(`shape entry '${s}' is not a non-negative integer`)));
  const dataStart = start + headerLen;
  const expected = elementCount(shape) * 4;
  const actual = bytes.length - dataStart;
  if (actual !== expected) fail(`shape ${formatShape(shape)} needs ${expected} data bytes, got ${actual}`);
  // Copy: the payload offset inside a multipart buffer is rarely 4-byte aligned.
  const data = new Float32Array(elementCount(shape));
  new Uint8Array(data.buffer).set(bytes.subarray(dataStart));
  return { shape, data };
}
