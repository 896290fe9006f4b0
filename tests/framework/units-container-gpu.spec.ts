// A real engine in its published container on one GPU: vllm/vllm-openai (or, with
// STACK_GPU=dynamo and DYNAMO_IMAGE, a Dynamo runtime image) started by the container
// backend, then the cancellation scenario against it. Skips with the first missing thing:
// the GPU, the model, the image name, the engine, or the image on it.

import { test } from 'servewright';
import { imageUnavailable } from '../../fixtures/stack/units/container-units.ts';
import { unitImage } from '../../fixtures/stack/units/unit-image.ts';
import { cancelInSequence } from 'servewright/scenarios';

test.use({ stackUnits: 'container', stackProfile: process.env.STACK_GPU ?? 'vllm', stackOptions: { workers: 1, readyTimeoutMs: 300_000 } });
test.describe.configure({ timeout: 600_000 });
test.beforeAll(async ({ stackUnavailable, profile, resolvedModel }) => {
  test.skip(stackUnavailable !== undefined, stackUnavailable);
  const missing = await imageUnavailable(unitImage(profile, resolvedModel.model).image);
  test.skip(missing !== undefined, missing);
});

test('a real engine in its container on one GPU: client disconnect cancels on the worker', { tag: ['@gpu_1', '@slow', '@framework'] }, async ({ stack, client }) => {
  await cancelInSequence(stack, client, { maxTokens: 4_000, timeoutMs: 240_000 });
});
