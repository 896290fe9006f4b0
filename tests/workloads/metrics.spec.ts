import { test, expect } from 'servewright';
import { requestMetrics } from '../../workloads/metrics/definitions.ts';
import { distribution } from '../../workloads/metrics/histogram.ts';
import { summarize, type RunInfo } from '../../workloads/metrics/summary.ts';
import type { RequestResult } from '../../workloads/send/result.ts';

const T0 = 1_700_000_000_000;
const INFO: RunInfo = { trace: 't.csv', arrival: 'trace timestamps', loop: 'open loop', apiBase: 'http://x/', skippedRows: 0, startMs: T0 };

/**
 * Ten requests with known answers: request i is due at T0 + 100·i and sent 1 ms late
 * (request 9: 10 ms), TTFT = 50·(i+1), then 11 tokens 10 ms apart, so ITL = 10,
 * E2E = TTFT + 100 and TPOT = 100 / 10 = 10. Request 7 fails with HTTP 500; request 8
 * carries its own 1000 ms SLO. Priorities: 0–4 high, 5–9 low.
 */
function crafted(): RequestResult[] {
  return Array.from({ length: 10 }, (_, i) => {
    const scheduledMs = T0 + 100 * i;
    const firstTokenMs = scheduledMs + 50 * (i + 1);
    const r: RequestResult = {
      id: `r${i}`,
      line: i + 2,
      mode: i % 2 === 0 ? 'interactive' : 'batch',
      priority: i < 5 ? 'high' : 'low',
      model: i < 3 ? 'a' : 'b',
      classify: false,
      stream: true,
      scheduledMs,
      sentMs: scheduledMs + (i === 9 ? 10 : 1),
      firstTokenMs,
      tokenChunkMs: Array.from({ length: 11 }, (_, k) => firstTokenMs + 10 * k),
      endMs: firstTokenMs + 100,
      status: i === 7 ? 500 : 200,
      outputTokens: 11,
      promptTokens: 5,
      queueMs: i,
    };
    if (i === 7) r.error = 'HTTP 500: boom';
    if (i === 8) r.sloMs = 1000;
    return r;
  });
}

test.describe('metrics', { tag: ['@e2e', '@workloads'] }, () => {
  test('per-request definitions: TTFT, TPOT, ITL, E2E, client duration, schedule delay', () => {
    const r = crafted()[2]!;
    const m = requestMetrics(r, { e2eMs: 300 });
    expect(m).toMatchObject({ ok: true, ttftMs: 150, e2eMs: 250, clientDurationMs: 249, scheduleDelayMs: 1, queueMs: 2, sloMet: true });
    expect(m.tpotMs).toBeCloseTo(10, 9);
    expect(m.itlMs).toEqual(new Array(10).fill(10));
    const oneToken = requestMetrics({ ...r, outputTokens: 1, tokenChunkMs: [r.firstTokenMs!] }, {});
    expect(oneToken.tpotMs).toBeUndefined();
    expect(requestMetrics({ ...r, status: 500, error: 'HTTP 500' }, {}).sloMet).toBe(false);
  });

  test('summary of a crafted run has the known answers', () => {
    const s = summarize(crafted(), { e2eMs: 400 }, INFO);
    expect(s.run).toMatchObject({ requests: 10, sent: 10, durationS: 1.5 });
    expect(s.overall).toMatchObject({ requests: 10, succeeded: 9, failed: 1 });
    // E2E = 150..600 by 50; within 400: requests 0–5, plus request 8 under its own 1000 ms SLO.
    expect(s.overall.slo.met).toBe(7);
    expect(s.overall.slo.compliance).toBeCloseTo(0.7, 9);
    expect(s.overall.slo.perMetric.e2e).toMatchObject({ met: 7, measured: 9, withoutValue: 0 });
    expect(s.overall.slo.perMetric.e2e!.compliance).toBeCloseTo(7 / 9, 9);
    expect(s.overall.throughput.goodputRequestsPerS).toBeCloseTo(7 / 1.5, 9);
    expect(s.overall.throughput.requestsPerS).toBeCloseTo(9 / 1.5, 9);
    expect(s.overall.throughput.outputTokensPerS).toBeCloseTo(99 / 1.5, 9);
    expect(s.overall.throughput.totalTokensPerS).toBeCloseTo(144 / 1.5, 9);
    // Succeeded TTFTs: 50..500 without 400 → median 250, max 500.
    expect(s.overall.ttftMs.count).toBe(9);
    expect(s.overall.ttftMs.p50!).toBeCloseTo(250, 0);
    expect(s.overall.ttftMs.p99!).toBeCloseTo(500, 0);
    expect(s.overall.ttftMs.max).toBe(500);
    expect(s.overall.tpotMs.mean!).toBeCloseTo(10, 9);
    expect(s.overall.itlMs.count).toBe(90);
    expect(s.overall.queueMs.max).toBe(9);
    // Requested: 9 intervals over 900 ms; achieved: 9 over 909 ms.
    expect(s.schedule.requestedRps!).toBeCloseTo(10, 9);
    expect(s.schedule.achievedRps!).toBeCloseTo(9000 / 909, 9);
    expect(s.schedule.rateRatio!).toBeCloseTo(900 / 909, 9);
    expect(s.schedule.delayMs.max).toBe(10);
    expect(s.errors).toEqual({ 'HTTP 500': 1 });
    expect(Object.keys(s.byPriority)).toEqual(['high', 'low']);
    expect(s.byPriority['high']!.slo.met).toBe(5);
    expect(s.byPriority['low']!).toMatchObject({ requests: 5, failed: 1, slo: { met: 2 } });
    expect(s.byModel['a']!.requests).toBe(3);
    expect(s.byMode['batch']!.requests).toBe(5);
  });

  test('per-metric SLOs combine: a request meets its SLO only if it meets all of them', () => {
    const s = summarize(crafted(), { e2eMs: 400, ttftMs: 275, tpotMs: 10 }, INFO);
    // TTFT ≤ 275: requests 0–4; all of those also meet E2E and TPOT.
    expect(s.overall.slo.met).toBe(5);
    expect(s.overall.slo.perMetric.ttft!.compliance).toBeCloseTo(5 / 9, 9);
    expect(s.overall.slo.perMetric.tpot).toEqual({ compliance: 1, met: 9, measured: 9, withoutValue: 0 });
    expect(summarize(crafted(), { tpotMs: 9 }, INFO).overall.slo.met).toBe(0);
  });

  test('compliance definition: a request without a value meets the overall SLO, and is left out of that metric\'s ratio', () => {
    // Requests 0–3 did not stream, so they have no TTFT (and no TPOT); 4–9 did.
    const results = crafted().map((r, i) => (i < 4 ? { ...r, stream: false, firstTokenMs: undefined, tokenChunkMs: [] } : r)) as RequestResult[];
    for (const r of results) if (r.firstTokenMs === undefined) delete r.firstTokenMs;
    // TTFT of 4–9 is 250..500: only request 4 (250) is within 275. Request 7 failed.
    const s = summarize(results, { ttftMs: 275 }, INFO);
    expect(s.overall.slo.perMetric.ttft).toEqual({ compliance: 1 / 5, met: 1, measured: 5, withoutValue: 4 });
    // Overall: the 4 requests without TTFT meet (nothing measured can miss), plus request 4.
    expect(s.overall.slo.met).toBe(5);
    expect(s.overall.slo.compliance).toBeCloseTo(5 / 10, 9);
  });

  test('by provider and served model: provider from the result, model as the server reported it', () => {
    const results = crafted().map((r, i) => ({ ...r, servedModel: i < 6 ? 'llama' : 'qwen', provider: i < 6 ? 'vllm' : 'sglang' }));
    delete (results[7] as Partial<RequestResult>).provider;
    const s = summarize(results, {}, INFO);
    expect(Object.keys(s.byProvider).sort()).toEqual(['(not in /v1/models)', 'sglang', 'vllm']);
    expect(s.byProvider['vllm']!['llama']!.requests).toBe(6);
    expect(s.byProvider['sglang']!['qwen']!.requests).toBe(3);
    expect(s.byProvider['(not in /v1/models)']!['qwen']!).toMatchObject({ requests: 1, failed: 1 });
  });

  test('HDR percentiles keep 3 significant digits and sub-ms resolution', () => {
    const values = Array.from({ length: 100_000 }, (_, i) => (i + 1) / 100);
    const d = distribution(values);
    expect(d.count).toBe(100_000);
    expect(d.p50!).toBeCloseTo(500, 0);
    expect(d.p90!).toBeCloseTo(900, 0);
    expect(Math.abs(d.p999! - 999) / 999).toBeLessThan(0.001);
    expect(distribution([0.25, 0.25, 0.75]).p50!).toBeCloseTo(0.25, 3);
    expect(distribution([])).toMatchObject({ count: 0, p50: null });
  });
});
