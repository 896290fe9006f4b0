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

export interface RouteDecision {
  workerId: string;
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
