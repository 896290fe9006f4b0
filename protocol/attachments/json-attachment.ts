// A JSON test attachment with a contract: its name and the zod schema that writers check
// before attaching and the reporters check when reading, so a writer's mistake fails the
// test that made it instead of surfacing as a report warning later.

import type { z } from 'zod';

export interface JsonAttachment<S extends z.ZodType> {
  name: string;
  schema: S;
}

/** What attaching needs of Playwright's TestInfo (kept structural: protocol/ does not import the runner). */
export interface Attacher {
  attach(name: string, options: { body: string; contentType: string }): Promise<void>;
}

export async function attachJson<S extends z.ZodType>(testInfo: Attacher, attachment: JsonAttachment<S>, value: z.input<S>): Promise<void> {
  const result = attachment.schema.safeParse(value);
  if (!result.success) {
    const fields = result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new Error(`attachment "${attachment.name}" does not match its contract: ${fields.join('; ')}`);
  }
  await testInfo.attach(attachment.name, { body: JSON.stringify(result.data, null, 2), contentType: 'application/json' });
}
