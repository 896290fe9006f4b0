// SGLang's `python3 -m sglang.launch_server` as a servewright profile, defined outside the
// framework. One process is both the OpenAI server and the engine: there is no frontend,
// nothing to migrate to, and the cancellation evidence is its own abort line and counter.
// Every flag, line and metric name comes from ./contract.json (cited upstream).

import { defineProfile } from 'servewright';
import { SGLANG_CONTRACT } from './contract.ts';

const MODEL = 'Qwen/Qwen3-0.6B';
const LAUNCH = SGLANG_CONTRACT.commands.launch_server!;
const READY_LINE = SGLANG_CONTRACT.logs.serverReady!.line.replace(/^\[[^\]]*\] /, '');

export const sglangProfile = defineProfile({
  name: 'sglang',
  description: 'a single `python3 -m sglang.launch_server` (one GPU), defined in examples/sglang',
  defaultModel: MODEL,
  needsModelFiles: true,
  needsServices: false,
  requires: { gpus: 1, python: ['sglang'] },

  build: () => ({
    capabilities: {
      migration:
        'one sglang.launch_server has no other worker to resume a broken stream on, and SGLang\'s router retries only requests whose worker answered with a retryable status (examples/sglang/contract.json, semantics.migration)',
      slowPrefill: 'a real engine cannot be slowed down: prefill lasts as long as the prompt makes it',
      disaggregation: 'this example launches single servers; SGLang\'s prefill/decode disaggregation (--disaggregation-mode behind the router) is not modelled',
      engineMetrics: true,
      cancellationMetric: true,
      workerCancellationMetric: 'the frontend is the worker: launch_server has no separate worker endpoint whose cancellations Dynamo\'s dynamo_component_cancellation_total would count',
      decodeFallback: 'this example launches single servers, so there is no prefill worker whose death a decode worker could cover',
      etcdRestart: 'sglang.launch_server uses no etcd',
      etcdFailover: 'sglang.launch_server uses no etcd',
      natsRestart: 'sglang.launch_server uses no NATS',
    },
    semantics: { limitZeroCountsMigration: false, prefillCancel: 'aborts' },
    frontend: undefined,

    worker: (ctx, opts) => {
      const model = opts.model ?? ctx.model?.path ?? MODEL;
      return {
        command: LAUNCH.argv[0]!,
        args: [
          ...LAUNCH.argv.slice(1),
          '--model-path', model,
          // Requests are named by the model the spec asked for, wherever the weights live.
          '--served-model-name', ctx.model?.name ?? model,
          '--host', '127.0.0.1',
          '--port', String(ctx.port),
          ...(opts.maxNumSeqs === undefined ? [] : ['--max-running-requests', String(opts.maxNumSeqs)]),
          // "Receive:" lines carry the request id; level 0 leaves out prompts and sampling parameters.
          '--log-requests', '--log-requests-level', '0',
          // The scheduler logs "Abort running request." only at debug level.
          '--log-level', 'debug',
          '--enable-metrics',
          ...(opts.args ?? []),
        ],
        env: opts.env,
        ready: {
          // /health answers 503 until the warm-up request went through.
          http: { url: `http://127.0.0.1:${ctx.port}/health`, predicate: (res) => res.status === 200 },
          log: new RegExp(READY_LINE.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')),
          timeoutMs: 600_000,
        },
      };
    },

    async frontendServes(url) {
      try {
        return (await fetch(`${url}/health`, { signal: AbortSignal.timeout(25_000) })).status === 200;
      } catch {
        return false;
      }
    },

    // /health sends a generate request of its own (rid HEALTH_CHECK_<time>), logged like any
    // other: it is never the request a spec sent.
    patterns: {
      newRequest: /Receive: obj=GenerateReqInput\(.*\brid='(?!HEALTH_CHECK_)([^']+)'/,
      abortedRequest: /Abort (?:running|queued) request\. req\.rid='([^']+)'/,
    },

    metrics: {
      ongoingMigration: {},
      workerRunning: 'sglang:num_running_reqs',
      workerGenerationTokens: 'sglang:generation_tokens_total',
      cancellationTotal: 'sglang:num_aborted_requests_total',
      cancellationLabels: ({ model }) => ({ model_name: model }),
    },
  }),
});
