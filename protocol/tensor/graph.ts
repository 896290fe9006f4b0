// Op graphs for /execute_subgraph: intermediates stay on the server, only the output returns.
import { applyOp, lookupOp } from './ops.ts';
import { TensorError, type Tensor } from './tensor.ts';

export interface GraphNode {
  id: string;
  op: string;
  /** Input tensor names (`t0`, `t1`, ...) or ids of earlier nodes. */
  inputs: string[];
}

export interface OpGraph {
  nodes: GraphNode[];
  output: string;
}

export const inputName = (i: number): string => `t${i}`;

/**
 * What the mock's GET / says in `graph_format`: this JSON graph plus `t0`, `t1`, ... tensor
 * parts. Clients detect the format by it, not by an /execute_subgraph endpoint, which a later
 * real Genie has with another body.
 */
export const GRAPH_FORMAT = 'servewright-op-graph/1';

/** Validates untrusted JSON into an OpGraph whose references all resolve, in order. */
export function parseGraph(json: string, inputCount: number): OpGraph {
  const fail = (msg: string): never => {
    throw new TensorError('bad-graph', `graph: ${msg}`);
  };
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (err) {
    return fail(`not valid JSON (${(err as Error).message})`);
  }
  if (typeof raw !== 'object' || raw === null) return fail('must be an object { nodes, output }');
  const { nodes, output } = raw as Record<string, unknown>;
  if (!Array.isArray(nodes) || nodes.length === 0) fail('field nodes must be a non-empty array');
  const known = new Set(Array.from({ length: inputCount }, (_, i) => inputName(i)));
  const parsed = (nodes as unknown[]).map((node, i): GraphNode => {
    const at = `nodes[${i}]`;
    const n = (typeof node === 'object' && node !== null ? node : fail(`${at} must be an object`)) as Record<string, unknown>;
    if (typeof n.id !== 'string' || n.id === '') fail(`${at}.id must be a non-empty string`);
    if (typeof n.op !== 'string') fail(`${at}.op must be a string`);
    if (!Array.isArray(n.inputs) || !n.inputs.every((x) => typeof x === 'string')) fail(`${at}.inputs must be an array of strings`);
    const { id, op, inputs } = n as unknown as GraphNode;
    if (known.has(id)) fail(`${at}.id '${id}' is already defined`);
    lookupOp(op);
    inputs.forEach((ref, j) => known.has(ref) || fail(`${at}.inputs[${j}] '${ref}' is neither an input tensor nor an earlier node`));
    known.add(id);
    return { id, op, inputs };
  });
  if (typeof output !== 'string' || !parsed.some((n) => n.id === output)) fail(`output must name a node id, got ${JSON.stringify(output)}`);
  return { nodes: parsed, output: output as string };
}

/** `apply` lets a caller wrap each node's execution (the server times every op). */
export function runGraph(graph: OpGraph, inputs: Tensor[], apply = applyOp): Tensor {
  const values = new Map<string, Tensor>(inputs.map((t, i) => [inputName(i), t]));
  for (const node of graph.nodes) {
    values.set(node.id, apply(node.op, node.inputs.map((ref) => values.get(ref)!)));
  }
  return values.get(graph.output)!;
}
