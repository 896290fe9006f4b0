// Charts of a run, rendered to SVG headless by vega-lite (no browser, no canvas).

import * as vega from 'vega';
import type { TopLevelSpec } from 'vega-lite';
import { compile } from 'vega-lite';
import type { MeasuredRow } from './rows.ts';

export interface Chart {
  file: string;
  svg: string;
}

type Point = { scheduled_s: number; e2e_ms: number; ttft_ms: number | null; priority: string; ok: boolean };

function specs(points: Point[]): Record<string, TopLevelSpec> {
  const values = points.filter((p) => p.ok);
  const base = { width: 640, height: 320, data: { values } } as const;
  return {
    'latency_distribution.svg': {
      ...base,
      title: 'End-to-end latency distribution (succeeded requests)',
      mark: 'bar',
      encoding: {
        x: { field: 'e2e_ms', type: 'quantitative', bin: { maxbins: 40 }, title: 'E2E latency (ms)' },
        y: { aggregate: 'count', type: 'quantitative', title: 'requests' },
      },
    },
    'latency_over_time.svg': {
      ...base,
      title: 'End-to-end latency by scheduled send time',
      mark: { type: 'point', filled: true, size: 16, opacity: 0.6 },
      encoding: {
        x: { field: 'scheduled_s', type: 'quantitative', title: 'scheduled time (s from start)' },
        y: { field: 'e2e_ms', type: 'quantitative', title: 'E2E latency (ms)' },
        color: { field: 'priority', type: 'nominal', sort: ['high', 'mid', 'low'] },
      },
    },
    'ttft_by_priority.svg': {
      ...base,
      data: { values: values.filter((p) => p.ttft_ms !== null) },
      title: 'Time to first token by priority',
      mark: { type: 'boxplot', extent: 'min-max' },
      encoding: {
        x: { field: 'priority', type: 'nominal', sort: ['high', 'mid', 'low'] },
        y: { field: 'ttft_ms', type: 'quantitative', title: 'TTFT (ms)' },
        color: { field: 'priority', type: 'nominal', legend: null },
      },
    },
  };
}

export async function renderCharts(rows: readonly MeasuredRow[], startMs: number): Promise<Chart[]> {
  const points: Point[] = rows.map(({ result, metrics }) => ({
    scheduled_s: (result.scheduledMs - startMs) / 1000,
    e2e_ms: metrics.e2eMs,
    ttft_ms: metrics.ttftMs ?? null,
    priority: result.priority,
    ok: metrics.ok,
  }));
  const charts: Chart[] = [];
  for (const [file, spec] of Object.entries(specs(points))) {
    const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
    charts.push({ file, svg: await view.toSVG() });
    view.finalize();
  }
  return charts;
}
