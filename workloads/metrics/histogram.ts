// Percentiles from an HDR histogram (3 significant digits), recorded in microseconds so
// sub-ms schedule delays keep their resolution. Mean, min and max are exact.

import * as hdr from 'hdr-histogram-js';

export interface Distribution {
  count: number;
  mean: number | null;
  min: number | null;
  max: number | null;
  p50: number | null;
  p90: number | null;
  p95: number | null;
  p99: number | null;
  p999: number | null;
}

export const PERCENTILES = { p50: 50, p90: 90, p95: 95, p99: 99, p999: 99.9 } as const;

const US_PER_MS = 1000;

export function distribution(valuesMs: readonly number[]): Distribution {
  if (valuesMs.length === 0) {
    return { count: 0, mean: null, min: null, max: null, p50: null, p90: null, p95: null, p99: null, p999: null };
  }
  const h = hdr.build({ bitBucketSize: 64, autoResize: true, lowestDiscernibleValue: 1, numberOfSignificantValueDigits: 3, useWebAssembly: false });
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const v of valuesMs) {
    h.recordValue(Math.max(0, Math.round(v * US_PER_MS)));
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  // HDR reports a bucket's upper edge; clamping keeps p99.9 from exceeding the exact max.
  const at = (p: number): number => Math.min(max, Math.max(min, h.getValueAtPercentile(p) / US_PER_MS));
  const d: Distribution = {
    count: valuesMs.length,
    mean: sum / valuesMs.length,
    min,
    max,
    p50: at(PERCENTILES.p50),
    p90: at(PERCENTILES.p90),
    p95: at(PERCENTILES.p95),
    p99: at(PERCENTILES.p99),
    p999: at(PERCENTILES.p999),
  };
  h.destroy();
  return d;
}
