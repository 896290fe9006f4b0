// Autellix's locality rule: short prompts are cheap to prefill anywhere, so they go to
// the least-loaded worker; a long prompt goes back to the worker that served its
// program's earlier long request, where the program's KV cache lives. When that worker
// is full (or the program has no holder yet) the least-loaded worker takes it and, if
// there was no holder, becomes the holder.

import { evictIdle, touch } from '../scheduler/idle-eviction.ts';
import { LeastLoadedRouter } from './least-loaded.ts';
import type { DecisionKind, RouteDecision, Router, RoutingRequest, WorkerView } from './router.ts';

export const DEFAULT_LOCALITY_THRESHOLD_TOKENS = 2048;

export class LocalityRouter implements Router {
  readonly mode = 'locality';
  private readonly leastLoaded = new LeastLoadedRouter();
  /** programId → worker holding the program's long-prompt cache. */
  private readonly holders = new Map<string, string>();

  constructor(
    private readonly thresholdTokens = DEFAULT_LOCALITY_THRESHOLD_TOKENS,
    private readonly maxPrograms = 10_000,
  ) {}

  pick(request: RoutingRequest, candidates: readonly WorkerView[]): RouteDecision {
    const tokens = request.promptTokens.length;
    if (tokens <= this.thresholdTokens) return this.fallback(request, candidates, 'locality_short_prompt', 'short prompt');
    if (request.programId === undefined) return this.fallback(request, candidates, 'locality_no_program', 'long prompt without program id');
    const holder = this.holders.get(request.programId);
    if (holder !== undefined && candidates.some((c) => c.registration.id === holder)) {
      touch(this.holders, request.programId, holder);
      return { workerId: holder, decision: 'locality_hit', reason: `locality: cache holder of program ${request.programId}` };
    }
    const decision =
      holder === undefined
        ? this.fallback(request, candidates, 'locality_new_holder', 'long prompt, no cache holder yet')
        : this.fallback(request, candidates, 'locality_holder_full', `cache holder ${holder} full`);
    if (holder === undefined) {
      touch(this.holders, request.programId, decision.workerId);
      evictIdle(this.holders, this.maxPrograms, () => true);
    }
    return decision;
  }

  private fallback(request: RoutingRequest, candidates: readonly WorkerView[], kind: DecisionKind, why: string): RouteDecision {
    const decision = this.leastLoaded.pick(request, candidates);
    return { workerId: decision.workerId, decision: kind, reason: `locality: ${why}; ${decision.reason}` };
  }
}
