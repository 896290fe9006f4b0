// The Autellix seed's two ways to run its suite: quick (`num_engines=2`,
// `skip_long_scenarios=True`) for CI smoke runs, full (`num_engines=4` by default) for
// regression runs. AUTELLIX_NUM_ENGINES overrides the engine count of both.

export const NUM_ENGINES_ENV = 'AUTELLIX_NUM_ENGINES';

export interface RsmMode {
  name: 'quick' | 'full';
  tier: '@e2e' | '@slow';
  numEngines: number;
  /** Mock engine timing (1 = the mock's vLLM-like 10 ms per token); undefined keeps the profile's fast default. */
  speedup?: number;
  chatTurns: number;
  researchBranches: number;
  /** Concurrent sessions per engine in the load-balancing scenario. */
  sessionsPerEngine: number;
  sessionTurns: number;
  localityPrograms: number;
  localityTurns: number;
  /** Tokens of each locality program's shared prefix: above the 2,048-token threshold. */
  localityPrefixTokens: number;
}

/** The engine count from the environment, or `fallback`; anything but an integer ≥ 2 is an error naming the variable. */
export function numEngines(env: NodeJS.ProcessEnv, fallback: number): number {
  const raw = env[NUM_ENGINES_ENV];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 2) {
    throw new Error(`${NUM_ENGINES_ENV}="${raw}": expected an integer of at least 2 (load balancing needs two engines to compare)`);
  }
  return n;
}

export function rsmModes(env: NodeJS.ProcessEnv = process.env): RsmMode[] {
  return [
    {
      name: 'quick',
      tier: '@e2e',
      numEngines: numEngines(env, 2),
      chatTurns: 5,
      researchBranches: 3,
      sessionsPerEngine: 2,
      sessionTurns: 3,
      localityPrograms: 2,
      localityTurns: 3,
      localityPrefixTokens: 2_100,
    },
    {
      // The seed's example output: 10 chatbot turns, a research agent of 7 calls.
      name: 'full',
      tier: '@slow',
      numEngines: numEngines(env, 4),
      // Real mock timings: calls last long enough for programs to sink through the queues.
      speedup: 1,
      chatTurns: 10,
      researchBranches: 5,
      sessionsPerEngine: 3,
      sessionTurns: 5,
      localityPrograms: 3,
      localityTurns: 5,
      localityPrefixTokens: 4_096,
    },
  ];
}
