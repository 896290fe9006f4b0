import { execa, type ResultPromise } from 'execa';
import { REPO_ROOT } from '../../../fixtures/state-dir.ts';

/**
 * Runs an ES module snippet (TypeScript, top-level await, imports relative to the repo root)
 * in a fresh Node process: for what must not share this worker's state, such as Testcontainers'
 * cached runtime client, or a "run" that a test kills.
 * `env` replaces the environment entirely, so a test can unset variables.
 */
export function tsxChild(code: string, env: NodeJS.ProcessEnv): ResultPromise<{ cwd: string; env: NodeJS.ProcessEnv; extendEnv: false; reject: false; all: true }> {
  return execa(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    cwd: REPO_ROOT,
    env,
    extendEnv: false,
    reject: false,
    all: true,
  });
}

/** This process's environment without the named variables. */
export function envWithout(...names: string[]): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of names) delete env[name];
  return env;
}
