// Entry of every stand-in executable in bin/: argv[2] is the command it stands in for.
// Everything a stand-in accepts, prints and exposes comes from the contract it impersonates
// (env.ts, contracts/): the reference stack does the work underneath.

import { createServer } from 'node:net';
import type { EngineContract } from '../../../contracts/loader.ts';
import { parseCommand, requireEnv, usage } from './argv.ts';
import { impersonated } from './env.ts';
import { answerImportProbe } from './import-probe.ts';
import { serveFrontendProxy } from './frontend-proxy.ts';
import { translator, type Translation } from './log-lines.ts';
import { FAST_WORKER, runBundle } from './run-child.ts';

const TORCH_VERSION = '2.9.0+stand-in';

// The reference stack's request-lifecycle lines (stack/worker/engine/engine.ts, stack/frontend/generation/).
const NEW = /New Request ID: (\S+)/;
const NEW_PREFILL = /New Prefill Request ID: (\S+)/;
const ABORTED = /Aborted Request ID: (\S+)/;
const ABORTED_PREFILL = /Aborted Prefill Request ID: (\S+)/;
const FINISHED_PREFILL = /Finished Prefill Request ID: (\S+)/;

/** Where the contract says a cancelled prefill runs to its end, the reference frontend runs with --prefill-cancel completes. */
const prefillCompletes = (contract: EngineContract): boolean => contract.semantics.prefillCancel?.outcome === 'completes';

function dynamoWorkerLines(contract: EngineContract): Translation[] {
  const completes = prefillCompletes(contract);
  return [
    { reference: NEW_PREFILL, lines: ['prefillRequest'] },
    { reference: ABORTED_PREFILL, lines: completes ? [] : ['abortedPrefillRequest'] },
    { reference: FINISHED_PREFILL, lines: completes ? ['prefillCompleted'] : [] },
    { reference: NEW, lines: ['decodeRequest'] },
    { reference: ABORTED, lines: ['abortedRequest'] },
  ];
}
const DYNAMO_FRONTEND_LINES: Translation[] = [
  { reference: /Stream disconnected\.\.\. recreating stream\.\.\./, lines: ['streamDisconnected'] },
  { reference: /Cannot recreate stream: /, lines: ['cannotRecreateStream'] },
  { reference: /issued control message Kill to sender/, lines: ['killIssued'] },
  { reference: /Remote prefill failed, falling back to decode-only\./, lines: ['decodeOnlyFallback'] },
];

function contractOf(engine: string, prog: string): EngineContract {
  const contract = impersonated(engine);
  if (!contract) usage(prog, `No module named ${engine} (this stand-in impersonates no ${engine} contract)`);
  return contract;
}

function cluster(prog: string): string[] {
  return ['--nats', requireEnv(prog, 'NATS_SERVER'), '--etcd', requireEnv(prog, 'ETCD_ENDPOINTS'), '--namespace', process.env.DYN_NAMESPACE ?? 'dynamo'];
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** Holds a port the real worker would bind, failing as Python does when another process has it. */
function bindLike(prog: string, variable: string, port: number): Promise<void> {
  return new Promise((resolve) => {
    const server = createServer().listen(port, '127.0.0.1', () => resolve());
    server.on('error', (err: NodeJS.ErrnoException) => {
      process.stderr.write(`${prog}: ${variable}=${port}: OSError: [Errno 98] Address already in use (${err.code})\n`);
      process.exit(1);
    });
  });
}

async function dynamoFrontend(argv: string[]): Promise<void> {
  const prog = 'python3 -m dynamo.frontend';
  const contract = contractOf('dynamo', prog);
  const { flags } = parseCommand(prog, contract.commands.frontend!, argv);
  const port = Number(flags.get('--http-port') ?? '8000');
  const inner = await freePort();
  const limitZeroCounts = contract.semantics.migrationLimitZero?.countsOngoingMigration === true;
  runBundle(
    'frontend',
    [
      '--http-host', '127.0.0.1',
      '--http-port', String(inner),
      // Routers the reference stack has; the contract decided which names are accepted.
      '--router-mode', flags.get('--router-mode') === 'random' ? 'random' : flags.get('--router-mode') === 'kv' ? 'kv' : 'round-robin',
      '--migration-limit', flags.get('--migration-limit') ?? '0',
      '--count-exhausted-migrations', String(limitZeroCounts),
      '--enforce-disagg', String(flags.has('--enforce-disagg') && !flags.has('--no-enforce-disagg')),
      '--prefill-cancel', prefillCompletes(contract) ? 'completes' : 'aborts',
      '--stream-timeout-ms', '1000',
      '--metrics-naming', 'dynamo',
      ...cluster(prog),
    ],
    // A line the impersonated version has no entry for (0.8's decode-only fallback) is left as the reference prints it.
    translator(contract, DYNAMO_FRONTEND_LINES.filter((t) => t.lines.every((key) => contract.logs[key] !== undefined))),
  );
  serveFrontendProxy(contract, port, `http://127.0.0.1:${inner}`);
}

async function dynamoWorker(module: 'dynamo.vllm' | 'dynamo.mocker', argv: string[]): Promise<void> {
  const prog = `python3 -m ${module}`;
  const contract = contractOf('dynamo', prog);
  const { flags } = parseCommand(prog, contract.commands[module === 'dynamo.vllm' ? 'vllm-worker' : 'mocker-worker']!, argv);
  const model = flags.get('--model') ?? flags.get('--model-path');
  if (!model) usage(prog, 'the following arguments are required: --model');
  if (module === 'dynamo.vllm') {
    // Each vLLM worker binds its NIXL side channel and KV-event publisher; defaults collide.
    for (const variable of ['VLLM_NIXL_SIDE_CHANNEL_PORT', 'DYN_VLLM_KV_EVENT_PORT']) {
      await bindLike(prog, variable, Number(process.env[variable] ?? contract.env[variable]?.default));
    }
  }
  const role = flags.get('--disaggregation-mode') ?? (flags.has('--is-prefill-worker') ? 'prefill' : flags.has('--is-decode-worker') ? 'decode' : 'agg');
  runBundle(
    'worker',
    [
      '--model', flags.get('--served-model-name') ?? flags.get('--model-name') ?? model,
      '--port', requireEnv(prog, 'DYN_SYSTEM_PORT'),
      '--max-model-len', flags.get('--max-model-len') ?? '8192',
      '--role', role,
      ...(flags.has('--max-num-seqs') ? ['--max-num-seqs', flags.get('--max-num-seqs')!] : []),
      ...FAST_WORKER,
      ...cluster(prog),
    ],
    translator(contract, dynamoWorkerLines(contract)),
  );
}

/** `vllm serve MODEL ...`. */
function vllmServe(argv: string[]): void {
  const prog = 'vllm serve';
  const contract = contractOf('vllm', prog);
  const { flags, positionals } = parseCommand(prog, contract.commands.serve!, argv);
  const model = positionals[0]!;
  // vLLM logs a request's lifecycle only when asked to.
  const lines = flags.has('--enable-log-requests') ? { added: ['addedRequest'], aborted: ['abortedRequests', 'requestAborted'] } : { added: [], aborted: [] };
  runBundle(
    'worker',
    [
      '--model', flags.get('--served-model-name') ?? model,
      '--host', flags.get('--host') ?? '127.0.0.1',
      '--port', flags.get('--port') ?? '8000',
      '--max-model-len', flags.get('--max-model-len') ?? '8192',
      ...(flags.has('--max-num-seqs') ? ['--max-num-seqs', flags.get('--max-num-seqs')!] : []),
      ...FAST_WORKER,
    ],
    translator(contract, [
      { reference: NEW, lines: lines.added },
      { reference: ABORTED, lines: lines.aborted },
    ]),
  );
}

/** Answers the capability probe: the impersonated contract's sample version, or the import error. */
function importProbe(code: string): void {
  answerImportProbe(code, (module) => (module === 'torch' ? TORCH_VERSION : impersonated(module)?.sampleVersion));
}

async function python3(argv: string[]): Promise<void> {
  const [flag, target, ...rest] = argv;
  if (flag === '-c' && target !== undefined) return importProbe(target);
  if (flag !== '-m' || target === undefined) usage('python3', `stand-in supports only -m <module> and -c <import probe>, got: ${argv.join(' ')}`);
  switch (target) {
    case 'dynamo.frontend':
      return dynamoFrontend(rest);
    case 'dynamo.vllm':
    case 'dynamo.mocker':
      return dynamoWorker(target, rest);
    default:
      usage('python3', `No module named ${target}`);
  }
}

const [tool, ...argv] = process.argv.slice(2);
switch (tool) {
  case 'python3':
    await python3(argv);
    break;
  case 'vllm':
    if (argv[0] !== 'serve') usage('vllm', `stand-in supports only "vllm serve", got: ${argv.join(' ')}`);
    vllmServe(argv.slice(1));
    break;
  case 'nvidia-smi':
    // One fake GPU in the query format capability detection asks for.
    process.stdout.write('NVIDIA Stand-in GPU, 81559 MiB\n');
    break;
  default:
    usage(String(tool), 'unknown stand-in');
}
