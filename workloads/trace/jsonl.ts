// The Mooncake trace format (one JSON object per line: timestamp, input_length,
// output_length, hash_ids) plus optional fields that carry what the CSV format carries.
// The prompt is synthesised from hash_ids so that requests sharing a hash id share that
// prompt block, which is what prefix caches and KV-aware routers see in the real trace;
// it is built at send time (synthetic-prompt.ts), never at load.

import { z } from 'zod';
import { BOUNDS, boundedNumber } from './bounds.ts';
import type { RowResult } from './csv.ts';
import { criticalityNumber, optionalMeta, modeField, priorityField, toRequest } from './fields.ts';
import type { TraceIssue } from './types.ts';

export interface JsonlOptions {
  /** Tokens per hash id block; Mooncake's traces use 512. */
  blockTokens: number;
  /** Model for rows without a "model" field ("classify" sends model auto). */
  defaultModel: string;
}

const optionalText = z.string().min(1, 'must not be empty').optional();

const mooncakeRow = z.strictObject({
  timestamp: boundedNumber(BOUNDS.offsetMs),
  input_length: boundedNumber(BOUNDS.inputTokens),
  output_length: boundedNumber(BOUNDS.outputTokens),
  hash_ids: z.array(boundedNumber(BOUNDS.hashId)),
  request_id: optionalText,
  mode: modeField.optional(),
  priority: priorityField.optional(),
  model: optionalText,
  workload_id: optionalText,
  criticality: criticalityNumber.optional(),
  program_id: optionalText,
  thread_id: optionalText,
  parent_thread_ids: z.array(z.string().min(1)).optional(),
  slo_ms: boundedNumber(BOUNDS.sloMs).optional(),
});

export function parseJsonlTrace(file: string, content: string, maxRowChars: number, options: JsonlOptions): RowResult[] {
  const rows: RowResult[] = [];
  const lines = content.split('\n');
  lines.forEach((raw, index) => {
    const line = index + 1;
    const text = raw.trim();
    if (text === '') return;
    const fail = (issues: TraceIssue[]) => rows.push({ ok: false, issues });
    if (text.length > maxRowChars) return fail([{ file, line, message: `row is ${text.length} characters, over the limit of ${maxRowChars}` }]);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      return fail([{ file, line, message: `invalid JSON: ${(err as Error).message}` }]);
    }
    const parsed = mooncakeRow.safeParse(json);
    if (!parsed.success) {
      return fail(
        parsed.error.issues.map((issue) => {
          const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
          const field = keys.length > 0 ? keys.join(', ') : issue.path.join('.') || undefined;
          return { file, line, ...(field !== undefined && { field }), message: issue.message };
        }),
      );
    }
    const r = parsed.data;
    const request = toRequest(
      {
        id: r.request_id ?? `line-${line}`,
        line,
        offsetMs: r.timestamp,
        mode: r.mode ?? 'interactive',
        priority: r.priority ?? 'mid',
        model: r.model ?? options.defaultModel,
        ...optionalMeta(r),
      },
      { max_tokens: r.output_length, min_tokens: r.output_length, ignore_eos: true },
    );
    request.syntheticPrompt = { inputLength: r.input_length, hashIds: r.hash_ids, blockTokens: options.blockTokens, line };
    rows.push({ ok: true, request });
  });
  return rows;
}
