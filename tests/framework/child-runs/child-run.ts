import { fileURLToPath } from 'node:url';
import type { ManagedProcess } from 'servewright';
import { test, type InlineTest } from '../helpers/inline-test.ts';

const CHILD_RUNS_DIR = fileURLToPath(new URL('.', import.meta.url));
const CHILD_CONFIG = fileURLToPath(new URL('./playwright.config.ts', import.meta.url));

export interface ChildRunSpec {
  name: string;
  /** A `*.child.ts` file in this folder. */
  file: string;
  env: Record<string, string>;
  extraArgs?: string[];
  ready?: () => Promise<boolean>;
}

/** One of this folder's child specs, started through the inline harness so a test can signal it mid-run. */
export function childRun(inline: InlineTest, { name, file, env, extraArgs = [], ready }: ChildRunSpec): Promise<ManagedProcess> {
  return inline.start(CHILD_RUNS_DIR, ['test', '-c', CHILD_CONFIG, ...extraArgs, file], {
    name,
    env: { CHILD_OUTPUT_DIR: test.info().outputPath(`${name}-results`), ...env },
    ...(ready && { ready }),
  });
}
