// Writes a run's files into one directory: <name>_summary.csv (one row per request),
// <name>_detailed.csv (every timing and server field), summary.json and SVG charts.

import { mkdir, writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { measure } from '../metrics/summary.ts';
import type { ReplayOutcome } from '../replay.ts';
import { renderCharts } from './charts.ts';
import { toCsv } from './csv-writer.ts';
import { detailedTable, summaryTable } from './rows.ts';

export interface OutputFiles {
  summaryCsv: string;
  detailedCsv: string;
  summaryJson: string;
  charts: string[];
}

export async function writeOutputs(outcome: ReplayOutcome, dir: string): Promise<OutputFiles> {
  await mkdir(dir, { recursive: true });
  const name = basename(outcome.trace.file, extname(outcome.trace.file));
  const rows = measure(outcome.results, outcome.summary.slo);
  const files: OutputFiles = {
    summaryCsv: join(dir, `${name}_summary.csv`),
    detailedCsv: join(dir, `${name}_detailed.csv`),
    summaryJson: join(dir, 'summary.json'),
    charts: [],
  };
  const summary = summaryTable(rows, outcome.startMs);
  const detailed = detailedTable(rows, outcome.startMs);
  await writeFile(files.summaryCsv, toCsv(summary.header, summary.rows));
  await writeFile(files.detailedCsv, toCsv(detailed.header, detailed.rows));
  await writeFile(files.summaryJson, `${JSON.stringify(outcome.summary, null, 2)}\n`);
  for (const chart of await renderCharts(rows, outcome.startMs)) {
    const path = join(dir, chart.file);
    await writeFile(path, chart.svg);
    files.charts.push(path);
  }
  return files;
}
