// Arrival processes: when each request of a run is due, as ms offsets from the start.
// Every process but "trace" keeps the trace's requests and order and replaces its times.

import { exponential, gamma, seededRandom } from './random.ts';

export type ArrivalProcess =
  | { kind: 'trace'; timeScale: number }
  | { kind: 'constant'; rate: number }
  | { kind: 'poisson'; rate: number; seed: number }
  /** burstiness = Gamma shape (as in vllm bench serve): 1 is Poisson, below 1 burstier. */
  | { kind: 'gamma'; rate: number; burstiness: number; seed: number }
  /** Rate grows linearly from `from` to `to` req/s over durationS, then stays at `to`. */
  | { kind: 'ramp'; from: number; to: number; durationS: number };

export function describeArrival(p: ArrivalProcess): string {
  switch (p.kind) {
    case 'trace':
      return p.timeScale === 1 ? 'trace timestamps' : `trace timestamps x${p.timeScale}`;
    case 'constant':
      return `constant ${p.rate} req/s`;
    case 'poisson':
      return `Poisson ${p.rate} req/s (seed ${p.seed})`;
    case 'gamma':
      return `Gamma ${p.rate} req/s, burstiness ${p.burstiness} (seed ${p.seed})`;
    case 'ramp':
      return `ramp ${p.from} -> ${p.to} req/s over ${p.durationS} s`;
  }
}

/** Time (s) of the n-th arrival of a linear ramp: solves from·t + (to−from)·t²/(2T) = n. */
function rampTime(n: number, from: number, to: number, T: number): number {
  const slope = (to - from) / T;
  const rampCount = from * T + (slope * T * T) / 2;
  if (n >= rampCount) return T + (n - rampCount) / to;
  if (slope === 0) return n / from;
  return (-from + Math.sqrt(from * from + 2 * slope * n)) / slope;
}

export function arrivalOffsets(traceOffsetsMs: readonly number[], p: ArrivalProcess): number[] {
  const n = traceOffsetsMs.length;
  switch (p.kind) {
    case 'trace': {
      const origin = traceOffsetsMs[0] ?? 0;
      return traceOffsetsMs.map((t) => (t - origin) * p.timeScale);
    }
    case 'constant':
      return Array.from({ length: n }, (_, i) => (i * 1000) / p.rate);
    case 'poisson':
    case 'gamma': {
      const random = seededRandom(p.seed);
      const meanMs = 1000 / p.rate;
      const shape = p.kind === 'gamma' ? p.burstiness : 1;
      const gap = p.kind === 'poisson' ? () => exponential(random, meanMs) : () => gamma(random, shape, meanMs / shape);
      const out: number[] = [];
      let t = 0;
      for (let i = 0; i < n; i++) {
        out.push(t);
        t += gap();
      }
      return out;
    }
    case 'ramp':
      return Array.from({ length: n }, (_, i) => rampTime(i, p.from, p.to, p.durationS) * 1000);
  }
}
