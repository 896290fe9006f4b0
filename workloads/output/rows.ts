// Per-request rows of the two CSV outputs. Times in the detailed file are ms from the
// run start, so files from different runs line up.

import type { Measured } from '../metrics/summary.ts';
import type { Cell } from './csv-writer.ts';

export type MeasuredRow = Measured;

type Column = [name: string, value: (row: MeasuredRow, startMs: number) => Cell];

const since = (t: number | undefined, startMs: number): Cell => (t === undefined ? undefined : t - startMs);
const mean = (xs: number[]): number | undefined => (xs.length === 0 ? undefined : xs.reduce((a, b) => a + b, 0) / xs.length);

const SUMMARY_COLUMNS: Column[] = [
  ['request_id', ({ result }) => result.id],
  ['status_code', ({ result }) => result.status],
  ['ok', ({ metrics }) => metrics.ok],
  ['client_duration_ms', ({ metrics }) => metrics.clientDurationMs],
  ['ttft_ms', ({ metrics }) => metrics.ttftMs],
  ['total_latency_ms', ({ metrics }) => metrics.e2eMs],
  ['tpot_ms', ({ metrics }) => metrics.tpotMs],
  ['output_tokens', ({ result }) => result.outputTokens],
  ['slo_met', ({ metrics }) => metrics.sloMet],
  ['error', ({ result }) => result.error],
];

const DETAILED_COLUMNS: Column[] = [
  ['request_id', ({ result }) => result.id],
  ['trace_line', ({ result }) => result.line],
  ['mode', ({ result }) => result.mode],
  ['priority', ({ result }) => result.priority],
  ['model', ({ result }) => result.model],
  ['classify', ({ result }) => result.classify],
  ['served_model', ({ result }) => result.servedModel],
  ['workload_id', ({ result }) => result.workloadId],
  ['criticality', ({ result }) => result.criticality],
  ['program_id', ({ result }) => result.programId],
  ['thread_id', ({ result }) => result.threadId],
  ['stream', ({ result }) => result.stream],
  ['scheduled_ms', ({ result }, s) => since(result.scheduledMs, s)],
  ['sent_ms', ({ result }, s) => since(result.sentMs, s)],
  ['headers_ms', ({ result }, s) => since(result.headersMs, s)],
  ['first_token_ms', ({ result }, s) => since(result.firstTokenMs, s)],
  ['end_ms', ({ result }, s) => since(result.endMs, s)],
  ['schedule_delay_ms', ({ metrics }) => metrics.scheduleDelayMs],
  ['ttft_ms', ({ metrics }) => metrics.ttftMs],
  ['tpot_ms', ({ metrics }) => metrics.tpotMs],
  ['itl_mean_ms', ({ metrics }) => mean(metrics.itlMs)],
  ['itl_max_ms', ({ metrics }) => (metrics.itlMs.length === 0 ? undefined : Math.max(...metrics.itlMs))],
  ['e2e_ms', ({ metrics }) => metrics.e2eMs],
  ['client_duration_ms', ({ metrics }) => metrics.clientDurationMs],
  ['queue_ms', ({ metrics }) => metrics.queueMs],
  ['worker_id', ({ result }) => result.workerId],
  ['prompt_tokens', ({ result }) => result.promptTokens],
  ['output_tokens', ({ result }) => result.outputTokens],
  ['cached_tokens', ({ result }) => result.cachedTokens],
  ['slo_ms', ({ metrics }) => metrics.e2eSloMs],
  ['slo_met', ({ metrics }) => metrics.sloMet],
  ['status_code', ({ result }) => result.status],
  ['error', ({ result }) => result.error],
];

function table(columns: Column[], rows: readonly MeasuredRow[], startMs: number): { header: string[]; rows: Cell[][] } {
  return { header: columns.map(([name]) => name), rows: rows.map((r) => columns.map(([, value]) => value(r, startMs))) };
}

export const summaryTable = (rows: readonly MeasuredRow[], startMs: number) => table(SUMMARY_COLUMNS, rows, startMs);
export const detailedTable = (rows: readonly MeasuredRow[], startMs: number) => table(DETAILED_COLUMNS, rows, startMs);
