import { readFileSync } from 'node:fs';
import type { z } from 'zod';

// The JSON attachment contracts live in protocol/attachments/, shared with their writers.
export type { GenieResultsDocument as GenieResults, OverheadAnalysis as GenieOverhead } from '../../protocol/attachments/genie-results.ts';
export { scenarioMetricsSchema, type RequestLine, type ScenarioMetrics, type SystemStatistics } from '../../protocol/attachments/scenario-metrics.ts';

export interface AttachmentLike {
  name: string;
  contentType: string;
  path?: string;
  body?: Buffer;
}

export function attachmentText(attachment: AttachmentLike): string {
  if (attachment.body) return attachment.body.toString('utf8');
  if (attachment.path) return readFileSync(attachment.path, 'utf8');
  throw new Error(`attachment "${attachment.name}" has neither a body nor a path`);
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

/** Parses a JSON attachment against its contract; a problem names the attachment, the test location and the field. */
export function parseJsonAttachment<T>(attachment: AttachmentLike, schema: z.ZodType<T>, where: string): Parsed<T> {
  const label = `${where}: attachment "${attachment.name}"`;
  let raw: unknown;
  try {
    raw = JSON.parse(attachmentText(attachment));
  } catch (error) {
    return { ok: false, problem: `${label}: not readable JSON (${(error as Error).message})` };
  }
  const result = schema.safeParse(raw);
  if (result.success) return { ok: true, value: result.data };
  const fields = result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  return { ok: false, problem: `${label}: ${fields.join('; ')}` };
}
