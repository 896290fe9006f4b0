import { test, expect } from 'servewright';
import { measure } from '../../workloads/metrics/summary.ts';
import { chartSpecs } from '../../workloads/output/charts.ts';
import { toCsv } from '../../workloads/output/csv-writer.ts';
import { detailedTable } from '../../workloads/output/rows.ts';
import type { RequestResult } from '../../workloads/send/result.ts';

// A small epoch keeps the crafted times exact (at 1.7e12 a double resolves 0.24 µs).
const T0 = 1_000;

/** Streamed, due at T0 + due, sent `late` ms after, first token after `ttft`, then `tokens − 1` gaps of `gap`. */
function result(id: string, due: number, late: number, ttft: number, tokens: number, gap: number): RequestResult {
  const scheduledMs = T0 + due;
  const firstTokenMs = scheduledMs + ttft;
  const chunks = Array.from({ length: tokens }, (_, k) => firstTokenMs + gap * k);
  return {
    id, line: 2, mode: 'interactive', priority: 'high', model: 'm', classify: false, stream: true,
    scheduledMs, sentMs: scheduledMs + late, firstTokenMs, tokenChunkMs: chunks, endMs: chunks.at(-1)!, status: 200, outputTokens: tokens,
  };
}

test.describe('replay outputs', { tag: ['@e2e', '@workloads'] }, () => {
  test('the detailed CSV shows a TPOT miss of a fraction of a µs, and which metric missed', () => {
    // TPOT = (E2E − TTFT) / (tokens − 1) = 0.40036 ms: over a 0.4 ms SLO, which 3 decimals printed as 0.400.
    const rows = measure([result('slow', 0, 0, 10, 101, 0.40036), result('fast', 5, 0, 10, 101, 0.39)], { e2eMs: 1000, tpotMs: 0.4 });
    const { header, rows: cells } = detailedTable(rows, T0);
    const lines = toCsv(header, cells).trimEnd().split('\n').map((l) => l.split(','));
    const col = (name: string) => header.indexOf(name);
    expect(lines[1]![col('tpot_ms')]).toBe('0.40036');
    expect(lines[1]![col('tpot_met')]).toBe('false');
    expect(lines[1]![col('e2e_met')]).toBe('true');
    expect(lines[1]![col('ttft_met')]).toBe('');
    expect(lines[1]![col('slo_met')]).toBe('false');
    expect(lines[2]![col('tpot_met')]).toBe('true');
    expect(toCsv(['v'], [[1 / 3], [12.5], [7]])).toBe('v\n0.333333\n12.5\n7\n');
  });

  test('the client duration chart plots actual send → last byte by send time, not E2E from the schedule', () => {
    // Sent 300 ms late, answered 50 ms later: E2E 350 ms, client duration 50 ms.
    const rows = measure([result('late', 100, 300, 340, 2, 10)], {});
    const spec = chartSpecs(rows, T0)['client_duration'] as { data: { values: Array<Record<string, unknown>> }; encoding: { x: { field: string }; y: { field: string } } };
    expect(spec.encoding.y.field).toBe('client_duration_ms');
    expect(spec.encoding.x.field).toBe('sent_s');
    const point = spec.data.values[0] as { client_duration_ms: number; sent_s: number; e2e_ms: number };
    expect(point.client_duration_ms).toBeCloseTo(50, 9);
    expect(point.sent_s).toBeCloseTo(0.4, 9);
    expect(point.e2e_ms).toBeCloseTo(350, 9);
  });
});
