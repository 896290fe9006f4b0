// The five scenarios of seed 001's workload-aware test client, as data: what to send, in
// which order it must queue, and the completion order the policy must produce.

/** X-Workload-Context as an object (sent as JSON), a raw header value, or none. */
export type WaContext = { workload_id: string; criticality: number } | string | undefined;

export interface WaRequestSpec {
  id: string;
  context: WaContext;
  maxTokens: number;
}

export type WaStep =
  /** Send a request; in a queued scenario, wait until it waits in the queue before the next step. */
  | { send: WaRequestSpec }
  /** Wait until the queued requests of a workload have waited this long on average. */
  | { waitForAge: { workloadId: string; ms: number } };

export interface WaScenario {
  name: string;
  description: string;
  /** Steps run behind a request that holds the only slot, released after the last step. */
  queued: boolean;
  steps: WaStep[];
  expectedOrder: string[] | null;
}

const req = (id: string, workload_id: string, criticality: number, maxTokens = 4): WaStep => ({ send: { id, context: { workload_id, criticality }, maxTokens } });

/**
 * The wait boost needs the old request to have waited the frontend's wait-norm-ms (default
 * 5000): then its full wait weight (0.35) beats the criticality gap to a fresh medium one
 * (0.5·(3−1)/4 = 0.25).
 */
export const DEFAULT_BOOST_WAIT_MS = 5_000;

export function waScenarios(boostWaitMs = DEFAULT_BOOST_WAIT_MS): WaScenario[] {
  const stress: WaStep[] = [];
  for (let r = 0; r < 8; r++) for (let w = 0; w < 6; w++) stress.push(req(`w${w}-r${r}`, `tenant-${w}`, 1 + (w % 5), 8));
  return [
    {
      name: 'basic-priority',
      description: 'high > medium > low, whatever the arrival order',
      queued: true,
      steps: [req('low', 'batch', 1), req('medium', 'chat', 3), req('high', 'fraud', 5)],
      expectedOrder: ['high', 'medium', 'low'],
    },
    {
      name: 'wait-time-boost',
      description: 'a low-criticality request that waited long goes before a fresh medium one',
      queued: true,
      steps: [req('old-low', 'batch', 1), { waitForAge: { workloadId: 'batch', ms: boostWaitMs } }, req('fresh-medium', 'chat', 3)],
      expectedOrder: ['old-low', 'fresh-medium'],
    },
    {
      name: 'request-rate-fairness',
      description: 'a low-rate workload goes before a busy one of equal criticality',
      queued: true,
      steps: [...[0, 1, 2, 3, 4].map((i) => req(`busy-${i}`, 'busy', 3)), req('quiet-0', 'quiet', 3)],
      expectedOrder: ['quiet-0', 'busy-0', 'busy-1', 'busy-2', 'busy-3', 'busy-4'],
    },
    {
      name: 'mixed-stress',
      description: '6 workloads x 8 requests at once: every request completes',
      queued: false,
      steps: stress,
      expectedOrder: null,
    },
    {
      name: 'default-workload',
      description: 'missing or malformed X-Workload-Context is served as the default workload',
      queued: false,
      steps: [
        { send: { id: 'no-header-1', context: undefined, maxTokens: 4 } },
        { send: { id: 'no-header-2', context: undefined, maxTokens: 4 } },
        { send: { id: 'bad-json-1', context: '{"workload_id":', maxTokens: 4 } },
        { send: { id: 'bad-json-2', context: '{"workload_id":', maxTokens: 4 } },
        { send: { id: 'bad-crit', context: { workload_id: 'x', criticality: 9 }, maxTokens: 4 } },
      ],
      expectedOrder: null,
    },
  ];
}
