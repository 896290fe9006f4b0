// results.json of workload-aware scenarios (seed 001's test client writes one): per request
// its workload, send and completion time, duration and status; per scenario the completion
// order against the order the policy should produce. The standalone client
// (workloads/workload-aware/cli.ts) and tests/scheduling/workload-aware.spec.ts both write it.

import { writeFile } from 'node:fs/promises';

export interface WaRequestRecord {
  id: string;
  /** As sent in X-Workload-Context; absent when the request sent none or a malformed one. */
  workloadId?: string;
  criticality?: number;
  sendTime: string;
  completeTime: string;
  /** ms from the scenario start. */
  sendMs: number;
  completeMs: number;
  durationMs: number;
  statusCode: number;
  /** 0 for the request that completed first. */
  completionIndex: number;
  error?: string;
}

export interface WaScenarioResult {
  scenario: string;
  startedAt: string;
  /** The order the policy should complete the requests in; null when any order is right. */
  expectedOrder: string[] | null;
  completionOrder: string[];
  /** null without an expected order. */
  inExpectedOrder: boolean | null;
  allSucceeded: boolean;
  requests: WaRequestRecord[];
}

export interface WaResults {
  apiBase: string;
  /** How requests were made to queue: behind a blocker with the queue read from /debug/scheduler, or paced. */
  strategy: string;
  scenarios: WaScenarioResult[];
}

/** One request as observed: epoch ms of send and completion. */
export interface WaObservation {
  id: string;
  workloadId?: string;
  criticality?: number;
  sentAtMs: number;
  completedAtMs: number;
  statusCode: number;
  error?: string;
}

const iso = (ms: number): string => new Date(ms).toISOString();

export function scenarioResult(scenario: string, startedAtMs: number, observed: readonly WaObservation[], expectedOrder: string[] | null): WaScenarioResult {
  const byCompletion = [...observed].sort((a, b) => a.completedAtMs - b.completedAtMs);
  const completionOrder = byCompletion.map((o) => o.id);
  const requests = observed.map((o): WaRequestRecord => {
    const r: WaRequestRecord = {
      id: o.id,
      sendTime: iso(o.sentAtMs),
      completeTime: iso(o.completedAtMs),
      sendMs: o.sentAtMs - startedAtMs,
      completeMs: o.completedAtMs - startedAtMs,
      durationMs: o.completedAtMs - o.sentAtMs,
      statusCode: o.statusCode,
      completionIndex: completionOrder.indexOf(o.id),
    };
    if (o.workloadId !== undefined) r.workloadId = o.workloadId;
    if (o.criticality !== undefined) r.criticality = o.criticality;
    if (o.error !== undefined) r.error = o.error;
    return r;
  });
  return {
    scenario,
    startedAt: iso(startedAtMs),
    expectedOrder,
    completionOrder,
    inExpectedOrder: expectedOrder === null ? null : expectedOrder.join('\n') === completionOrder.join('\n'),
    allSucceeded: observed.every((o) => o.statusCode === 200 && o.error === undefined),
    requests,
  };
}

export async function writeResults(file: string, results: WaResults): Promise<void> {
  await writeFile(file, `${JSON.stringify(results, null, 2)}\n`);
}
