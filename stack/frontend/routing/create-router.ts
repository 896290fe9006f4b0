// The table of routing modes the frontend's --router-mode flag accepts. A router file
// adds one entry here; the CLI validates against these keys.

import { KvRouter } from './kv.ts';
import { LeastLoadedRouter } from './least-loaded.ts';
import { LocalityRouter } from './locality.ts';
import { RandomRouter } from './random.ts';
import { RoundRobinRouter } from './round-robin.ts';
import type { Router } from './router.ts';

export interface RouterOptions {
  /** Locality router: prompts up to this many tokens go to the least-loaded worker. */
  localityThresholdTokens?: number;
}

export type RouterFactory = (log: (line: string) => void, opts: RouterOptions) => Router;

const factories: Record<string, RouterFactory> = {
  'round-robin': () => new RoundRobinRouter(),
  random: () => new RandomRouter(),
  'least-loaded': () => new LeastLoadedRouter(),
  kv: () => new KvRouter(),
  locality: (_log, opts) => new LocalityRouter(opts.localityThresholdTokens),
};

export function routerModes(): string[] {
  return Object.keys(factories);
}

export function createRouter(mode: string, log: (line: string) => void, opts: RouterOptions = {}): Router {
  const factory = factories[mode];
  if (!factory) throw new Error(`unknown router mode "${mode}" (known: ${routerModes().join(', ')})`);
  return factory(log, opts);
}
