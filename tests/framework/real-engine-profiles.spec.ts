// What the real-engine profiles rely on, on a machine without GPUs or Python engines:
// capability detection, model resolution and the stand-ins' strict CLIs. The profiles
// themselves run in vllm-profile.spec.ts, dynamo-mocker-profile.spec.ts and the
// dynamo-stand-in project (the whole fault-tolerance folder).

import { mkdirSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { test, expect } from 'servewright';
import { detectCapabilities } from '../../fixtures/capabilities/detect.ts';
import { unmetRequirement } from '../../fixtures/capabilities/requirements.ts';
import { resolveModel } from '../../fixtures/models/model-cache.ts';
import { STAND_IN_BIN, standInEnv } from './stand-ins/env.ts';

const tag = ['@e2e', '@framework'];
const MODEL = 'Qwen/Qwen3-0.6B';

test.describe('capability detection', { tag }, () => {
  test('finds the GPU and engines on PATH with their installed versions, and says exactly what is missing otherwise', async () => {
    const found = await detectCapabilities(['vllm', 'dynamo', 'no_such_engine'], { ...process.env, ...standInEnv(['dynamo/0.8', 'vllm/v1']) });
    expect(found.gpus).toMatchObject({ count: 1, names: ['NVIDIA Stand-in GPU, 81559 MiB'] });
    expect(found.python.vllm).toEqual({ ok: true, detail: 'vllm 0.12.0', version: '0.12.0' });
    // `import dynamo` is versioned by the ai-dynamo distribution.
    expect(found.python.dynamo).toEqual({ ok: true, detail: 'ai-dynamo 0.8.0', version: '0.8.0' });
    expect(found.python.no_such_engine).toEqual({ ok: false, detail: "no_such_engine not importable: ModuleNotFoundError: No module named 'no_such_engine'" });

    const bare = await detectCapabilities(['vllm'], { PATH: '/nonexistent' });
    expect(bare.gpus).toEqual({ count: 0, names: [], reason: 'no GPU: nvidia-smi not found' });
    expect(bare.python.vllm).toEqual({ ok: false, detail: 'vllm not importable: python3 not found' });
  });

  test('the first unmet requirement is the skip reason: GPUs, then engines in order', () => {
    const caps = { gpus: { count: 1, names: ['g'], reason: '1 GPU(s): g' }, python: { vllm: { ok: false, detail: 'vllm not importable: X' }, dynamo: { ok: true, detail: 'dynamo 1' } } };
    expect(unmetRequirement(caps, { gpus: 2 })).toBe('needs 2 GPUs, found 1 GPU(s): g');
    expect(unmetRequirement(caps, { gpus: 1, python: ['dynamo', 'vllm'] })).toBe('vllm not importable: X');
    expect(unmetRequirement(caps, { python: ['sglang'] })).toBe('sglang was not probed (add it to the capability detection)');
    expect(unmetRequirement(caps, { gpus: 1, python: ['dynamo'] })).toBeUndefined();
    expect(unmetRequirement({ ...caps, gpus: { count: 0, names: [], reason: 'no GPU: nvidia-smi not found' } }, { gpus: 1 })).toBe('no GPU: nvidia-smi not found');
  });
});

test.describe('model cache', { tag }, () => {
  test('resolves from MODELS_DIR, then the Hugging Face cache, and names where it looked', async ({}, testInfo) => {
    const modelsDir = testInfo.outputPath('models');
    const hfHome = testInfo.outputPath('hf');
    const env = { MODELS_DIR: modelsDir, HF_HOME: hfHome };
    const missing = await resolveModel(MODEL, env);
    expect(missing).toEqual({ ok: false, reason: `model ${MODEL} not available offline (looked in ${join(modelsDir, MODEL)}, ${join(hfHome, 'hub')}); pre-fill MODELS_DIR or set MODEL_FETCH_CMD` });

    const snapshot = join(hfHome, 'hub', 'models--Qwen--Qwen3-0.6B', 'snapshots', 'abc123');
    mkdirSync(snapshot, { recursive: true });
    writeFileSync(join(snapshot, 'config.json'), '{}');
    expect(await resolveModel(MODEL, env)).toEqual({
      ok: true,
      model: { name: MODEL, path: MODEL, source: 'hf-cache', env: { HF_HUB_OFFLINE: '1', TRANSFORMERS_OFFLINE: '1', HF_HOME: hfHome } },
    });

    mkdirSync(join(modelsDir, MODEL), { recursive: true });
    writeFileSync(join(modelsDir, MODEL, 'config.json'), '{}');
    const local = await resolveModel(MODEL, env);
    expect(local.ok && local.model).toMatchObject({ path: join(modelsDir, MODEL), source: 'models-dir' });
  });

  test('MODEL_FETCH_CMD runs once under the lock when workers resolve at the same time', async ({}, testInfo) => {
    const modelsDir = testInfo.outputPath('models');
    const counter = testInfo.outputPath('fetches');
    const fetch = `sleep 0.3; echo fetched >> ${counter}; mkdir -p ${modelsDir}/{model} && echo '{}' > ${modelsDir}/{model}/config.json`;
    const env = { MODELS_DIR: modelsDir, HF_HOME: testInfo.outputPath('hf'), MODEL_FETCH_CMD: fetch, PATH: process.env.PATH };
    const name = `org/model-${testInfo.testId}`;
    const results = await Promise.all([resolveModel(name, env), resolveModel(name, env), resolveModel(name, env)]);
    expect(results.map((r) => r.ok && r.model.path)).toEqual(Array(3).fill(join(modelsDir, name)));
    expect(results.filter((r) => r.ok && r.model.source === 'fetched')).toHaveLength(1);
    expect(readFileSync(counter, 'utf8').trim().split('\n')).toEqual(['fetched']);

    const failing = await resolveModel('org/absent', { ...env, MODEL_FETCH_CMD: 'echo no network >&2; exit 3' });
    expect(failing).toEqual({ ok: false, reason: 'MODEL_FETCH_CMD failed for org/absent (exit 3): no network' });
  });
});

test.describe('stand-in engines', { tag }, () => {
  test('refuse a flag the real CLI would refuse, naming it, with the real exit status', async () => {
    const env = { ...process.env, ...standInEnv(['dynamo/newest']) };
    const worker = await execa(join(STAND_IN_BIN, 'python3'), ['-m', 'dynamo.vllm', '--model', MODEL, '--migration-limit', '3'], { reject: false, env });
    expect(worker.exitCode).toBe(2);
    expect(worker.stderr).toContain('python3 -m dynamo.vllm: error: unrecognized arguments: --migration-limit 3');
    const frontend = await execa(join(STAND_IN_BIN, 'python3'), ['-m', 'dynamo.frontend', '--bogus'], { reject: false, env });
    expect(frontend.exitCode).toBe(1);
    expect(frontend.stderr).toContain("Unknown arguments specified: ['--bogus']");
    const router = await execa(join(STAND_IN_BIN, 'python3'), ['-m', 'dynamo.frontend', '--router-mode', 'least-loaded', '--http-port', '1'], { reject: false, env: { ...process.env, ...standInEnv(['dynamo/0.8']) } });
    expect(router.exitCode).toBe(2);
    expect(router.stderr).toContain("argument --router-mode: invalid choice: 'least-loaded'");
    expect(existsSync(join(STAND_IN_BIN, 'vllm'))).toBe(true);
  });
});
