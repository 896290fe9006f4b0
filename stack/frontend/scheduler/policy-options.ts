// Turns the frontend's `--scheduler-option key=value` pairs into a policy's typed
// parameters, so a typo or an out-of-range value stops the frontend with a message that
// names the policy and the option instead of silently running with a default.

import { z } from 'zod';
import type { SchedulerOptions } from './scheduler.ts';

export function parsePolicyOptions<Shape extends z.ZodRawShape>(
  policy: string,
  shape: Shape,
  opts: SchedulerOptions,
): z.infer<z.ZodObject<Shape>> {
  const result = z.strictObject(shape).safeParse(opts);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return `unknown option(s) ${issue.keys.join(', ')} (known: ${Object.keys(shape).join(', ')})`;
    }
    return `option ${issue.path.join('.')}: ${issue.message}`;
  });
  throw new Error(`--scheduler ${policy}: ${problems.join('; ')}`);
}

/** A number option given as `key=value` text or already parsed. */
export const numberOption = (fallback: number) => z.coerce.number().pipe(z.number().finite()).default(fallback);
