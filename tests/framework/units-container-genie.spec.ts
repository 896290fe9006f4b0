// Genie servers as container units (STACK_UNITS=container): the mock and non-Python GENIE_CMD
// templates in the node image, a Python GENIE_CMD (torch_server.py) in the host-Python torch
// image with the host directories its label names mounted read-only. The engine tests run in
// the container suite (private dockerd) and skip with the reason elsewhere.

import { fileURLToPath } from 'node:url';
import { expect, findTorchPython, test } from 'servewright';
import { containerRuntimeClient, probeContainerRuntime } from '../../fixtures/services/container-runtime.ts';
import { imageUnavailable } from '../../fixtures/stack/units/container-units.ts';
import { ContainerUnit } from '../../fixtures/stack/units/container-unit.ts';
import { DEFAULT_GENIE_IMAGE, DEFAULT_STACK_IMAGE, genieUnitImage, hostMounts } from '../../fixtures/stack/units/unit-image.ts';

const tags = { tag: ['@e2e', '@framework', '@genie'] };
test.use({ stackUnits: 'container' });

const SERVER = fileURLToPath(new URL('../../stack/genie/torch_server.py', import.meta.url));

test('which image a Genie server runs in', tags, () => {
  expect(genieUnitImage('mock', undefined, {}).image).toBe(DEFAULT_STACK_IMAGE);
  expect(genieUnitImage('real', `/usr/bin/python3 ${SERVER} --port {port}`, {}).image).toBe(DEFAULT_GENIE_IMAGE);
  expect(genieUnitImage('real', '/usr/bin/node genie.mjs --port {port}', {}).image).toBe(DEFAULT_STACK_IMAGE);
  expect(genieUnitImage('real', 'python3 x.py', { GENIE_IMAGE: 'genie:gpu' }).image).toBe('genie:gpu');
  // GENIE_IMAGE is for GENIE_CMD servers; the mock is the stack's own bundle.
  expect(genieUnitImage('mock', undefined, { GENIE_IMAGE: 'genie:gpu', STACK_IMAGE: 'stack:1' }).image).toBe('stack:1');
  expect(hostMounts('/usr/lib:/etc/alternatives:relative:')).toEqual([
    { source: '/usr/lib', target: '/usr/lib', mode: 'ro' },
    { source: '/etc/alternatives', target: '/etc/alternatives', mode: 'ro' },
  ]);
});

test.describe('on an engine', () => {
  test.beforeAll(async () => {
    const runtime = await probeContainerRuntime();
    test.skip(!runtime.reachable, runtime.reachable ? '' : `no container runtime: ${runtime.reason}`);
  });

  test('the mock Genie server is a container on the host network, in the node image', tags, async ({ genie }) => {
    const unit = genie.server.proc;
    expect(unit).toBeInstanceOf(ContainerUnit);
    const info = await (await containerRuntimeClient()).container.dockerode.getContainer((unit as ContainerUnit).id).inspect();
    expect({ image: info.Config.Image, network: info.HostConfig.NetworkMode, running: info.State.Running }).toEqual({ image: DEFAULT_STACK_IMAGE, network: 'host', running: true });
    expect((await genie.server.client.health()).status).toBe('healthy');
  });

  test('torch_server.py runs in the torch image with the host directories its label names', tags, async ({ genieStart }) => {
    const torch = await findTorchPython();
    test.skip(torch.python === undefined, torch.python === undefined ? torch.reason : '');
    const missing = await imageUnavailable(DEFAULT_GENIE_IMAGE);
    test.skip(missing !== undefined, `${missing} (scripts/containers/build-torch-image.sh builds it)`);
    const server = await genieStart('genie-torch', { profile: 'real', command: `${torch.python} ${SERVER} --host {host} --port {port}`, wire: 'torch', readyTimeoutMs: 120_000 });
    const client = await containerRuntimeClient();
    const info = await client.container.dockerode.getContainer((server.proc as ContainerUnit).id).inspect();
    const label = (await client.container.dockerode.getImage(DEFAULT_GENIE_IMAGE).inspect()).Config.Labels?.['servewright.host-mounts'];
    expect(info.Config.Image).toBe(DEFAULT_GENIE_IMAGE);
    const readOnly = info.Mounts.filter((m) => !m.RW).map((m) => m.Destination);
    expect(readOnly).toEqual(expect.arrayContaining(hostMounts(label).map((m) => m.target)));
    expect(readOnly.length).toBeGreaterThan(1);
    const health = await server.client.health();
    expect(health.status).toBe('healthy');
  });
});
