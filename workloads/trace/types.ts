// One request of a trace, after parsing and validation; the same shape whatever the file format.

export const MODES = ['interactive', 'batch'] as const;
export const PRIORITIES = ['low', 'mid', 'high'] as const;
export type Mode = (typeof MODES)[number];
export type Priority = (typeof PRIORITIES)[number];
export type Endpoint = 'chat' | 'completions';

/** Classification mode asks the server to pick the model; it is sent as this model name. */
export const CLASSIFY_MODEL = 'auto';

export interface TraceRequest {
  id: string;
  /** 1-based line of the row in its file, for messages that point back at it. */
  line: number;
  /** Scheduled send time relative to the start of the replay, in ms. */
  offsetMs: number;
  mode: Mode;
  priority: Priority;
  /** Model sent to the server: a model name, or CLASSIFY_MODEL in classification mode. */
  model: string;
  classify: boolean;
  endpoint: Endpoint;
  /** Request body as sent, model included; without the prompt when syntheticPrompt is set (see bodyOf). */
  body: Record<string, unknown>;
  /** JSONL rows: the prompt to build at send time. */
  syntheticPrompt?: SyntheticPrompt;
  stream: boolean;
  workloadId?: string;
  criticality?: number;
  programId?: string;
  threadId?: string;
  parentThreadIds?: string[];
  /** Per-request end-to-end latency SLO overriding --latency-slo-ms. */
  sloMs?: number;
}

export interface TraceIssue {
  file: string;
  line: number;
  /** Column name (CSV) or field name (JSONL) the issue is about, when there is one. */
  field?: string;
  /** 1-based CSV column number, when the issue is about one column. */
  column?: number;
  message: string;
}

export function formatIssue(issue: TraceIssue): string {
  const where = issue.field === undefined ? '' : ` field "${issue.field}"${issue.column === undefined ? '' : ` (column ${issue.column})`}:`;
  return `${issue.file}:${issue.line}:${where} ${issue.message}`;
}

export interface Trace {
  file: string;
  format: 'csv' | 'jsonl';
  requests: TraceRequest[];
  /** Rows dropped with --skip-invalid, with why. Empty unless skipping was allowed. */
  skipped: TraceIssue[];
  skippedRows: number;
}

/** A prompt given by length and block hash ids (Mooncake rows), built into text only when sent. */
export interface SyntheticPrompt {
  inputLength: number;
  /** One id per block of blockTokens tokens; blocks past the list get words unique to the row. */
  hashIds: number[];
  blockTokens: number;
  /** Trace line, which makes the words of blocks without a hash id unique to this row. */
  line: number;
}
