// What the container runtime is asked to create for each profile's units, checked on the
// create request itself (a fake Docker API; no engine, no GPU needed): image, entrypoint and
// command line, host network, GPU device request, read-only model and checkout mounts, the
// spec's environment only, and the run/owner labels that let the next run remove leftovers.

import { join } from 'node:path';
import { mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { test, expect } from 'servewright';
import { REPO_ROOT } from '../../fixtures/state-dir.ts';
import { LABEL_OWNER, LABEL_RUN_ID } from '../../fixtures/services/container-labels.ts';
import { unitImageUnavailable } from '../../fixtures/stack/units/unit-image.ts';
import { newestProfile } from '../../fixtures/stack/profiles/index.ts';
import { envWithout, tsxChild } from './helpers/tsx-child.ts';
import { fakeDocker } from './units-fake-docker.ts';

const tags = { tag: ['@e2e', '@framework'] };

// Builds the profile's worker spec as StartedStack does (model env merged) and asks the
// runtime to start it in a container; the fake engine refuses the start.
const CHILD = (profile: string, model: string, logDir: string) => `
import { containerRuntimeClient } from './fixtures/services/container-runtime.ts';
import { ContainerUnit } from './fixtures/stack/units/container-unit.ts';
import { unitImage } from './fixtures/stack/units/unit-image.ts';
import { newestProfile } from './fixtures/stack/profiles/index.ts';
import { BUILD_DIR } from './fixtures/state-dir.ts';
const profile = newestProfile(${JSON.stringify(profile)});
const model = ${model};
const ctx = { services: { natsUrl: 'nats://127.0.0.1:4222', etcdEndpoints: ['http://127.0.0.1:2379'] }, namespace: 'sw-test', port: 18001, buildDir: BUILD_DIR, model, ports: { nixlSideChannel: 18002, kvEvents: 18003 }, requestPlane: undefined };
const spec = profile.worker(ctx, { id: 'worker-0' });
const started = await ContainerUnit.start(await containerRuntimeClient(), { name: 'worker-0', ...spec, env: { ...model?.env, ...spec.env } }, ${JSON.stringify(logDir)}, unitImage(profile, model))
  .catch((err) => err);
console.log(started instanceof Error ? 'start refused: ' + started.message.split('\\n')[0] : 'started?');
`;

async function createRequest(outputDir: string, profile: string, model: string, env: Record<string, string> = {}) {
  // Unix socket paths are short (108 bytes): not under the test's output dir.
  const socket = join(mkdtempSync(join(tmpdir(), 'sw-docker-')), 'docker.sock');
  const engine = await fakeDocker(socket);
  try {
    const child = await tsxChild(CHILD(profile, model, join(outputDir, 'logs')), {
      ...envWithout('DOCKER_HOST', 'STACK_IMAGE', 'VLLM_IMAGE', 'DYNAMO_IMAGE'),
      DOCKER_HOST: `unix://${socket}`,
      TESTCONTAINERS_RYUK_DISABLED: 'true',
      ...env,
    });
    expect(child.all).toContain('start refused: worker-0 (container, ');
    expect(engine.created).toHaveLength(1);
    return engine.created[0]!;
  } finally {
    await engine.close();
  }
}

function expectOwnLabels(labels: Record<string, string> | undefined): void {
  expect(labels).toMatchObject({ [LABEL_RUN_ID]: expect.any(String), [LABEL_OWNER]: expect.stringMatching(/^.+\/\d+-\d+$/), 'servewright.unit': 'worker-0' });
}

const HF_MODEL = `{ name: 'Qwen/Qwen3-0.6B', path: 'Qwen/Qwen3-0.6B', env: { HF_HUB_OFFLINE: '1', TRANSFORMERS_OFFLINE: '1', HF_HOME: '/srv/hf' }, source: 'hf-cache' }`;
const DIR_MODEL = `{ name: 'Qwen/Qwen3-0.6B', path: '/srv/models/Qwen/Qwen3-0.6B', env: { HF_HUB_OFFLINE: '1', TRANSFORMERS_OFFLINE: '1', HF_HOME: '/srv/hf' }, source: 'models-dir' }`;

test('vllm: the published image, vllm serve on the host network, one GPU, the HF cache read-only', tags, async ({}, testInfo) => {
  const create = await createRequest(testInfo.outputDir, 'vllm', HF_MODEL);
  expect(create.Image).toBe('vllm/vllm-openai:latest');
  expect(create.Entrypoint).toEqual(['vllm']);
  expect(create.Cmd?.slice(0, 2)).toEqual(['serve', 'Qwen/Qwen3-0.6B']);
  expect(create.Cmd).toEqual(expect.arrayContaining(['--port', '18001']));
  expect(create.HostConfig?.NetworkMode).toBe('host');
  expect(create.HostConfig?.DeviceRequests).toEqual([{ Driver: 'nvidia', Count: 1, Capabilities: [['gpu']] }]);
  expect(create.HostConfig?.Binds).toEqual(['/srv/hf:/srv/hf:ro']);
  expect(create.Env).toEqual(expect.arrayContaining(['HF_HUB_OFFLINE=1', 'HF_HOME=/srv/hf']));
  // The spec's environment only: nothing of the runner's leaks in.
  expect(create.Env?.some((e) => e.startsWith('PATH=') || e.startsWith('HOME='))).toBe(false);
  expectOwnLabels(create.Labels);
});

test('vllm: VLLM_IMAGE picks the tag', tags, async ({}, testInfo) => {
  const create = await createRequest(testInfo.outputDir, 'vllm', HF_MODEL, { VLLM_IMAGE: 'vllm/vllm-openai:v0.11.0' });
  expect(create.Image).toBe('vllm/vllm-openai:v0.11.0');
});

test('dynamo: the runtime image named by DYNAMO_IMAGE, python3 -m dynamo.vllm, one GPU, the model directory read-only', tags, async ({}, testInfo) => {
  const create = await createRequest(testInfo.outputDir, 'dynamo', DIR_MODEL, { DYNAMO_IMAGE: 'nvcr.io/nvidia/ai-dynamo/vllm-runtime:test' });
  expect(create.Image).toBe('nvcr.io/nvidia/ai-dynamo/vllm-runtime:test');
  expect(create.Entrypoint).toEqual(['python3']);
  expect(create.Cmd?.slice(0, 2)).toEqual(['-m', 'dynamo.vllm']);
  expect(create.Cmd).toEqual(expect.arrayContaining(['/srv/models/Qwen/Qwen3-0.6B']));
  expect(create.HostConfig?.DeviceRequests).toEqual([{ Driver: 'nvidia', Count: 1, Capabilities: [['gpu']] }]);
  expect(create.HostConfig?.Binds).toEqual(['/srv/models/Qwen/Qwen3-0.6B:/srv/models/Qwen/Qwen3-0.6B:ro']);
  expectOwnLabels(create.Labels);
});

test('dynamo without DYNAMO_IMAGE cannot run in containers, and says what to set', tags, () => {
  expect(unitImageUnavailable(newestProfile('dynamo'), {})).toBe(
    'profile dynamo in containers needs DYNAMO_IMAGE, a Dynamo runtime image (e.g. nvcr.io/nvidia/ai-dynamo/vllm-runtime:<tag>)',
  );
  expect(unitImageUnavailable(newestProfile('vllm'), {})).toBeUndefined();
});

test('reference: this machine\'s node image, no GPU, the checkout and node_modules read-only at their host paths', tags, async ({}, testInfo) => {
  const create = await createRequest(testInfo.outputDir, 'reference', 'undefined');
  const root = realpathSync(REPO_ROOT);
  expect(create.Image).toBe('servewright/node:local');
  expect(create.Entrypoint).toEqual([process.execPath]);
  expect(create.Cmd?.[0]).toBe(join(REPO_ROOT, '.servewright/build/worker.mjs'));
  expect(create.HostConfig?.DeviceRequests).toBeUndefined();
  expect(create.HostConfig?.Binds).toEqual(expect.arrayContaining([`${root}:${root}:ro`]));
  expect(create.HostConfig?.Binds?.every((b) => b.endsWith(':ro'))).toBe(true);
  expectOwnLabels(create.Labels);
});
