// The CSV trace format (documented in workloads/README.md): one header row naming the
// columns, then one request per row.

import { z } from 'zod';
import { csvRecords } from './csv-records.ts';
import { BOUNDS } from './bounds.ts';
import { boundedCell, criticalityNumber, optionalMeta, modeField, numberCell, priorityField, requestBody, toRequest } from './fields.ts';
import type { TraceIssue, TraceRequest } from './types.ts';

export const REQUIRED_COLUMNS = ['arrival_offset_ms', 'mode', 'priority', 'model', 'body_json'] as const;
export const OPTIONAL_COLUMNS = [
  'request_id',
  'workload_id',
  'criticality',
  'program_id',
  'thread_id',
  'parent_thread_ids',
  'slo_ms',
] as const;
const KNOWN_COLUMNS: readonly string[] = [...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS];

const text = z.string().transform((s) => s.trim()).pipe(z.string().min(1, 'must not be empty'));

const bodyJson = z.string().transform((raw, ctx) => {
  try {
    return JSON.parse(raw) as unknown;
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: `invalid JSON: ${(err as Error).message}` });
    return z.NEVER;
  }
}).pipe(requestBody);

const csvRow = z.object({
  request_id: text.optional(),
  arrival_offset_ms: boundedCell(BOUNDS.offsetMs),
  mode: modeField,
  priority: priorityField,
  model: text,
  body_json: bodyJson,
  workload_id: text.optional(),
  criticality: numberCell(() => undefined).pipe(criticalityNumber).optional(),
  program_id: text.optional(),
  thread_id: text.optional(),
  parent_thread_ids: z.string().transform((s) => s.split(';').map((x) => x.trim()).filter((x) => x !== '')).optional(),
  slo_ms: boundedCell(BOUNDS.sloMs).optional(),
});

export type RowResult = { ok: true; request: TraceRequest } | { ok: false; issues: TraceIssue[] };

export interface CsvRows {
  /** Problems with the file as a whole (empty, bad header): nothing can be replayed. */
  fatal: TraceIssue[];
  rows: RowResult[];
}

function headerIssues(file: string, header: string[]): TraceIssue[] {
  const issues: TraceIssue[] = [];
  const seen = new Set<string>();
  header.forEach((name, i) => {
    const column = i + 1;
    if (!KNOWN_COLUMNS.includes(name)) {
      issues.push({ file, line: 1, field: name, column, message: `unknown column; expected columns: ${KNOWN_COLUMNS.join(', ')}` });
    } else if (seen.has(name)) {
      issues.push({ file, line: 1, field: name, column, message: 'column appears twice' });
    }
    seen.add(name);
  });
  for (const name of REQUIRED_COLUMNS) {
    if (!seen.has(name)) issues.push({ file, line: 1, field: name, message: `required column is missing (header: ${header.join(',')})` });
  }
  return issues;
}

export function parseCsvTrace(file: string, content: string, maxRowChars: number): CsvRows {
  const records = csvRecords(content, maxRowChars);
  const first = records.next();
  if (first.done) return { fatal: [{ file, line: 1, message: 'file is empty; expected a header row then one request per row' }], rows: [] };
  if (first.value.error !== undefined) return { fatal: [{ file, line: first.value.line, message: `header: ${first.value.error}` }], rows: [] };
  const header = first.value.fields.map((h) => h.trim());
  const fatal = headerIssues(file, header);
  if (fatal.length > 0) return { fatal, rows: [] };

  const rows: RowResult[] = [];
  for (const record of records) {
    const { line } = record;
    if (record.error !== undefined) {
      rows.push({ ok: false, issues: [{ file, line, message: record.error }] });
      continue;
    }
    if (record.fields.length !== header.length) {
      const message = `row has ${record.fields.length} columns, header has ${header.length} (quote cells that contain commas)`;
      rows.push({ ok: false, issues: [{ file, line, message }] });
      continue;
    }
    const cells: Record<string, string> = {};
    header.forEach((name, i) => {
      const value = record.fields[i]!;
      if (value.trim() !== '' || (REQUIRED_COLUMNS as readonly string[]).includes(name)) cells[name] = value;
    });
    const parsed = csvRow.safeParse(cells);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((issue): TraceIssue => {
        const field = String(issue.path[0] ?? '');
        const rest = issue.path.slice(1).join('.');
        return { file, line, field, column: header.indexOf(field) + 1, message: rest ? `${rest}: ${issue.message}` : issue.message };
      });
      rows.push({ ok: false, issues });
      continue;
    }
    const r = parsed.data;
    const request = toRequest(
      {
        id: r.request_id ?? `line-${line}`,
        line,
        offsetMs: r.arrival_offset_ms,
        mode: r.mode,
        priority: r.priority,
        model: r.model,
        ...optionalMeta(r),
      },
      r.body_json,
    );
    rows.push({ ok: true, request });
  }
  return { fatal, rows };
}
