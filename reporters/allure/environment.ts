import { execFileSync } from 'node:child_process';
import { platform, release } from 'node:os';
import { DEFAULT_STACK } from '../markdown/environment.ts';

function gitSha(cwd: string): string {
  try {
    return execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return process.env.GITHUB_SHA?.slice(0, 12) ?? 'unknown (not a git checkout)';
  }
}

/** The Allure "Environment" widget. The services provider is the requested one; tests record the chosen one. */
export function allureEnvironment(cwd = process.cwd(), env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return {
    node: process.version,
    os: `${platform()} ${release()}`,
    stack_profile: env.STACK || DEFAULT_STACK,
    services_provider: env.SERVICES || 'auto',
    git_sha: gitSha(cwd),
  };
}
