// The one place where each metric is defined. README's "Metrics" table quotes these.
// All latencies count from the request's scheduled time (open loop), not from when the
// sender got round to it, so sender or server stalls show up as latency.

import { succeeded, type RequestResult } from '../send/result.ts';

export interface SloTargets {
  /** End-to-end latency SLO for every request (--latency-slo-ms); a row's slo_ms overrides it. */
  e2eMs?: number;
  ttftMs?: number;
  tpotMs?: number;
}

export interface RequestMetrics {
  ok: boolean;
  /** TTFT: scheduled time → first chunk with generated text. Streaming requests only. */
  ttftMs?: number;
  /** TPOT = (E2E − TTFT) / (output tokens − 1); needs TTFT and more than one output token. */
  tpotMs?: number;
  /** ITL: gaps between consecutive chunks that carried generated text. */
  itlMs: number[];
  /** E2E: scheduled time → last byte of the response. */
  e2eMs: number;
  /** Client duration: actual send → last byte (what a client that sent late would see). */
  clientDurationMs: number;
  /** Schedule delay: scheduled time → actual send; the load generator's own lateness. */
  scheduleDelayMs: number;
  /** Queue time reported by the server (x-servewright-queue-ms), when it reports one. */
  queueMs?: number;
  outputTokens: number;
  promptTokens?: number;
  /** The E2E SLO that applies to this request, if any. */
  e2eSloMs?: number;
  /** Per metric with a target and a value for this request: did it meet the target. */
  met: { e2e?: boolean; ttft?: boolean; tpot?: boolean };
  /** Succeeded and met every SLO that applies (a request with no SLO meets it). */
  sloMet: boolean;
}

export function requestMetrics(r: RequestResult, slo: SloTargets): RequestMetrics {
  const ok = succeeded(r);
  const e2eMs = r.endMs - r.scheduledMs;
  const m: RequestMetrics = {
    ok,
    itlMs: [],
    e2eMs,
    clientDurationMs: r.endMs - r.sentMs,
    scheduleDelayMs: r.sentMs - r.scheduledMs,
    outputTokens: r.outputTokens,
    met: {},
    sloMet: false,
  };
  if (r.firstTokenMs !== undefined) m.ttftMs = r.firstTokenMs - r.scheduledMs;
  if (m.ttftMs !== undefined && r.outputTokens > 1) m.tpotMs = (e2eMs - m.ttftMs) / (r.outputTokens - 1);
  for (let i = 1; i < r.tokenChunkMs.length; i++) m.itlMs.push(r.tokenChunkMs[i]! - r.tokenChunkMs[i - 1]!);
  if (r.queueMs !== undefined) m.queueMs = r.queueMs;
  if (r.promptTokens !== undefined) m.promptTokens = r.promptTokens;
  const e2eSlo = r.sloMs ?? slo.e2eMs;
  if (e2eSlo !== undefined) m.e2eSloMs = e2eSlo;
  const checks = { e2e: [e2eMs, e2eSlo], ttft: [m.ttftMs, slo.ttftMs], tpot: [m.tpotMs, slo.tpotMs] } as const;
  for (const [name, [value, target]] of Object.entries(checks)) {
    if (value !== undefined && target !== undefined) m.met[name as keyof typeof checks] = value <= target;
  }
  // A metric the request has no value for (TTFT of a non-streaming request) cannot miss.
  m.sloMet = ok && Object.values(m.met).every(Boolean);
  return m;
}
