// Bring your own engine: a profile defined in a spec file (defineProfile) for an engine the
// framework does not ship. Its capability detection probes the profile's own Python modules,
// it starts no NATS or etcd when it does not need them, and the checks whose evidence its
// engine lacks skip with its reasons.

import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect, defineProfile, resolveProfile } from 'servewright';
import { detectModules } from '../../fixtures/capabilities/detect.ts';
import { unmetRequirement } from '../../fixtures/capabilities/requirements.ts';
import { standInEnv } from './stand-ins/env.ts';
import { SKIPPED_CHECK, cancelInSequence } from 'servewright/scenarios';

const tag = ['@e2e', '@framework'];

/** Names of this process's child processes (Linux /proc). */
function childNames(): string[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .flatMap((pid) => {
      try {
        const stat = readFileSync(join('/proc', pid, 'stat'), 'utf8');
        const [, comm, rest] = /^\d+ \((.*)\) (.*)$/s.exec(stat)!;
        return Number(rest!.split(' ')[1]) === process.pid ? [comm!] : [];
      } catch {
        return [];
      }
    });
}

// The bundled mock worker alone: one process that is both OpenAI server and engine.
const soloWorker = defineProfile({
  name: 'solo-mock-engine',
  description: 'the reference worker as a single-process server, defined outside the framework',
  defaultModel: 'mock-model',
  needsModelFiles: false,
  needsServices: false,
  requires: {},
  build: () => ({
    capabilities: {
      migration: 'one server process: nothing to migrate to',
      slowPrefill: 'not used by this profile',
      disaggregation: 'one server process',
      engineMetrics: true,
      cancellationMetric: 'the mock worker counts no client cancellations',
      workerCancellationMetric: 'the mock worker has no Dynamo runtime',
      decodeFallback: 'one server process',
      etcdRestart: 'no etcd',
      etcdFailover: 'no etcd',
      natsRestart: 'no NATS',
    },
    semantics: { limitZeroCountsMigration: false, prefillCancel: 'aborts' },
    frontend: undefined,
    worker: (ctx, opts) => ({
      command: process.execPath,
      args: [join(ctx.buildDir, 'worker.mjs'), '--model', 'mock-model', '--host', '127.0.0.1', '--port', String(ctx.port), '--speedup', '40', ...(opts.args ?? [])],
      ready: { http: { url: `http://127.0.0.1:${ctx.port}/health` } },
    }),
    frontendServes: async (url) => (await fetch(`${url}/health`).catch(() => undefined))?.ok === true,
    patterns: { newRequest: /New Request ID: (\S+)/, abortedRequest: /Aborted Request ID: (\S+)/ },
    metrics: { ongoingMigration: {}, workerRunning: 'vllm:num_requests_running', workerGenerationTokens: 'vllm:generation_tokens_total' },
  }),
});

test.use({ stackProfile: soloWorker, stackOptions: { workers: 1 } });

test('a defined profile runs the cancellation scenarios without NATS or etcd, skipping the checks its engine cannot support', { tag }, async ({ stack, client }, testInfo) => {
  expect(stack.profile.name).toBe('solo-mock-engine');
  await cancelInSequence(stack, client, { maxTokens: 4_000, timeoutMs: 10_000 });
  expect(childNames().filter((n) => /nats-server|etcd/.test(n))).toEqual([]);
  expect(testInfo.annotations.some((a) => a.type === 'services-provider')).toBe(false);
  expect(testInfo.annotations.filter((a) => a.type === SKIPPED_CHECK).map((a) => a.description)).toEqual([
    'worker cancellation counter check: profile solo-mock-engine: the mock worker has no Dynamo runtime',
    'cancellation counter check: profile solo-mock-engine: the mock worker counts no client cancellations',
    'frontend Kill line: profile solo-mock-engine has no frontend that sends one',
  ]);
});

test('capability detection probes a defined profile\'s own Python modules; the first missing one is the skip reason', { tag }, async () => {
  const needsOwn = defineProfile({ ...soloWorker, name: 'needs-own-module', requires: { python: ['servewright_no_such_engine'] } });
  const machine = await detectModules(needsOwn.requires.python ?? [], { ...process.env, ...standInEnv() });
  expect(machine.python.servewright_no_such_engine).toEqual({ ok: false, detail: "servewright_no_such_engine not importable: ModuleNotFoundError: No module named 'servewright_no_such_engine'" });
  const { profile } = resolveProfile(needsOwn, machine);
  expect(unmetRequirement(machine, profile.requires)).toBe(machine.python.servewright_no_such_engine!.detail);
});

test('defineProfile refuses a capability without the pattern it needs, naming both', { tag }, () => {
  expect(() =>
    defineProfile({
      ...soloWorker,
      name: 'claims-migration',
      build: (c) => ({ ...soloWorker.build(c), capabilities: { ...soloWorker.build(c).capabilities, migration: true } }),
    }),
  ).toThrow('profile claims-migration (no contract): capability migration needs patterns.streamDisconnected; set it or give the reason the capability is missing');
});
