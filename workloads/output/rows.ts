// Per-request rows of the two CSV outputs. Times in the detailed file are ms from the
// run start, so files from different runs line up.

import type { Measured } from '../metrics/summary.ts';
import type { Cell } from './csv-writer.ts';

export type MeasuredRow = Measured;

type Value = (row: MeasuredRow, startMs: number) => Cell;

const since = (t: number | undefined, startMs: number): Cell => (t === undefined ? undefined : t - startMs);
const mean = (xs: number[]): number | undefined => (xs.length === 0 ? undefined : xs.reduce((a, b) => a + b, 0) / xs.length);

/** Every column either file has, defined once; each file picks its own set and order. */
const COLUMNS = {
  request_id: ({ result }) => result.id,
  trace_line: ({ result }) => result.line,
  mode: ({ result }) => result.mode,
  priority: ({ result }) => result.priority,
  model: ({ result }) => result.model,
  classify: ({ result }) => result.classify,
  served_model: ({ result }) => result.servedModel,
  provider: ({ result }) => result.provider,
  workload_id: ({ result }) => result.workloadId,
  criticality: ({ result }) => result.criticality,
  program_id: ({ result }) => result.programId,
  thread_id: ({ result }) => result.threadId,
  stream: ({ result }) => result.stream,
  scheduled_ms: ({ result }, s) => since(result.scheduledMs, s),
  sent_ms: ({ result }, s) => since(result.sentMs, s),
  headers_ms: ({ result }, s) => since(result.headersMs, s),
  first_token_ms: ({ result }, s) => since(result.firstTokenMs, s),
  end_ms: ({ result }, s) => since(result.endMs, s),
  schedule_delay_ms: ({ metrics }) => metrics.scheduleDelayMs,
  ttft_ms: ({ metrics }) => metrics.ttftMs,
  tpot_ms: ({ metrics }) => metrics.tpotMs,
  itl_mean_ms: ({ metrics }) => mean(metrics.itlMs),
  itl_max_ms: ({ metrics }) => (metrics.itlMs.length === 0 ? undefined : Math.max(...metrics.itlMs)),
  e2e_ms: ({ metrics }) => metrics.e2eMs,
  // The summary file's name for e2e_ms.
  total_latency_ms: ({ metrics }) => metrics.e2eMs,
  client_duration_ms: ({ metrics }) => metrics.clientDurationMs,
  queue_ms: ({ metrics }) => metrics.queueMs,
  worker_id: ({ result }) => result.workerId,
  prompt_tokens: ({ result }) => result.promptTokens,
  output_tokens: ({ result }) => result.outputTokens,
  cached_tokens: ({ result }) => result.cachedTokens,
  slo_ms: ({ metrics }) => metrics.e2eSloMs,
  e2e_met: ({ metrics }) => metrics.met.e2e,
  ttft_met: ({ metrics }) => metrics.met.ttft,
  tpot_met: ({ metrics }) => metrics.met.tpot,
  slo_met: ({ metrics }) => metrics.sloMet,
  ok: ({ metrics }) => metrics.ok,
  status_code: ({ result }) => result.status,
  error: ({ result }) => result.error,
} satisfies Record<string, Value>;

type ColumnName = keyof typeof COLUMNS;

const SUMMARY_COLUMNS: ColumnName[] = [
  'request_id', 'status_code', 'ok', 'client_duration_ms', 'ttft_ms', 'total_latency_ms', 'tpot_ms', 'output_tokens', 'slo_met', 'error',
];

const DETAILED_COLUMNS: ColumnName[] = [
  'request_id', 'trace_line', 'mode', 'priority', 'model', 'classify', 'served_model', 'provider', 'workload_id', 'criticality', 'program_id',
  'thread_id', 'stream', 'scheduled_ms', 'sent_ms', 'headers_ms', 'first_token_ms', 'end_ms', 'schedule_delay_ms', 'ttft_ms', 'tpot_ms',
  'itl_mean_ms', 'itl_max_ms', 'e2e_ms', 'client_duration_ms', 'queue_ms', 'worker_id', 'prompt_tokens', 'output_tokens', 'cached_tokens',
  'slo_ms', 'e2e_met', 'ttft_met', 'tpot_met', 'slo_met', 'status_code', 'error',
];

function table(columns: ColumnName[], rows: readonly MeasuredRow[], startMs: number): { header: string[]; rows: Cell[][] } {
  const values: Value[] = columns.map((name) => COLUMNS[name]);
  return { header: [...columns], rows: rows.map((r) => values.map((value) => value(r, startMs))) };
}

export const summaryTable = (rows: readonly MeasuredRow[], startMs: number) => table(SUMMARY_COLUMNS, rows, startMs);
export const detailedTable = (rows: readonly MeasuredRow[], startMs: number) => table(DETAILED_COLUMNS, rows, startMs);
