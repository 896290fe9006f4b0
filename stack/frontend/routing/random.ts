import type { RouteDecision, Router, RoutingRequest, WorkerView } from './router.ts';

export class RandomRouter implements Router {
  readonly mode = 'random';

  constructor(private readonly random: () => number = Math.random) {}

  pick(_request: RoutingRequest, candidates: readonly WorkerView[]): RouteDecision {
    const pick = candidates[Math.floor(this.random() * candidates.length)] ?? candidates[0]!;
    return { workerId: pick.registration.id, decision: 'random', reason: 'random' };
  }
}
