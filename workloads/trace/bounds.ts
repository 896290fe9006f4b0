// Upper and lower bounds of every numeric trace field, shared by the CSV and JSONL readers.
// Without an upper bound one row with input_length 1e12 made the loader build a prompt
// word by word until memory ran out; a bound turns it into a file:line error at once.
// The range is checked before integrality, so 1e20 reads "out of range", not "not an integer".

import { z } from 'zod';

export interface Bound {
  min: number;
  /** The minimum itself is not allowed (a time of 0 ms means nothing). */
  minExclusive?: boolean;
  max: number;
  integer: boolean;
  /** Why the upper bound is where it is, quoted in the error. */
  why: string;
}

const DAY_MS = 86_400_000;

export const BOUNDS = {
  /** Arrival offset / timestamp: a month covers every published trace (Azure's span a week). */
  offsetMs: { min: 0, max: 31 * DAY_MS, integer: false, why: '31 days in ms' },
  /** Prompt tokens: the largest context window of any served model we know of (10M tokens). */
  inputTokens: { min: 1, max: 10_000_000, integer: true, why: 'the largest context window, 10M tokens' },
  /** Tokens to generate, as max_tokens. */
  outputTokens: { min: 1, max: 1_000_000, integer: true, why: '1M tokens' },
  hashId: { min: 0, max: Number.MAX_SAFE_INTEGER, integer: true, why: 'the largest exact integer' },
  sloMs: { min: 0, minExclusive: true, max: DAY_MS, integer: false, why: 'one day in ms' },
} as const satisfies Record<string, Bound>;

/** Undefined when n is within the bound, otherwise the reason. */
export function boundProblem(n: number, b: Bound): string | undefined {
  if (!Number.isFinite(n)) return `${n} is not a finite number`;
  if (n < b.min || (b.minExclusive && n === b.min) || n > b.max) {
    const low = b.minExclusive ? `above ${b.min}` : `${b.min}`;
    return `${n} is out of range (${low} to ${b.max}, ${b.why})`;
  }
  if (b.integer && !Number.isInteger(n)) return `${n} must be an integer`;
  return undefined;
}

/** A JSON number within the bound. */
export function boundedNumber(b: Bound) {
  return z.number().transform((n, ctx): number => {
    const problem = boundProblem(n, b);
    if (problem === undefined) return n;
    ctx.addIssue({ code: 'custom', message: problem });
    return z.NEVER;
  });
}
