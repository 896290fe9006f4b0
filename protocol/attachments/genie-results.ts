// The `genie-results` attachment: the Genie seed's JSON result format (per-check records
// plus an optional remote-vs-local overhead analysis), written by the genie fixtures and
// read by the Markdown reporter's Genie section. One schema for both sides.

import { z } from 'zod';
import type { JsonAttachment } from './json-attachment.ts';

export const GENIE_TEST_TYPES = ['server_side', 'client_side', 'multi_node'] as const;
export type GenieTestType = (typeof GENIE_TEST_TYPES)[number];

const genieTestRecordSchema = z.object({
  name: z.string(),
  status: z.enum(['PASS', 'FAIL', 'SKIP']),
  details: z.string(),
  timing_ms: z.number().nonnegative(),
  timestamp: z.string(),
});
export type GenieTestRecord = z.infer<typeof genieTestRecordSchema>;
export type GenieStatus = GenieTestRecord['status'];

/** The `overhead` block, computed by fixtures/genie/overhead.ts (field meanings there). */
const overheadAnalysisSchema = z.object({
  operation: z.string(),
  device: z.string(),
  sizes: z.array(
    z.object({
      bytes: z.number().nonnegative(),
      localMs: z.number().nonnegative(),
      remoteMs: z.number().nonnegative(),
      encodeMs: z.number().nonnegative(),
      httpMs: z.number().nonnegative(),
      decodeMs: z.number().nonnegative(),
      serverMs: z.number().nonnegative().nullable(),
      wireBytes: z.number().nonnegative(),
      overheadMs: z.number(),
      overheadPct: z.number().nullable(),
      networkOverheadMs: z.number().nullable(),
      networkOverheadPctOfServer: z.number().nullable(),
      throughputMBps: z.number().nonnegative(),
    }),
  ),
  breakEvenBytes: z.number().nonnegative().nullable(),
  recommendations: z.array(z.string()),
});

export type OverheadAnalysis = z.infer<typeof overheadAnalysisSchema>;
export type OverheadRow = OverheadAnalysis['sizes'][number];

export const genieResultsSchema = z.object({
  test_info: z.object({ hostname: z.string(), timestamp: z.string(), test_type: z.enum(GENIE_TEST_TYPES) }),
  tests: z.array(genieTestRecordSchema),
  overhead: overheadAnalysisSchema.optional(),
});
export type GenieResultsDocument = z.infer<typeof genieResultsSchema>;

export const GENIE_RESULTS: JsonAttachment<typeof genieResultsSchema> = { name: 'genie-results', schema: genieResultsSchema };
