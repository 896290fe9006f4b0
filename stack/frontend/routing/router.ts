// The seam between the dispatch loop and routing policies: the scheduler decides WHICH
// request goes next, a Router decides WHERE it goes among the workers that have room.

import type { WorkerRegistration } from '../../../protocol/messages.ts';

export interface WorkerView {
  registration: WorkerRegistration;
  /** Requests this frontend has in flight on the worker. */
  inFlight: number;
  /** Prefix-cache block hashes the worker reported as stored (from KV events). */
  cachedBlocks: ReadonlySet<string>;
}

export interface RoutingRequest {
  requestId: string;
  promptTokens: readonly number[];
  blockHashes: readonly string[];
  programId?: string;
}

/**
 * What kind of choice a router made: the `decision` label of the frontend's
 * router_decisions_total counter, so its values are a small fixed set.
 */
export type DecisionKind =
  | 'round_robin'
  | 'random'
  | 'least_loaded'
  | 'kv_overlap'
  | 'kv_no_overlap'
  /** Locality: a long prompt went back to its program's cache holder. */
  | 'locality_hit'
  /** Locality: a long prompt's program had no holder yet; the worker picked becomes it. */
  | 'locality_new_holder'
  /** Locality: the holder was full, so the long prompt went elsewhere. */
  | 'locality_holder_full'
  | 'locality_short_prompt'
  | 'locality_no_program';

export interface RouteDecision {
  workerId: string;
  decision: DecisionKind;
  /** Why, for the routing log line and /debug output. */
  reason: string;
}

export interface Router {
  readonly mode: string;
  /** `candidates` is never empty and holds only workers below their capacity. */
  pick(request: RoutingRequest, candidates: readonly WorkerView[]): RouteDecision;
  /** Called once a request finishes on a worker, for routers that keep affinity state. */
  completed?(request: RoutingRequest, workerId: string): void;
}
