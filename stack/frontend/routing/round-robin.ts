// Round-robin over worker ids: the next candidate after the last one picked, in id order,
// so two workers alternate even when the candidate set changes between requests.

import type { RouteDecision, Router, RoutingRequest, WorkerView } from './router.ts';

export class RoundRobinRouter implements Router {
  readonly mode = 'round-robin';
  private lastId = '';

  pick(_request: RoutingRequest, candidates: readonly WorkerView[]): RouteDecision {
    let chosen: WorkerView | undefined;
    let lowest: WorkerView | undefined;
    for (const c of candidates) {
      const id = c.registration.id;
      if (!lowest || id < lowest.registration.id) lowest = c;
      if (id > this.lastId && (!chosen || id < chosen.registration.id)) chosen = c;
    }
    const pick = (chosen ?? lowest)!;
    this.lastId = pick.registration.id;
    return { workerId: pick.registration.id, decision: 'round_robin', reason: 'round-robin' };
  }
}
