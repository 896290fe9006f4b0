// Stand-in for `python3 -m sglang.launch_server`: the reference worker generates the tokens
// and everything a client or a log reader sees is SGLang's, from ../contract.json. It accepts
// exactly the contract's flags (argparse's exit on any other), logs the contract's lines for
// each request event at the levels the flags ask for, answers /health as SGLang does, and
// exposes /metrics under SGLang's names only with --enable-metrics.

import type { ServerResponse } from 'node:http';
import { parsePrometheus, type Sample } from '../../../protocol/prometheus-parse.ts';
import { parseCommand, usage } from '../../../tests/framework/stand-ins/argv.ts';
import { render, send, serveForwarding } from '../../../tests/framework/stand-ins/http-forward.ts';
import { answerImportProbe } from '../../../tests/framework/stand-ins/import-probe.ts';
import { translator } from '../../../tests/framework/stand-ins/log-lines.ts';
import { FAST_WORKER, runBundle } from '../../../tests/framework/stand-ins/run-child.ts';
import { SGLANG_CONTRACT as CONTRACT } from '../contract.ts';

const PROG = 'python3 -m sglang.launch_server';
// The reference worker's own lines (stack/worker): its URL once it serves, and each request's lifecycle.
const LISTENING = /^listening on (http:\/\/\S+)$/;
const NEW = /New Request ID: (\S+)/;
const ABORTED = /Aborted Request ID: (\S+)/;
// What the reference worker measures, by the SGLang series that measures the same.
const SERIES: Readonly<Record<string, string>> = {
  'vllm:num_requests_running': 'sglang:num_running_reqs',
  'vllm:prompt_tokens_total': 'sglang:prompt_tokens_total',
  'vllm:generation_tokens_total': 'sglang:generation_tokens_total',
};
const ABORTED_TOTAL = 'sglang:num_aborted_requests_total';
// TokenizerManager.create_abort_task waits this long before aborting a streamed request whose client left.
const STREAM_ABORT_DELAY_MS = 2_000;

function launchServer(argv: string[]): void {
  const { flags } = parseCommand(PROG, CONTRACT.commands.launch_server!, argv);
  const model = flags.get('--model-path') ?? usage(PROG, 'this stand-in needs --model-path');
  const served = flags.get('--served-model-name') ?? model;
  const port = Number(flags.get('--port') ?? '30000');
  const debug = flags.get('--log-level')?.toLowerCase() === 'debug';
  const logRequests = flags.has('--log-requests');
  const exposed = new Set(parsePrometheus(CONTRACT.metrics.server!.exposition).map((s) => s.name));
  const labels = { model_name: served };
  let aborted = 0;

  const lines = translator(CONTRACT, [
    { reference: NEW, lines: logRequests ? ['receivedRequest'] : [] },
    { reference: ABORTED, lines: debug ? ['abortRunningRequest'] : [] },
  ]);
  const say = (key: string, requestId?: string): void => {
    const entry = CONTRACT.logs[key]!;
    process.stdout.write(`${requestId === undefined ? entry.line : entry.line.replaceAll(entry.requestId!, requestId)}\n`);
  };

  const health = (upstream: string) => async (res: ServerResponse): Promise<void> => {
    // SGLang's /health generates one token under a request id of its own, logged like any request.
    if (logRequests) say('receivedRequest', `HEALTH_CHECK_${Date.now() / 1000}`);
    const answer = CONTRACT.health[(await fetch(`${upstream}/health`)).ok ? 'ready' : 'starting']!;
    res.writeHead(answer.status);
    res.end();
  };

  const metrics = (upstream: string) => async (res: ServerResponse): Promise<void> => {
    if (!flags.has('--enable-metrics')) return send(res, 404, { detail: 'Not Found' });
    const sums = new Map<string, number>();
    for (const s of parsePrometheus(await (await fetch(`${upstream}/metrics`)).text())) {
      const name = SERIES[s.name];
      if (name !== undefined) sums.set(name, (sums.get(name) ?? 0) + s.value);
    }
    // A labelled prometheus_client counter shows no sample before its first increment.
    if (aborted > 0) sums.set(ABORTED_TOTAL, aborted);
    const samples: Sample[] = [...sums].filter(([name]) => exposed.has(name)).map(([name, value]) => ({ name, labels, value }));
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(render(samples));
  };

  const clientGone = (_path: string, body: Record<string, unknown>): void => {
    setTimeout(() => aborted++, body.stream === true ? STREAM_ABORT_DELAY_MS : 0);
  };

  runBundle(
    'worker',
    [
      '--model', served,
      '--host', '127.0.0.1',
      '--port', '0',
      ...(flags.has('--context-length') ? ['--max-model-len', flags.get('--context-length')!] : []),
      ...(flags.has('--max-running-requests') ? ['--max-num-seqs', flags.get('--max-running-requests')!] : []),
      ...FAST_WORKER,
    ],
    (line) => {
      const listening = LISTENING.exec(line);
      if (!listening) return lines(line);
      const upstream = listening[1]!;
      const own = { '/health': health(upstream), '/health_generate': health(upstream), '/metrics': metrics(upstream) };
      serveForwarding(port, upstream, own, { onClientGone: clientGone }).on('listening', () => say('serverReady'));
      return [];
    },
  );
}

const [flag, target, ...rest] = process.argv.slice(2);
if (flag === '-c' && target !== undefined) answerImportProbe(target, (module) => (module === 'sglang' ? CONTRACT.sampleVersion : undefined));
else if (flag === '-m' && target === 'sglang.launch_server') launchServer(rest);
else usage('python3', `this stand-in runs only -m sglang.launch_server and the sglang import probe, got: ${process.argv.slice(2).join(' ')}`);
