// Writes a run's files. `--output` is either a directory (files named after the trace:
// <trace>_summary.csv, <trace>_detailed.csv, summary.json, <chart>.svg/.png) or, as the
// Logos runner takes it, the path of the summary CSV itself (x.csv; the other files go
// next to it as x_detailed.csv, x_summary.json, x_<chart>.svg/.png).

import { mkdir, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { measure } from '../metrics/summary.ts';
import type { ReplayOutcome } from '../replay.ts';
import { renderCharts } from './charts.ts';
import { toCsv } from './csv-writer.ts';
import { svgToPng, PngUnavailableError } from './png.ts';
import { detailedTable, summaryTable } from './rows.ts';

export interface OutputFiles {
  summaryCsv: string;
  detailedCsv: string;
  summaryJson: string;
  /** SVG charts, then the PNG of each when PNGs were asked for and could be made. */
  charts: string[];
  /** Why PNGs were asked for but not written. */
  pngSkipped?: string;
}

export interface WriteOptions {
  /** Also write each chart as PNG (needs Chromium); default false. */
  png?: boolean;
}

interface Layout {
  dir: string;
  summaryCsv: string;
  detailedCsv: string;
  summaryJson: string;
  chart(name: string, ext: 'svg' | 'png'): string;
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

async function layoutOf(output: string, traceName: string): Promise<Layout> {
  if (extname(output).toLowerCase() === '.csv' && !(await isDirectory(output))) {
    const dir = dirname(output);
    const stem = join(dir, basename(output, extname(output)));
    return {
      dir,
      summaryCsv: output,
      detailedCsv: `${stem}_detailed.csv`,
      summaryJson: `${stem}_summary.json`,
      chart: (name, ext) => `${stem}_${name}.${ext}`,
    };
  }
  return {
    dir: output,
    summaryCsv: join(output, `${traceName}_summary.csv`),
    detailedCsv: join(output, `${traceName}_detailed.csv`),
    summaryJson: join(output, 'summary.json'),
    chart: (name, ext) => join(output, `${name}.${ext}`),
  };
}

export async function writeOutputs(outcome: ReplayOutcome, output: string, options: WriteOptions = {}): Promise<OutputFiles> {
  const layout = await layoutOf(output, basename(outcome.trace.file, extname(outcome.trace.file)));
  await mkdir(layout.dir, { recursive: true });
  const rows = measure(outcome.results, outcome.summary.slo);
  const files: OutputFiles = { summaryCsv: layout.summaryCsv, detailedCsv: layout.detailedCsv, summaryJson: layout.summaryJson, charts: [] };
  const summary = summaryTable(rows, outcome.startMs);
  const detailed = detailedTable(rows, outcome.startMs);
  await writeFile(files.summaryCsv, toCsv(summary.header, summary.rows));
  await writeFile(files.detailedCsv, toCsv(detailed.header, detailed.rows));
  await writeFile(files.summaryJson, `${JSON.stringify(outcome.summary, null, 2)}\n`);
  const charts = await renderCharts(rows, outcome.startMs);
  for (const chart of charts) {
    const path = layout.chart(chart.name, 'svg');
    await writeFile(path, chart.svg);
    files.charts.push(path);
  }
  if (options.png) {
    try {
      const pngs = await svgToPng(charts.map((c) => c.svg));
      for (const [i, chart] of charts.entries()) {
        const path = layout.chart(chart.name, 'png');
        await writeFile(path, pngs[i]!);
        files.charts.push(path);
      }
    } catch (err) {
      if (!(err instanceof PngUnavailableError)) throw err;
      files.pngSkipped = err.message;
    }
  }
  return files;
}
