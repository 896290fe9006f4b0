// Runtime check of GenerateRequest messages arriving over NATS: the type lives in
// protocol/messages.ts; a malformed message is answered with an error chunk.

import { z } from 'zod';
import type { GenerateRequest } from '../../../protocol/messages.ts';

const tokenIds = z.array(z.number().int().min(0));

export const GenerateRequestSchema = z.object({
  requestId: z.string().min(1),
  model: z.string().min(1),
  promptTokens: tokenIds,
  generatedTokens: tokenIds,
  maxTokens: z.number().int().min(1),
  seed: z.number().int(),
  temperature: z.number().optional(),
  ignoreEos: z.boolean().optional(),
  prefilled: z.boolean().optional(),
  prefillOnly: z.boolean().optional(),
  forceError: z.number().int().min(400).max(599).optional(),
}) satisfies z.ZodType<GenerateRequest>;
