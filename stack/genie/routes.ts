import { performance } from 'node:perf_hooks';
import { GRAPH_FORMAT, inputName, parseGraph, runGraph } from '../../protocol/tensor/graph.ts';
import { decodeNpy, encodeNpy, NPY_CONTENT_TYPE } from '../../protocol/tensor/npy.ts';
import { applyOp, lookupOp, OPS } from '../../protocol/tensor/ops.ts';
import { formatShape, type Tensor } from '../../protocol/tensor/tensor.ts';
import { MAX_GRAPH_INPUTS, type GenieServerConfig } from './config.ts';
import { HttpError } from '../../protocol/http/http-error.ts';
import type { FormPart } from './multipart.ts';
import type { ServerStats } from './stats.ts';

export const VERSION = '0.1.0';

/** Field names follow genie.runtime.simple_server: `operation` + `tensor_file`. */
export const FIELDS = { operation: 'operation', tensor: 'tensor_file', graph: 'graph' } as const;

export interface TensorReply {
  body: Uint8Array;
  headers: Record<string, string>;
}

export function rootInfo(config: GenieServerConfig) {
  return {
    service: 'Genie Remote Execution Server (servewright mock)',
    version: VERSION,
    status: 'running',
    endpoints: { health: '/health', execute: '/execute (POST)', execute_subgraph: '/execute_subgraph (POST)', stats: '/stats' },
    operations: Object.keys(OPS),
    tensor_format: NPY_CONTENT_TYPE,
    graph_format: GRAPH_FORMAT,
    max_tensor_bytes: config.maxTensorBytes,
  };
}

export function health(stats: ServerStats) {
  return {
    status: 'healthy',
    device: 'cpu',
    device_type: 'cpu',
    cuda_available: false,
    gpu_count: 0,
    gpu_name: null,
    uptime: stats.uptimeSeconds(),
    stats: { total_requests: stats.requestsTotal, successful: stats.requestsSuccess, failed: stats.requestsFailed },
  };
}

function field(form: Map<string, FormPart>, name: string): FormPart {
  const part = form.get(name);
  if (!part) throw new HttpError(400, `missing multipart field '${name}' (got: ${[...form.keys()].join(', ') || 'none'})`);
  return part;
}

function tensorField(form: Map<string, FormPart>, name: string, config: GenieServerConfig): Tensor {
  const part = field(form, name);
  if (part.data.length > config.maxTensorBytes) {
    throw new HttpError(413, `tensor '${name}' is ${part.data.length} bytes, over the limit of ${config.maxTensorBytes} bytes (--max-tensor-bytes)`);
  }
  return decodeNpy(part.data, `field '${name}'`);
}

function timed<T>(stats: ServerStats, op: string, run: () => T): T {
  const start = performance.now();
  const result = run();
  stats.recordOp(op, performance.now() - start);
  return result;
}

function reply(result: Tensor, computeMs: number): TensorReply {
  return {
    body: encodeNpy(result),
    headers: { 'content-type': NPY_CONTENT_TYPE, 'x-genie-compute-ms': computeMs.toFixed(3), 'x-genie-shape': formatShape(result.shape) },
  };
}

export function execute(form: Map<string, FormPart>, config: GenieServerConfig, stats: ServerStats): TensorReply {
  const op = field(form, FIELDS.operation).data.toString('utf8').trim();
  lookupOp(op);
  const input = tensorField(form, FIELDS.tensor, config);
  const start = performance.now();
  const result = timed(stats, op, () => applyOp(op, [input]));
  return reply(result, performance.now() - start);
}

export function executeSubgraph(form: Map<string, FormPart>, config: GenieServerConfig, stats: ServerStats): TensorReply {
  const inputs: Tensor[] = [];
  while (form.has(inputName(inputs.length))) {
    if (inputs.length === MAX_GRAPH_INPUTS) throw new HttpError(400, `at most ${MAX_GRAPH_INPUTS} input tensors (t0..t${MAX_GRAPH_INPUTS - 1})`);
    inputs.push(tensorField(form, inputName(inputs.length), config));
  }
  const graph = parseGraph(field(form, FIELDS.graph).data.toString('utf8'), inputs.length);
  const start = performance.now();
  const result = runGraph(graph, inputs, (op, args) => timed(stats, op, () => applyOp(op, args)));
  return reply(result, performance.now() - start);
}
