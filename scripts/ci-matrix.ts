/**
 * `npm run ci:matrix -- [--event <github event>] [--config <playwright config>]`
 *
 * Lists every test with its tags (Playwright's own `--list`, so tags inherited from a
 * describe count), prints the tags in use to stderr and the GitHub Actions matrix JSON for
 * .github/workflows/e2e.yml to stdout. Exits 1, naming file:line, when a test has no tier
 * tag or more than one; warns about tags outside the taxonomy (docs/tags.md).
 */
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { execa } from 'execa';

export const TIER_TAGS = ['@e2e', '@slow', '@gpu_1', '@gpu_2'] as const;
export const AREA_TAGS = ['@framework', '@fault-tolerance', '@scheduling', '@workloads', '@genie', '@reporting', '@reference-stack', '@contracts'] as const;
export type TierTag = (typeof TIER_TAGS)[number];

export type GithubEvent = 'push' | 'pull_request' | 'schedule' | 'workflow_dispatch';
const EVENTS: readonly GithubEvent[] = ['push', 'pull_request', 'schedule', 'workflow_dispatch'];

interface TierPlan {
  /** runs-on: a hosted image or the labels of a self-hosted runner. */
  runner: string | string[];
  events: readonly GithubEvent[];
  testsPerShard: number;
  maxShards: number;
}

const EVERY_EVENT = EVENTS;
const NIGHTLY: readonly GithubEvent[] = ['schedule', 'workflow_dispatch'];

export const TIER_PLANS: Record<TierTag, TierPlan> = {
  '@e2e': { runner: 'ubuntu-latest', events: EVERY_EVENT, testsPerShard: 60, maxShards: 4 },
  '@slow': { runner: 'ubuntu-latest', events: NIGHTLY, testsPerShard: 20, maxShards: 4 },
  '@gpu_1': { runner: ['self-hosted', 'linux', 'gpu_1'], events: NIGHTLY, testsPerShard: 1_000, maxShards: 1 },
  '@gpu_2': { runner: ['self-hosted', 'linux', 'gpu_2'], events: NIGHTLY, testsPerShard: 1_000, maxShards: 1 },
};

export interface ListedTest {
  /** Path relative to the working directory. */
  file: string;
  line: number;
  title: string;
  /** With the leading `@`, each once (Playwright also takes tags from a title's @words). */
  tags: string[];
}

export interface MatrixEntry {
  tier: string;
  /** For --grep: `\b` keeps `@gpu_1` from matching `@gpu_10`. */
  grep: string;
  /** For --grep-invert: keeps a slow GPU test out of the CPU-only slow job (empty: none). */
  grepInvert: string;
  runner: string | string[];
  shard: number;
  shards: number;
  tests: number;
}

interface JsonSpec {
  title: string;
  file: string;
  line: number;
  tags: string[];
  tests: unknown[];
}
interface JsonSuite {
  specs?: JsonSpec[];
  suites?: JsonSuite[];
}
interface JsonList {
  config: { rootDir: string };
  suites: JsonSuite[];
  errors: { message: string }[];
}

function flatten(suite: JsonSuite, rootDir: string, out: ListedTest[]): void {
  for (const spec of suite.specs ?? []) {
    const entry = { file: relative(process.cwd(), join(rootDir, spec.file)), line: spec.line, title: spec.title, tags: [...new Set(spec.tags.map((t) => `@${t}`))] };
    // One entry per project the spec runs in: that is what a shard divides.
    for (let i = 0; i < spec.tests.length; i++) out.push(entry);
  }
  for (const child of suite.suites ?? []) flatten(child, rootDir, out);
}

/** Every test Playwright would run with this config, with its effective tags. */
export async function listTests(configPath?: string): Promise<ListedTest[]> {
  const cli = join(dirname(createRequire(import.meta.url).resolve('@playwright/test/package.json')), 'cli.js');
  const args = [cli, 'test', '--list', '--reporter=json', ...(configPath ? ['--config', configPath] : [])];
  // The JSON must come to stdout even when the caller's run sends its own JSON report to a file.
  const run = await execa(process.execPath, args, { reject: false, env: { PLAYWRIGHT_JSON_OUTPUT_NAME: undefined, PLAYWRIGHT_JSON_OUTPUT_FILE: undefined } });
  let list: JsonList;
  try {
    list = JSON.parse(run.stdout) as JsonList;
  } catch {
    throw new Error(`playwright test --list failed (exit ${run.exitCode}):\n${run.stderr || run.stdout}`);
  }
  if (list.errors.length > 0) throw new Error(`playwright test --list: ${list.errors.map((e) => e.message).join('\n')}`);
  const tests: ListedTest[] = [];
  for (const suite of list.suites) flatten(suite, list.config.rootDir, tests);
  return tests;
}

function where(t: ListedTest): string {
  return `${t.file}:${t.line} "${t.title}"`;
}

const GPU_TIERS: readonly TierTag[] = ['@gpu_1', '@gpu_2'];

/**
 * The tier that decides where a test runs. A GPU tier may come with @slow (a slow GPU test
 * runs on the GPU runner, nightly); any other pair would run the test in two jobs or none.
 */
export function runnerTier(tags: readonly string[]): { tier: TierTag } | { problem: string } {
  const tiers = tags.filter((tag): tag is TierTag => (TIER_TAGS as readonly string[]).includes(tag));
  const gpus = tiers.filter((t) => GPU_TIERS.includes(t));
  if (tiers.length === 0) return { problem: `no tier tag (one of ${TIER_TAGS.join(', ')})` };
  if (gpus.length === 1 && tiers.every((t) => t === gpus[0] || t === '@slow')) return { tier: gpus[0]! };
  if (tiers.length === 1) return { tier: tiers[0]! };
  return { problem: `${tiers.length} tier tags (${tiers.join(', ')}); one is allowed, or one GPU tier with @slow` };
}

/** One line per test whose tier tags do not name exactly one job: it would run in none, or in two. */
export function tierProblems(tests: readonly ListedTest[]): string[] {
  const problems = new Set<string>();
  for (const t of tests) {
    const tier = runnerTier(t.tags);
    if ('problem' in tier) problems.add(`${where(t)}: ${tier.problem}`);
  }
  return [...problems];
}

const KNOWN_TAGS = new Set<string>([...TIER_TAGS, ...AREA_TAGS]);

/** Tags outside the taxonomy (a typo, or an area nobody documented), each with its first use. */
export function unknownTags(tests: readonly ListedTest[]): Map<string, string> {
  const unknown = new Map<string, string>();
  for (const t of tests) for (const tag of t.tags) if (!KNOWN_TAGS.has(tag) && !unknown.has(tag)) unknown.set(tag, where(t));
  return unknown;
}

export function tagCounts(tests: readonly ListedTest[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const t of tests) for (const tag of t.tags) counts.set(tag, (counts.get(tag) ?? 0) + 1);
  return new Map([...counts].sort(([a], [b]) => a.localeCompare(b)));
}

/** Jobs for an event: each tier that runs on it and has tests, split into shards of about testsPerShard tests. */
export function buildMatrix(tests: readonly ListedTest[], event: GithubEvent): { include: MatrixEntry[] } {
  const counts = new Map<TierTag, number>();
  for (const t of tests) {
    const tier = runnerTier(t.tags);
    if ('tier' in tier) counts.set(tier.tier, (counts.get(tier.tier) ?? 0) + 1);
  }
  const include: MatrixEntry[] = [];
  for (const tier of TIER_TAGS) {
    const plan = TIER_PLANS[tier];
    const count = counts.get(tier) ?? 0;
    if (count === 0 || !plan.events.includes(event)) continue;
    const shards = Math.min(plan.maxShards, Math.ceil(count / plan.testsPerShard));
    for (let shard = 1; shard <= shards; shard++) {
      const grepInvert = tier === '@slow' ? GPU_TIERS.map((g) => `${g}\\b`).join('|') : '';
      include.push({ tier: tier.slice(1), grep: `${tier}\\b`, grepInvert, runner: plan.runner, shard, shards, tests: count });
    }
  }
  return { include };
}

function parseEvent(raw: string): GithubEvent {
  if ((EVENTS as readonly string[]).includes(raw)) return raw as GithubEvent;
  throw new Error(`--event ${raw} is not one of ${EVENTS.join(', ')}`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { event: { type: 'string', default: process.env.GITHUB_EVENT_NAME ?? 'push' }, config: { type: 'string' } },
  });
  const event = parseEvent(values.event);
  const tests = await listTests(values.config);
  const used = [...tagCounts(tests)].map(([tag, n]) => `${tag} ${n}`).join(', ');
  console.error(`ci-matrix: ${tests.length} test(s); tags: ${used || 'none'}`);
  for (const [tag, first] of unknownTags(tests)) {
    console.error(`ci-matrix: warning: ${tag} is not in docs/tags.md (areas: ${AREA_TAGS.join(', ')}); first used at ${first}`);
  }
  const problems = tierProblems(tests);
  if (problems.length > 0) {
    console.error(`ci-matrix: ${problems.length} test(s) need one tier tag (docs/tags.md):\n${problems.map((p) => `  ${p}`).join('\n')}`);
    process.exitCode = 1;
    return;
  }
  console.log(JSON.stringify(buildMatrix(tests, event)));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(`ci-matrix: ${(error as Error).message}`);
    process.exitCode = 1;
  });
}
