// Reads a trace file of either format, checks what no single row can check (order,
// duplicate ids), and either returns every request or refuses with every problem found.

import { readFile, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { parseCsvTrace, type RowResult } from './csv.ts';
import { parseJsonlTrace, type JsonlOptions } from './jsonl.ts';
import { formatIssue, type Trace, type TraceIssue, type TraceRequest } from './types.ts';

export interface LoadTraceOptions extends Partial<JsonlOptions> {
  /** Drop bad rows (reported in trace.skipped) instead of refusing the whole file. */
  skipInvalid?: boolean;
  maxRowChars?: number;
  maxFileBytes?: number;
}

const DEFAULTS = { maxRowChars: 1_000_000, maxFileBytes: 512 * 1024 * 1024, blockTokens: 512, defaultModel: 'classify' };

export class TraceError extends Error {
  constructor(
    readonly file: string,
    readonly issues: TraceIssue[],
    readonly hint: string,
  ) {
    const shown = issues.slice(0, 50).map(formatIssue);
    const more = issues.length > shown.length ? [`... and ${issues.length - shown.length} more`] : [];
    super([`${file}: ${issues.length} problem(s) in trace${hint}`, ...shown, ...more].join('\n'));
    this.name = 'TraceError';
  }
}

function formatOf(file: string): Trace['format'] | undefined {
  const ext = extname(file).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  return undefined;
}

/** Offsets must not go backwards and ids must be unique; offending rows become issues. */
function crossRowIssues(file: string, rows: RowResult[]): RowResult[] {
  let last: TraceRequest | undefined;
  const ids = new Map<string, number>();
  return rows.map((row) => {
    if (!row.ok) return row;
    const { request } = row;
    const issues: TraceIssue[] = [];
    if (last !== undefined && request.offsetMs < last.offsetMs) {
      const message = `offset ${request.offsetMs} ms is earlier than ${last.offsetMs} ms on line ${last.line}; rows must be sorted by arrival time`;
      issues.push({ file, line: request.line, field: 'arrival offset', message });
    }
    const firstLine = ids.get(request.id);
    if (firstLine !== undefined) {
      issues.push({ file, line: request.line, field: 'request_id', message: `duplicate id ${JSON.stringify(request.id)}, first used on line ${firstLine}` });
    }
    if (issues.length > 0) return { ok: false, issues };
    ids.set(request.id, request.line);
    last = request;
    return row;
  });
}

export async function loadTrace(file: string, options: LoadTraceOptions = {}): Promise<Trace> {
  const o = { ...DEFAULTS, ...options };
  const format = formatOf(file);
  if (format === undefined) throw new TraceError(file, [{ file, line: 1, message: 'unknown trace format; use a .csv or .jsonl file' }], '');
  const unreadable = (err: unknown): TraceError =>
    new TraceError(file, [{ file, line: 1, message: `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` }], '');
  let info;
  try {
    info = await stat(file);
  } catch (err) {
    throw unreadable(err);
  }
  if (!info.isFile()) throw new TraceError(file, [{ file, line: 1, message: `cannot read: ${info.isDirectory() ? 'a directory' : 'not a regular file'}, expected a trace file` }], '');
  if (info.size > o.maxFileBytes) {
    throw new TraceError(file, [{ file, line: 1, message: `file is ${info.size} bytes, over the limit of ${o.maxFileBytes}` }], '');
  }
  let content: string;
  try {
    content = await readFile(file, 'utf8');
  } catch (err) {
    throw unreadable(err);
  }
  let rows: RowResult[];
  if (format === 'csv') {
    const parsed = parseCsvTrace(file, content, o.maxRowChars);
    if (parsed.fatal.length > 0) throw new TraceError(file, parsed.fatal, '');
    rows = parsed.rows;
  } else {
    rows = parseJsonlTrace(file, content, o.maxRowChars, o);
  }
  rows = crossRowIssues(file, rows);
  const requests = rows.flatMap((r) => (r.ok ? [r.request] : []));
  const issues = rows.flatMap((r) => (r.ok ? [] : r.issues));
  if (issues.length > 0 && !o.skipInvalid) {
    throw new TraceError(file, issues, '; fix them or pass --skip-invalid to replay the valid rows');
  }
  if (requests.length === 0) {
    const why = issues.length > 0 ? `every row is invalid:\n${issues.slice(0, 20).map(formatIssue).join('\n')}` : 'no request rows';
    throw new TraceError(file, [{ file, line: 1, message: `nothing to replay: ${why}` }], '');
  }
  return { file, format, requests, skipped: issues, skippedRows: rows.length - requests.length };
}
