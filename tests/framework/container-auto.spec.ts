import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'servewright';
import { AUTO_DECISION_ENV, autoDecisionFromRun, decideAuto, storeAutoDecision, type AutoDecision } from '../../fixtures/services/container-auto.ts';
import { probeContainerRuntime, type RuntimeProbe } from '../../fixtures/services/container-runtime.ts';
import { selectProvider } from '../../fixtures/services/select-provider.ts';
import { envWithout, tsxChild } from './helpers/tsx-child.ts';

const tag = ['@e2e', '@framework'];
const REACHABLE: RuntimeProbe = { reachable: true, description: 'linux engine 20.10 at unix:///run/x.sock' };
const UNREACHABLE: RuntimeProbe = { reachable: false, reason: 'DOCKER_HOST unset, no default socket answered' };
/** Variables that would steer the decision a child process makes. */
const STEERING = ['SERVICES', AUTO_DECISION_ENV, 'NATS_SERVER', 'ETCD_ENDPOINTS', 'DOCKER_HOST', 'SERVEWRIGHT_RUN_ID'];
const GLOBAL_SETUP = `
  import { prepareServicesForRun } from './fixtures/services/container-run.ts';
  await prepareServicesForRun();
  console.log('decision ' + process.env.${AUTO_DECISION_ENV});
`;

async function withDecision<T>(decision: AutoDecision, fn: () => T): Promise<T> {
  const saved = process.env[AUTO_DECISION_ENV];
  storeAutoDecision(decision);
  try {
    return fn();
  } finally {
    if (saved === undefined) delete process.env[AUTO_DECISION_ENV];
    else process.env[AUTO_DECISION_ENV] = saved;
  }
}

test.describe('SERVICES=auto', { tag }, () => {
  test('external services win and no container runtime is probed', async () => {
    let probed = false;
    const decision = await decideAuto({
      externalConfigured: true,
      probe: async () => {
        probed = true;
        return REACHABLE;
      },
    });
    expect(decision.provider).toBe('external');
    expect(probed).toBe(false);
  });

  test('a container runtime that answers is chosen over local binaries', async () => {
    const decision = await decideAuto({ externalConfigured: false, probe: async () => REACHABLE });
    expect(decision).toEqual({ provider: 'container', reason: `containers (${REACHABLE.description})` });
  });

  test('without a container runtime it falls back to local binaries and says why', async () => {
    const decision = await decideAuto({ externalConfigured: false, probe: async () => UNREACHABLE });
    expect(decision).toEqual({ provider: 'local', reason: `local binaries (no container runtime: ${UNREACHABLE.reason})` });
  });

  test('workers use the run decision instead of deciding again', async () => {
    for (const provider of ['container', 'local', 'external'] as const) {
      const selected = await withDecision({ provider, reason: `because ${provider}` }, () => selectProvider('auto'));
      expect(selected.provider.name).toBe(provider);
      expect(selected.reason).toBe(`auto: because ${provider}`);
    }
  });

  test('a malformed run decision is an error naming the variable', async () => {
    const saved = process.env[AUTO_DECISION_ENV];
    process.env[AUTO_DECISION_ENV] = '{"provider":"docker"}';
    try {
      expect(() => autoDecisionFromRun()).toThrow(new RegExp(`${AUTO_DECISION_ENV}=.*is not a services decision`));
    } finally {
      if (saved === undefined) delete process.env[AUTO_DECISION_ENV];
      else process.env[AUTO_DECISION_ENV] = saved;
    }
  });

  test('global setup with no container runtime picks local binaries and prints why', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sw-no-docker-'));
    try {
      const socket = join(dir, 'docker.sock');
      const child = await tsxChild(GLOBAL_SETUP, { ...envWithout(...STEERING), DOCKER_HOST: `unix://${socket}` });
      expect(child.exitCode, child.all).toBe(0);
      expect(child.stdout).toContain(`services: local binaries (no container runtime: DOCKER_HOST=unix://${socket}`);
      expect(child.stdout).toMatch(/decision \{"provider":"local"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('global setup with NATS_SERVER and ETCD_ENDPOINTS picks the external services', async () => {
    const env = { ...envWithout(...STEERING), NATS_SERVER: 'nats://127.0.0.1:4222', ETCD_ENDPOINTS: 'http://127.0.0.1:2379' };
    const child = await tsxChild(GLOBAL_SETUP, env);
    expect(child.exitCode, child.all).toBe(0);
    expect(child.stdout).toContain('services: external services (NATS_SERVER/ETCD_ENDPOINTS set)');
  });

  test('global setup with a container runtime that answers picks containers', async () => {
    const runtime = await probeContainerRuntime();
    test.skip(!runtime.reachable, `needs a container runtime (npm run test:containers starts one): ${runtime.reachable ? '' : runtime.reason}`);
    const env = { ...envWithout(...STEERING), ...(process.env.DOCKER_HOST ? { DOCKER_HOST: process.env.DOCKER_HOST } : {}) };
    const child = await tsxChild(GLOBAL_SETUP, env);
    expect(child.exitCode, child.all).toBe(0);
    expect(child.stdout).toMatch(/services: containers \(engine .* at /);
    expect(child.stdout).toMatch(/decision \{"provider":"container"/);
  });
});
