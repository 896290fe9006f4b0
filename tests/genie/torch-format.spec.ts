// The native torch.save codec against real torch: files torch writes decode bit for bit,
// files we write load in torch.load(weights_only=True) bit for bit, for every dtype and for
// 0-d, empty and strided tensors. The torch side runs once, in one Python process.
import { execa } from 'execa';
import { fileURLToPath } from 'node:url';
import {
  decodeTorchSave, encodeTorchSave, expect, findTorchPython, readZip, test, TORCH_DTYPES, writeTorchZip,
  type TorchDType, type TorchTensor,
} from '../../fixtures/index.ts';

const TAGS = { tag: ['@e2e', '@genie'] };
const SCRIPT = fileURLToPath(new URL('./helpers/torch_crosscheck.py', import.meta.url));
const SHAPES: number[][] = [[], [0], [2, 0, 3], [1], [5], [2, 3], [3, 4, 5]];
const DTYPES = Object.keys(TORCH_DTYPES) as TorchDType[];

/** Deterministic element bytes: every bit pattern for numbers (NaN payloads included), 0/1 for bool. */
function sample(dtype: TorchDType, shape: number[], seed: number): TorchTensor {
  const n = shape.reduce((a, d) => a * d, 1) * TORCH_DTYPES[dtype].itemsize;
  const data = new Uint8Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    data[i] = dtype === 'bool' ? (s >>> 16) & 1 : s >>> 24;
  }
  return { dtype, shape, data };
}

const cases = DTYPES.flatMap((dtype, d) => SHAPES.map((shape, s) => sample(dtype, shape, d * 100 + s + 1)));
const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
const bytes = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));
const label = (t: TorchTensor) => `${t.dtype}[${t.shape.join(',')}]`;

interface TorchSide {
  torch_version: string;
  results: {
    torch: string; torch_p4: string; requires_grad?: string;
    view?: { torch: string; shape: number[]; raw: string };
    loaded?: { dtype: string; shape: number[]; raw: string; device: string };
    load_error?: string;
  }[];
}

let torchSide: Promise<TorchSide | string> | undefined;
/** torch's answers for every case, or why there is no torch to ask. */
function askTorch(): Promise<TorchSide | string> {
  torchSide ??= (async () => {
    const found = await findTorchPython();
    if (found.python === undefined) return found.reason;
    const input = JSON.stringify({ cases: cases.map((t) => ({ dtype: t.dtype, shape: t.shape, raw: b64(t.data), ts: b64(encodeTorchSave(t)) })) });
    const r = await execa(found.python, [SCRIPT], { input, timeout: 120_000, maxBuffer: 64 << 20 });
    return JSON.parse(r.stdout) as TorchSide;
  })();
  return torchSide;
}

async function torchOrSkip(): Promise<TorchSide> {
  const side = await askTorch();
  test.skip(typeof side === 'string', typeof side === 'string' ? side : '');
  return side as TorchSide;
}

test.describe('torch.save codec against real torch', () => {
  test('decodes what torch.save writes, bit for bit, keeping the dtype', TAGS, async () => {
    const side = await torchOrSkip();
    test.info().annotations.push({ type: 'torch', description: side.torch_version });
    cases.forEach((t, i) => {
      const r = side.results[i]!;
      for (const [what, file] of [['protocol 2', r.torch], ['protocol 4', r.torch_p4], ['requires_grad', r.requires_grad]] as const) {
        if (!file) continue;
        const back = decodeTorchSave(bytes(file), `${label(t)} ${what}`);
        expect({ dtype: back.dtype, shape: back.shape, device: back.device }, `${label(t)} ${what}`).toEqual({ dtype: t.dtype, shape: t.shape, device: 'cpu' });
        expect(Buffer.compare(back.data, t.data), `${label(t)} ${what}: data bytes`).toBe(0);
      }
      if (r.view) {
        const view = decodeTorchSave(bytes(r.view.torch), `${label(t)} strided view`);
        expect(view.shape).toEqual(r.view.shape);
        expect(Buffer.compare(view.data, bytes(r.view.raw)), `${label(t)} strided view: data bytes`).toBe(0);
      }
    });
    expect(side.results.filter((r) => r.view).length, 'strided views exercised').toBeGreaterThanOrEqual(DTYPES.length * 3);
  });

  test('torch.load(weights_only=True) reads what we write, bit for bit', TAGS, async () => {
    const side = await torchOrSkip();
    cases.forEach((t, i) => {
      const r = side.results[i]!;
      expect(r.load_error, label(t)).toBeUndefined();
      expect({ dtype: r.loaded!.dtype, shape: r.loaded!.shape, device: r.loaded!.device }, label(t)).toEqual({ dtype: t.dtype, shape: t.shape, device: 'cpu' });
      expect(r.loaded!.raw, `${label(t)}: data bytes`).toBe(b64(t.data));
    });
  });

  test('writes the pickle and the zip container byte for byte as torch does', TAGS, async () => {
    const side = await torchOrSkip();
    cases.forEach((t, i) => {
      const theirs = bytes(side.results[i]!.torch);
      const theirRecords = readZip(theirs, `torch's ${label(t)}`);
      const ours = readZip(encodeTorchSave(t), `our ${label(t)}`);
      expect(Buffer.compare(ours.get('archive/data.pkl')!, theirRecords.get('archive/data.pkl')!), `${label(t)}: data.pkl`).toBe(0);
      // Our zip writer fed torch's own records in torch's order reproduces torch's file exactly.
      const rewritten = writeTorchZip([...theirRecords].map(([name, data]) => ({ name, data })));
      expect(Buffer.compare(rewritten, theirs), `${label(t)}: zip bytes`).toBe(0);
    });
  });
});
