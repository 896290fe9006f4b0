import type { ScenarioMetrics } from './attachments.ts';

/** Several scenario-metrics attachments of one scenario (or one mode) folded together. */
export interface ScenarioAggregate {
  name: string;
  mode?: string;
  runs: number;
  requests: number;
  totalDurationMs: number;
  latencyMs: { min: number; avg: number; max: number; p95: number };
  tokens: number;
  engineDistribution: Record<string, number>;
  cache?: { hits: number; lookups: number; hitRate: number };
  serviceTimeMs?: number;
}

function sumRecords(records: Record<string, number>[]): Record<string, number> {
  const total: Record<string, number> = {};
  for (const record of records) {
    for (const [key, count] of Object.entries(record)) total[key] = (total[key] ?? 0) + count;
  }
  return total;
}

function sumDefined(values: (number | undefined)[]): number | undefined {
  const present = values.filter((v): v is number => v !== undefined);
  return present.length === 0 ? undefined : present.reduce((a, b) => a + b, 0);
}

/**
 * min and max are exact; avg is weighted by request count; p95 is the largest of the
 * parts' p95s — an upper bound, since the raw samples are not in the attachment.
 */
export function aggregate(name: string, parts: ScenarioMetrics[], mode?: string): ScenarioAggregate {
  if (parts.length === 0) throw new Error(`aggregate("${name}"): no scenario-metrics to fold`);
  const requests = parts.reduce((sum, p) => sum + p.requests, 0);
  const weightedAvg =
    requests === 0
      ? parts.reduce((sum, p) => sum + p.latencyMs.avg, 0) / parts.length
      : parts.reduce((sum, p) => sum + p.latencyMs.avg * p.requests, 0) / requests;
  const caches = parts.flatMap((p) => (p.cache ? [p.cache] : []));
  const hits = caches.reduce((sum, c) => sum + c.hits, 0);
  const lookups = caches.reduce((sum, c) => sum + c.lookups, 0);
  return {
    name,
    mode,
    runs: parts.length,
    requests,
    totalDurationMs: parts.reduce((sum, p) => sum + p.totalDurationMs, 0),
    latencyMs: {
      min: Math.min(...parts.map((p) => p.latencyMs.min)),
      avg: weightedAvg,
      max: Math.max(...parts.map((p) => p.latencyMs.max)),
      p95: Math.max(...parts.map((p) => p.latencyMs.p95)),
    },
    tokens: parts.reduce((sum, p) => sum + p.tokens, 0),
    engineDistribution: sumRecords(parts.map((p) => p.engineDistribution)),
    cache: caches.length === 0 ? undefined : { hits, lookups, hitRate: lookups === 0 ? 0 : hits / lookups },
    serviceTimeMs: sumDefined(parts.map((p) => p.serviceTimeMs)),
  };
}

function groupBy<K>(items: ScenarioMetrics[], key: (m: ScenarioMetrics) => K | undefined): Map<K, ScenarioMetrics[]> {
  const groups = new Map<K, ScenarioMetrics[]>();
  for (const item of items) {
    const k = key(item);
    if (k === undefined) continue;
    groups.set(k, [...(groups.get(k) ?? []), item]);
  }
  return groups;
}

/** One aggregate per scenario name, in first-seen order. A scenario run under two modes stays one row per mode. */
export function byScenario(metrics: ScenarioMetrics[]): ScenarioAggregate[] {
  const groups = groupBy(metrics, (m) => JSON.stringify([m.scenario, m.mode ?? null]));
  return [...groups.values()].map((parts) => aggregate(parts[0]!.scenario, parts, parts[0]!.mode));
}

/** One aggregate per scheduling mode; scenarios without a mode are left out. */
export function byMode(metrics: ScenarioMetrics[]): ScenarioAggregate[] {
  return [...groupBy(metrics, (m) => m.mode).entries()].map(([mode, parts]) => aggregate(mode, parts, mode));
}
