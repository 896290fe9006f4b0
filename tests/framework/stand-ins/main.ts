// Entry of every stand-in executable in bin/: argv[2] is the command it stands in for.

import { parseFlags, requireEnv, usage, type FlagKind } from './argv.ts';
import { runBundle } from './run-child.ts';

// The reference stack at the pace the fault-tolerance specs use (see the reference profile).
const FAST_WORKER = ['--speedup', '40', '--heartbeat-ms', '100'];
const STANDIN_MODULES: Record<string, string> = { vllm: '0.0.0+stand-in', dynamo: '0.0.0+stand-in', torch: '0.0.0+stand-in' };

function cluster(prog: string): string[] {
  return ['--nats', requireEnv(prog, 'NATS_SERVER'), '--etcd', requireEnv(prog, 'ETCD_ENDPOINTS'), '--namespace', process.env.DYN_NAMESPACE ?? 'dynamo'];
}

function dynamoFrontend(argv: string[]): void {
  const prog = 'python3 -m dynamo.frontend';
  const { flags } = parseFlags(prog, argv, { '--http-port': 'value', '--router-mode': 'value', '--migration-limit': 'value', '--http-host': 'value' });
  const mode = flags.get('--router-mode') ?? 'round-robin';
  if (!['round-robin', 'random', 'kv'].includes(mode)) usage(prog, `argument --router-mode: invalid choice: '${mode}'`);
  runBundle('frontend', [
    '--http-host', flags.get('--http-host') ?? '127.0.0.1',
    '--http-port', flags.get('--http-port') ?? '8000',
    '--router-mode', mode,
    '--migration-limit', flags.get('--migration-limit') ?? '0',
    '--stream-timeout-ms', '1000',
    '--metrics-naming', 'dynamo',
    ...cluster(prog),
  ]);
}

function dynamoWorker(module: 'dynamo.vllm' | 'dynamo.mocker', argv: string[]): void {
  const prog = `python3 -m ${module}`;
  const known: Record<string, FlagKind> = module === 'dynamo.vllm'
    ? { '--model': 'value', '--served-model-name': 'value', '--enforce-eager': 'switch', '--gpu-memory-utilization': 'value', '--max-model-len': 'value', '--is-prefill-worker': 'switch', '--migration-limit': 'value' }
    : { '--model-path': 'value', '--model-name': 'value', '--migration-limit': 'value' };
  const { flags } = parseFlags(prog, argv, known);
  const model = flags.get('--model') ?? flags.get('--model-path');
  if (!model) usage(prog, 'the following arguments are required: --model');
  runBundle('worker', [
    '--model', flags.get('--served-model-name') ?? flags.get('--model-name') ?? model,
    '--port', requireEnv(prog, 'DYN_SYSTEM_PORT'),
    '--max-model-len', flags.get('--max-model-len') ?? '8192',
    '--role', flags.has('--is-prefill-worker') ? 'prefill' : 'agg',
    ...FAST_WORKER,
    ...cluster(prog),
  ]);
}

/** `vllm serve MODEL ...` and `python3 -m vllm.entrypoints.openai.api_server --model MODEL ...`. */
function vllmServer(prog: string, argv: string[], positionalModel: boolean): void {
  const known: Record<string, FlagKind> = {
    '--host': 'value', '--port': 'value', '--served-model-name': 'value', '--gpu-memory-utilization': 'value',
    '--max-model-len': 'value', '--max-num-seqs': 'value', '--enforce-eager': 'switch', '--enable-log-requests': 'switch',
    ...(positionalModel ? {} : { '--model': 'value' }),
  };
  const { flags, positionals } = parseFlags(prog, argv, known, positionalModel ? 1 : 0);
  const model = positionalModel ? positionals[0]! : flags.get('--model');
  if (!model) usage(prog, 'the following arguments are required: --model');
  const logRequests = flags.has('--enable-log-requests');
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
    // vLLM words its request lifecycle differently, and only logs it when asked to.
    (line) => {
      const added = /New Request ID: (\S+)/.exec(line);
      if (added) return logRequests ? line.replace(added[0], `Added request ${added[1]}.`) : '';
      const aborted = /Aborted Request ID: (\S+)/.exec(line);
      return aborted ? line.replace(aborted[0], `Aborted request ${aborted[1]}.`) : line;
    },
  );
}

/** Answers the capability probe (`python3 -c "...import_module('vllm')..."`). */
function importProbe(code: string): void {
  const module = /import_module\("([^"]+)"\)/.exec(code)?.[1];
  const version = module === undefined ? undefined : STANDIN_MODULES[module];
  if (version === undefined) {
    process.stderr.write(`ModuleNotFoundError: No module named '${module ?? code}'\n`);
    process.exit(1);
  }
  process.stdout.write(`${version}\n`);
}

function python3(argv: string[]): void {
  const [flag, target, ...rest] = argv;
  if (flag === '-c' && target !== undefined) return importProbe(target);
  if (flag !== '-m' || target === undefined) usage('python3', `stand-in supports only -m <module> and -c <import probe>, got: ${argv.join(' ')}`);
  switch (target) {
    case 'dynamo.frontend':
      return dynamoFrontend(rest);
    case 'dynamo.vllm':
    case 'dynamo.mocker':
      return dynamoWorker(target, rest);
    case 'vllm.entrypoints.openai.api_server':
      return vllmServer(`python3 -m ${target}`, rest, false);
    default:
      usage('python3', `No module named ${target}`);
  }
}

const [tool, ...argv] = process.argv.slice(2);
switch (tool) {
  case 'python3':
    python3(argv);
    break;
  case 'vllm':
    if (argv[0] !== 'serve') usage('vllm', `stand-in supports only "vllm serve", got: ${argv.join(' ')}`);
    vllmServer('vllm serve', argv.slice(1), true);
    break;
  case 'nvidia-smi':
    // One fake GPU in the query format capability detection asks for.
    process.stdout.write('NVIDIA Stand-in GPU, 81559 MiB\n');
    break;
  default:
    usage(String(tool), 'unknown stand-in');
}
