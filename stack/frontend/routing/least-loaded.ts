// Fewest in-flight requests from this frontend; ties rotate round-robin so an idle
// cluster still spreads sequential requests.

import { RoundRobinRouter } from './round-robin.ts';
import type { RouteDecision, Router, RoutingRequest, WorkerView } from './router.ts';

export function leastLoaded(candidates: readonly WorkerView[]): WorkerView[] {
  let min = Infinity;
  for (const c of candidates) min = Math.min(min, c.inFlight);
  return candidates.filter((c) => c.inFlight === min);
}

export class LeastLoadedRouter implements Router {
  readonly mode = 'least-loaded';
  private readonly tieBreak = new RoundRobinRouter();

  pick(request: RoutingRequest, candidates: readonly WorkerView[]): RouteDecision {
    const least = leastLoaded(candidates);
    const { workerId } = this.tieBreak.pick(request, least);
    return { workerId, decision: 'least_loaded', reason: `least-loaded in_flight=${least[0]!.inFlight}` };
  }
}
