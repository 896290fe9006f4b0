// Charts of a run, rendered to SVG headless by vega-lite (no browser, no canvas); png.ts
// turns them into PNG for the places that show no SVG (chat tools, PDF exports).

import * as vega from 'vega';
import type { TopLevelSpec } from 'vega-lite';
import { compile } from 'vega-lite';
import type { MeasuredRow } from './rows.ts';

export interface Chart {
  /** File name without extension. */
  name: string;
  svg: string;
}

type Point = { scheduled_s: number; sent_s: number; e2e_ms: number; client_duration_ms: number; ttft_ms: number | null; priority: string; ok: boolean };

const PRIORITY_ORDER = ['high', 'mid', 'low'];

function specs(points: Point[]): Record<string, TopLevelSpec> {
  const values = points.filter((p) => p.ok);
  const base = { width: 640, height: 320, background: 'white', data: { values } } as const;
  return {
    latency_distribution: {
      ...base,
      title: 'End-to-end latency distribution (succeeded requests)',
      mark: 'bar',
      encoding: {
        x: { field: 'e2e_ms', type: 'quantitative', bin: { maxbins: 40 }, title: 'E2E latency (ms)' },
        y: { aggregate: 'count', type: 'quantitative', title: 'requests' },
      },
    },
    latency_over_time: {
      ...base,
      title: 'End-to-end latency by scheduled send time',
      mark: { type: 'point', filled: true, size: 16, opacity: 0.6 },
      encoding: {
        x: { field: 'scheduled_s', type: 'quantitative', title: 'scheduled time (s from start)' },
        y: { field: 'e2e_ms', type: 'quantitative', title: 'E2E latency (ms)' },
        color: { field: 'priority', type: 'nominal', sort: PRIORITY_ORDER },
      },
    },
    // The seed's "client-perceived latency over time": actual send → last byte, by when it was sent.
    client_duration: {
      ...base,
      title: 'Client duration (actual send to last byte) by send time',
      mark: { type: 'point', filled: true, size: 16, opacity: 0.6 },
      encoding: {
        x: { field: 'sent_s', type: 'quantitative', title: 'send time (s from start)' },
        y: { field: 'client_duration_ms', type: 'quantitative', title: 'client duration (ms)' },
        color: { field: 'priority', type: 'nominal', sort: PRIORITY_ORDER },
      },
    },
    ttft_by_priority: {
      ...base,
      data: { values: values.filter((p) => p.ttft_ms !== null) },
      title: 'Time to first token by priority',
      mark: { type: 'boxplot', extent: 'min-max' },
      encoding: {
        x: { field: 'priority', type: 'nominal', sort: PRIORITY_ORDER },
        y: { field: 'ttft_ms', type: 'quantitative', title: 'TTFT (ms)' },
        color: { field: 'priority', type: 'nominal', legend: null },
      },
    },
  };
}

function chartPoints(rows: readonly MeasuredRow[], startMs: number): Point[] {
  return rows.map(({ result, metrics }) => ({
    scheduled_s: (result.scheduledMs - startMs) / 1000,
    sent_s: (result.sentMs - startMs) / 1000,
    e2e_ms: metrics.e2eMs,
    client_duration_ms: metrics.clientDurationMs,
    ttft_ms: metrics.ttftMs ?? null,
    priority: result.priority,
    ok: metrics.ok,
  }));
}

/** The vega-lite spec of each chart, data included (what a test checks a chart plots). */
export function chartSpecs(rows: readonly MeasuredRow[], startMs: number): Record<string, TopLevelSpec> {
  return specs(chartPoints(rows, startMs));
}

export async function renderCharts(rows: readonly MeasuredRow[], startMs: number): Promise<Chart[]> {
  const charts: Chart[] = [];
  for (const [name, spec] of Object.entries(chartSpecs(rows, startMs))) {
    const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
    charts.push({ name, svg: await view.toSVG() });
    view.finalize();
  }
  return charts;
}
