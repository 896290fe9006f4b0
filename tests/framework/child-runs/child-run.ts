import { fileURLToPath } from 'node:url';
import { test, type ManagedProcess, type Procs } from '../../../fixtures/index.ts';

const PLAYWRIGHT_CLI = fileURLToPath(import.meta.resolve('@playwright/test/cli'));
const CHILD_CONFIG = fileURLToPath(new URL('./playwright.config.ts', import.meta.url));

/** The worker's own Playwright variables would confuse a nested runner. */
const NESTED_ENV_CLEARED = Object.fromEntries(Object.keys(process.env).filter((k) => /^(TEST_|PW_|PLAYWRIGHT_)/.test(k)).map((k) => [k, undefined]));

export interface ChildRun {
  name: string;
  /** A `*.child.ts` file in this folder. */
  file: string;
  env: Record<string, string>;
  extraArgs?: string[];
  ready?: () => Promise<boolean>;
}

/**
 * A throwaway `playwright test` run of one child spec, as a managed process of the calling
 * test: its own process group (runner and workers), which a test can signal as CI would.
 */
export function childRun(procs: Procs, { name, file, env, extraArgs = [], ready }: ChildRun): Promise<ManagedProcess> {
  return procs.start({
    name,
    command: process.execPath,
    args: [PLAYWRIGHT_CLI, 'test', '-c', CHILD_CONFIG, ...extraArgs, file],
    env: { ...NESTED_ENV_CLEARED, CHILD_OUTPUT_DIR: test.info().outputPath(`${name}-results`), ...env },
    ready: ready && { check: ready, timeoutMs: 60_000 },
  });
}
