// Every profile against every upstream contract it claims (contracts/): its log patterns
// match the corpus lines (with the right request id) and no other, its metric names and
// label sets are in the corpus expositions, and the command lines it builds use only flags
// and choices the real commands accept. Fast: no processes.

import { createServer } from 'node:http';
import { test, expect, Metrics, OpenAIClient, StreamErrorEvent, type LogPatterns, type StackProfile } from 'servewright';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONTRACTS_DIR, contractFor, contractsOf, loadContracts, parseContract, type CommandContract, type EngineContract } from '../../contracts/loader.ts';
import { profileDefinition, profileForContract } from '../../fixtures/stack/profiles/index.ts';
import type { LaunchContext, WorkerRole } from '../../fixtures/stack/profile.ts';

const tag = ['@e2e', '@contracts'];
const MODEL = 'Qwen/Qwen3-0.6B';

/** The corpus lines each pattern stands for; every other corpus line must match no pattern. */
const DEPENDS: Record<string, Partial<Record<keyof LogPatterns, string[]>>> = {
  dynamo: {
    newRequest: ['decodeRequest'],
    abortedRequest: ['abortedRequest'],
    newPrefillRequest: ['prefillRequest'],
    abortedPrefillRequest: ['abortedPrefillRequest'],
    prefillCompleted: ['prefillCompleted'],
    streamDisconnected: ['streamDisconnected'],
    killIssued: ['killIssued'],
    decodeOnlyFallback: ['decodeOnlyFallback'],
  },
  vllm: {
    newRequest: ['addedRequest', 'addedInternalRequest'],
    abortedRequest: ['abortedRequests', 'abortedInternalRequests'],
  },
};

/** Which exposition of the corpus a profile's metric is read from. */
const METRIC_PROCESS: Record<string, { frontend: string; worker: string }> = {
  dynamo: { frontend: 'frontend', worker: 'vllm-worker' },
  'dynamo-mocker': { frontend: 'frontend', worker: 'mocker-worker' },
  vllm: { frontend: 'serve', worker: 'serve' },
};

const CLAIMS: Array<[profile: string, engine: string]> = [
  ['dynamo', 'dynamo'],
  ['dynamo-mocker', 'dynamo'],
  ['vllm', 'vllm'],
];

function context(port: number): LaunchContext {
  return {
    services: { natsUrl: 'nats://127.0.0.1:4222', etcdEndpoints: ['http://127.0.0.1:2379'] },
    namespace: 'ns',
    port,
    buildDir: '/build',
    model: undefined,
    ports: { nixlSideChannel: 20001, kvEvents: 20002 },
    requestPlane: 'nats',
  };
}

/** Flags (and choice values) in `args` the command would refuse. */
function refused(command: CommandContract, args: readonly string[]): string[] {
  const bad: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('--')) continue;
    const kind = command.flags[arg];
    if (kind === undefined) bad.push(arg);
    if (kind !== 'value') continue;
    const value = args[++i]!;
    const choices = command.choices[arg];
    if (choices && !choices.includes(value)) bad.push(`${arg} ${value}`);
  }
  return bad;
}

/** The command of the corpus a built process runs: the one whose argv starts it. */
function commandOf(contract: EngineContract, command: string, args: readonly string[]): { key: string; command: CommandContract; rest: string[] } {
  const words = [command, ...args];
  for (const [key, c] of Object.entries(contract.commands)) {
    if (c.argv.every((w, i) => words[i] === w)) return { key, command: c, rest: words.slice(c.argv.length + c.positionals) };
  }
  throw new Error(`${contract.file}: no command in the corpus starts "${words.slice(0, 3).join(' ')}"`);
}

for (const [name, engine] of CLAIMS) {
  for (const contract of contractsOf(engine)) {
    test.describe(`profile ${name} against ${contract.file}`, { tag }, () => {
      const profile: StackProfile = profileForContract(name, contract);
      const depends = DEPENDS[engine]!;

      test('every pattern matches its corpus lines, with the request id, and no other line', () => {
        const defined = Object.entries(profile.patterns).filter((e): e is [keyof LogPatterns, RegExp] => e[1] instanceof RegExp);
        for (const [key, entry] of Object.entries(contract.logs)) {
          const owner = Object.entries(depends).find(([, keys]) => keys!.includes(key))?.[0];
          const matching = defined.filter(([, re]) => re.test(entry.line)).map(([k]) => k);
          const expected = owner !== undefined && profile.patterns[owner as keyof LogPatterns] !== undefined ? [owner] : [];
          expect(matching, `${contract.file} logs.${key}: "${entry.line}"`).toEqual(expected);
          if (expected.length === 1 && entry.requestId !== undefined) {
            expect(profile.patterns[owner as keyof LogPatterns]!.exec(entry.line)?.[1], `request id of logs.${key}`).toBe(entry.requestId);
          }
        }
      });

      test('every pattern the profile relies on has an upstream line in some contract of its engine', () => {
        for (const [key, re] of Object.entries(profile.patterns)) {
          if (!(re instanceof RegExp)) continue;
          const lines = (depends[key as keyof LogPatterns] ?? []).flatMap((k) => contractsOf(engine).map((c) => c.logs[k]?.line).filter((l): l is string => l !== undefined));
          expect(lines.some((l) => re.test(l)), `patterns.${key} ${re} matches no corpus line of ${engine}`).toBe(true);
        }
      });

      test('metric names and label sets are in the corpus expositions', () => {
        const where = METRIC_PROCESS[name]!;
        const frontend = new Metrics(contract.metrics[where.frontend]?.exposition ?? '');
        const worker = new Metrics(contract.metrics[where.worker]?.exposition ?? '');
        const { migrationTotal, ongoingMigration, cancellationTotal, cancellationLabels, workerRunning, workerGenerationTokens, workerCancellationTotal, workerCancellationLabels } = profile.metrics;
        if (migrationTotal !== undefined) expect(() => frontend.sum(migrationTotal, ongoingMigration)).not.toThrow();
        if (migrationTotal !== undefined) expect(frontend.select(migrationTotal, ongoingMigration)).toHaveLength(1);
        if (cancellationTotal !== undefined) {
          for (const [api, streaming] of [['completion', false], ['chat', false], ['chat', true]] as const) {
            const labels = cancellationLabels?.({ model: MODEL, api, streaming }) ?? {};
            // The exact label set upstream reports for one request of this kind.
            expect(frontend.select(cancellationTotal, labels).map((s) => s.labels)).toEqual([labels]);
          }
        }
        const { decodeOnlyFallbackTotal } = profile.metrics;
        if (decodeOnlyFallbackTotal !== undefined) expect(frontend.select(decodeOnlyFallbackTotal, { model: MODEL }).map((s) => s.labels)).toEqual([{ model: MODEL }]);
        else expect(profile.capabilities.decodeFallback).toMatch(/no decode-only fallback line|aggregated workers only|no separate prefill and decode/);
        if (workerCancellationTotal !== undefined) {
          // Upstream's runtime labels: the default namespace, and the component each role serves.
          for (const role of ['agg', 'decode', ...(profile.capabilities.disaggregation === true ? ['prefill' as const] : [])] as WorkerRole[]) {
            const labels = workerCancellationLabels!({ namespace: 'dynamo', role });
            expect(worker.select(workerCancellationTotal, labels).map((s) => s.labels), `${role} worker`).toEqual([labels]);
          }
        } else {
          expect(profile.capabilities.workerCancellationMetric).toMatch(/no dynamo_component_cancellation_total|no Dynamo runtime/);
        }
        for (const metric of [workerRunning, workerGenerationTokens]) if (metric !== undefined) expect(() => worker.value(metric, { model_name: MODEL })).not.toThrow();
        // A capability the corpus does not back is missing, with the reason.
        if (workerRunning === undefined) expect(profile.capabilities.engineMetrics).toMatch(/exposes no vllm:\* engine metrics/);
      });

      test('the command lines it builds use only flags and choices the real commands accept', () => {
        const ctx = context(9000);
        const built = [
          ...(profile.frontend ? [profile.frontend(ctx, { routerMode: 'round-robin', migrationLimit: 3 })] : []),
          ...(['agg', 'prefill', 'decode'] as WorkerRole[])
            .filter((role) => role === 'agg' || profile.capabilities.disaggregation === true)
            .map((role) => profile.worker(ctx, { id: `w-${role}`, role })),
        ];
        for (const spec of built) {
          const { key, command, rest } = commandOf(contract, spec.command, spec.args ?? []);
          expect(refused(command, rest), `${contract.file} commands.${key}: ${spec.command} ${(spec.args ?? []).join(' ')}`).toEqual([]);
          for (const variable of Object.keys(spec.env ?? {}).filter((v) => /^(VLLM_NIXL|DYN_VLLM|DYN_REQUEST_PLANE)/.test(v))) {
            expect(contract.env[variable], `${variable} is in ${contract.file} env`).toBeDefined();
          }
        }
        if (profile.frontend) {
          const worker = profile.worker(ctx, { id: 'w' });
          expect(worker.args, 'the migration limit belongs to the frontend only').not.toContain('--migration-limit');
        }
      });
    });
  }
}

test.describe('contract corpus', { tag }, () => {
  test('loads, and every entry cites path@commit', () => {
    const ids = loadContracts().map((c) => `${c.engine}/${c.contract}`);
    expect(ids).toEqual(['dynamo/0.8', 'dynamo/newest', 'vllm/v1']);
  });

  test('a malformed entry fails loading with its file and field', () => {
    const raw = (): Record<string, unknown> => JSON.parse(readFileSync(join(CONTRACTS_DIR, 'dynamo/0.8/contract.json'), 'utf8')) as Record<string, unknown>;
    const uncited = raw();
    (uncited.logs as Record<string, { sources: string[] }>).killIssued!.sources = ['lib/runtime/src/pipeline/network/tcp/server.rs'];
    expect(() => parseContract('dynamo/x/contract.json', uncited)).toThrow(
      'dynamo/x/contract.json: logs.killIssued.sources[0]: "lib/runtime/src/pipeline/network/tcp/server.rs" is not path@commit',
    );
    const wrongId = raw();
    (wrongId.logs as Record<string, { requestId: string }>).decodeRequest!.requestId = 'not-in-line';
    expect(() => parseContract('dynamo/x/contract.json', wrongId)).toThrow('dynamo/x/contract.json: logs.decodeRequest.requestId: "not-in-line" does not occur in the line');
  });

  test('the installed version picks the contract; newer versions fall back to the newest with a note, older ones have none', () => {
    const pick = (v: string | undefined) => {
      const c = contractFor('dynamo', v);
      return c.ok ? [c.contract.contract, c.note] : [undefined, c.reason];
    };
    expect(pick('0.8.1')).toEqual(['0.8', undefined]);
    expect(pick('0.9.2')).toEqual(['newest', undefined]);
    expect(pick('1.2.0')).toEqual(['newest', 'ai-dynamo 1.2.0 is newer than every contract: using the newest, dynamo/newest (from 0.9.0)']);
    expect(pick('0.4.1')).toEqual([undefined, 'ai-dynamo 0.4.1 is older than every contract (oldest: dynamo/0.8 from 0.7.0)']);
    expect(pick(undefined)).toEqual(['newest', 'ai-dynamo version unknown: using the newest contract dynamo/newest']);
    expect(contractFor('vllm', '0.12.0+cu128')).toMatchObject({ ok: true, contract: { contract: 'v1' } });
  });

  test('profiles resolve per contract: router modes, prefill-cancel outcome and the cancellation counter follow the version', () => {
    const [older, newest] = contractsOf('dynamo') as [EngineContract, EngineContract];
    const oldProfile = profileForContract('dynamo', older);
    const newProfile = profileForContract('dynamo', newest);
    expect(() => oldProfile.frontend!(context(1), { routerMode: 'least-loaded' })).toThrow('--router-mode least-loaded: dynamo 0.8 accepts round-robin, random, kv, direct (dynamo/0.8/contract.json, commands.frontend.choices)');
    expect(newProfile.frontend!(context(1), { routerMode: 'least-loaded' }).args).toContain('least-loaded');
    expect([oldProfile.semantics.prefillCancel, newProfile.semantics.prefillCancel]).toEqual(['aborts', 'completes']);
    expect(oldProfile.capabilities.cancellationMetric).toBe('the frontend exposes no dynamo_frontend_model_cancellation_total (dynamo/0.8/contract.json, metrics.frontend)');
    expect(newProfile.capabilities.cancellationMetric).toBe(true);
    expect([oldProfile.capabilities.workerCancellationMetric, newProfile.capabilities.workerCancellationMetric]).toEqual([
      'dynamo.vllm exposes no dynamo_component_cancellation_total (dynamo/0.8/contract.json, metrics.vllm-worker)',
      true,
    ]);
    expect([oldProfile.capabilities.decodeFallback, newProfile.capabilities.decodeFallback]).toEqual([
      'no decode-only fallback line and dynamo_frontend_model_decode_only_fallback_total in dynamo/0.8/contract.json (logs.decodeOnlyFallback, metrics.frontend)',
      true,
    ]);
    expect(newProfile.frontend!(context(1), { enforceDisagg: true }).args).toContain('--enforce-disagg');
    // Upstream's single-etcd behaviour decides the etcd-restart scenario: it exits, so the scenario skips with the source.
    expect(newProfile.capabilities.etcdRestart).toBe(
      'frontend and workers exit when their only etcd member goes away (tests/fault_tolerance/etcd_ha/test_vllm.py@b7f730f, tests/fault_tolerance/etcd_ha/utils.py@231c36c); serving through an etcd outage needs a 3-node etcd cluster',
    );
    expect([oldProfile.capabilities.etcdFailover, newProfile.capabilities.etcdFailover]).toEqual([
      'dynamo/0.8/contract.json has no evidence that Dynamo serves through the loss of one etcd member (semantics.etcdFailover)',
      true,
    ]);
    expect(oldProfile.capabilities.etcdRestart).toBe('dynamo/0.8/contract.json has no evidence of what Dynamo does when etcd goes away (semantics.singleEtcdLoss)');
    expect(profileDefinition('dynamo').engine).toEqual({ contracts: 'dynamo', module: 'dynamo' });
  });

  test('the corpus SSE error frame fails a stream on the client (event: error, then [DONE])', async () => {
    const frame = contractsOf('dynamo')[0]!.sse.errorFrame!;
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: 'a' } }] })}\n\n`);
      res.write(frame.text);
      res.end(frame.then);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address() as { port: number };
      const stream = await new OpenAIClient(`http://127.0.0.1:${port}`).streamChat({ messages: [] });
      const err = await stream.collect().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StreamErrorEvent);
      expect((err as StreamErrorEvent).error).toBe('Stream ended before generation completed');
      expect((err as StreamErrorEvent).chunksBefore).toBe(1);
    } finally {
      server.close();
    }
  });

  test('nvext.worker_id as Dynamo sends it (an object) names the decode worker', async () => {
    const example = contractsOf('dynamo')[0]!.responses.workerIdField!.example as { decode_worker_id: number };
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ choices: [{ index: 0, text: 'x' }], nvext: { worker_id: example } }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address() as { port: number };
      const res = await new OpenAIClient(`http://127.0.0.1:${port}`).completions({ prompt: 'x' });
      expect(res.workerId).toBe(String(example.decode_worker_id));
    } finally {
      server.close();
    }
  });
});
