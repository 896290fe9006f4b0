// KV-aware routing: the worker holding the longest cached prefix of the prompt's blocks
// (chained hashes, so a prefix match is a run of hits from block 0); ties → least loaded.

import { LeastLoadedRouter } from './least-loaded.ts';
import type { RouteDecision, Router, RoutingRequest, WorkerView } from './router.ts';

export function cachedPrefixBlocks(blockHashes: readonly string[], cached: ReadonlySet<string>): number {
  let n = 0;
  while (n < blockHashes.length && cached.has(blockHashes[n]!)) n++;
  return n;
}

export class KvRouter implements Router {
  readonly mode = 'kv';
  private readonly tieBreak = new LeastLoadedRouter();

  pick(request: RoutingRequest, candidates: readonly WorkerView[]): RouteDecision {
    let best = -1;
    let tied: WorkerView[] = [];
    for (const c of candidates) {
      const overlap = cachedPrefixBlocks(request.blockHashes, c.cachedBlocks);
      if (overlap > best) {
        best = overlap;
        tied = [c];
      } else if (overlap === best) {
        tied.push(c);
      }
    }
    const { workerId, reason } = this.tieBreak.pick(request, tied);
    return { workerId, decision: best > 0 ? 'kv_overlap' : 'kv_no_overlap', reason: `kv overlap_blocks=${best}/${request.blockHashes.length} then ${reason}` };
  }
}
