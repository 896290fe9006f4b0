import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ExitStatus } from 'servewright';
import { expect, test, type InlineTest } from './helpers/inline-test.ts';
import { defaultRegistryDir } from '../../fixtures/ports/port-allocator.ts';
import { procTableBackend } from '../../fixtures/process/os-processes.ts';
import type { ReapRecord } from '../../fixtures/process/reaper-protocol.ts';
import { containerRuntimeClient, probeContainerRuntime } from '../../fixtures/services/container-runtime.ts';
import { childRun } from './child-runs/child-run.ts';
import { countLeftovers, isClean, type Leftovers, type RunTraces } from './child-runs/leftovers.ts';
import { seededRandom } from '../../workloads/arrival/random.ts';

/**
 * Runs of a child `playwright test` that brings up services and a small stack, killed as CI
 * kills runs; after each, nothing of the run may be left 2 s after its runner is gone:
 * no process (found by an environment marker, not by the code under test), container,
 * registry file or temp dir.
 */
const KINDS = ['runner-group-sigkill', 'runner-sigterm', 'runner-group-sigint', 'worker-crash'] as const;
type Kind = (typeof KINDS)[number];
/** starting: a random moment from spawn, maybe before anything is up; running: a random moment after the stack is ready. */
type Phase = 'starting' | 'running';

const CLEAN_WITHIN_MS = 2_000;
/** The child runner on a loaded machine: setup, services, frontend and worker. */
const STARTING_WINDOW_MS = 12_000;
const RUNNING_WINDOW_MS = 2_000;

interface Kill {
  kind: Kind;
  phase: Phase;
  delayMs: number;
}

interface Outcome extends Kill {
  /** Signal (or crash) to runner exit. */
  exitMs: number;
  /** Runner exit to nothing left; undefined when something was still there after CLEAN_WITHIN_MS. */
  cleanMs: number | undefined;
  leftovers: Leftovers;
  runner: ExitStatus;
  /** The runner's own output, for what it said on the way out. */
  runnerLog: string;
  reaped: ReapRecord[];
  reportFile: string;
}

function deliver(kind: Kind, runnerPid: number, crashFile: string): void {
  if (kind === 'runner-group-sigkill') process.kill(-runnerPid, 'SIGKILL');
  // What CI systems and `timeout` do: the runner alone.
  else if (kind === 'runner-sigterm') process.kill(runnerPid, 'SIGTERM');
  // Ctrl-C: the terminal signals the whole foreground group.
  else if (kind === 'runner-group-sigint') process.kill(-runnerPid, 'SIGINT');
  else writeFileSync(crashFile, 'crash');
}

function readRecords(reaperDir: string): ReapRecord[] {
  return ['history.jsonl', 'reaped.jsonl'].flatMap((f) => {
    const path = join(reaperDir, f);
    if (!existsSync(path)) return [];
    return readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as ReapRecord);
  });
}

async function waitFor(what: string, cond: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(50);
  }
}

async function killedRun(inline: InlineTest, index: number, kill: Kill, docker: RunTraces['docker']): Promise<Outcome> {
  const dir = test.info().outputPath(`run-${index}`);
  // Each run its own temp dir: leftovers are counted there, and runs may overlap.
  const tmpDir = join(dir, 'tmp');
  mkdirSync(tmpDir, { recursive: true });
  const runId = randomUUID();
  const traces: RunTraces = { envMarker: `CHAOS_RUN_ID=${runId}`, registryDir: join(dir, 'pid-registry'), tmpDir, runId, docker };
  const readyFile = join(dir, 'ready');
  const crashFile = join(dir, 'crash');
  const reaperDir = join(dir, 'reaper');
  const reportFile = join(dir, 'report.json');
  const runner = await childRun(inline, {
    name: `run-${index}-${kill.kind}`,
    file: 'stack.child.ts',
    extraArgs: ['--reporter=list,json'],
    env: {
      CHAOS_RUN_ID: runId,
      SERVEWRIGHT_RUN_ID: runId,
      SERVEWRIGHT_PID_REGISTRY: traces.registryDir,
      SERVEWRIGHT_REAPER_DIR: reaperDir,
      // Temp dirs land where only this test looks; ports stay in the machine-wide registry.
      TMPDIR: tmpDir,
      SERVEWRIGHT_PORTS_DIR: defaultRegistryDir(),
      CHAOS_READY_FILE: readyFile,
      CHAOS_CRASH_FILE: crashFile,
      PLAYWRIGHT_JSON_OUTPUT_NAME: reportFile,
    },
  });
  if (kill.phase === 'running') await waitFor(`run ${index}: stack ready`, () => existsSync(readyFile) || !runner.isAlive(), 120_000);
  expect(runner.isAlive(), `run ${index} ended by itself before the kill:\n${runner.tail()}`).toBe(true);
  await sleep(kill.delayMs);
  const signalled = Date.now();
  deliver(kill.kind, runner.pid, crashFile);
  const status = await runner.exited;
  const exited = Date.now();
  let leftovers = await countLeftovers(traces);
  while (!isClean(leftovers) && Date.now() - exited < CLEAN_WITHIN_MS) {
    await sleep(50);
    leftovers = await countLeftovers(traces);
  }
  const cleanMs = isClean(leftovers) ? Date.now() - exited : undefined;
  return { ...kill, exitMs: exited - signalled, cleanMs, leftovers, runner: status, runnerLog: runner.log.linesSince(0).map((l) => l.text).join('\n'), reaped: readRecords(reaperDir), reportFile };
}

interface JsonReport {
  suites: { specs: { tests: { results: { status: string; error?: { message?: string }; attachments: { name: string; path?: string }[] }[] }[] }[] }[];
}

/** A worker that died with its stack up: the test failed for it, carries the process logs, and the reaper kept copies. */
function expectCrashEvidence(o: Outcome): void {
  const result = (JSON.parse(readFileSync(o.reportFile, 'utf8')) as JsonReport).suites[0]!.specs[0]!.tests[0]!.results[0]!;
  expect(result.error?.message ?? '').toMatch(/worker process exited unexpectedly/i);
  const logs = result.attachments.filter((a) => a.name.endsWith('.log'));
  expect(logs.map((a) => a.name).sort(), 'the crashed test carries its process logs').toEqual(expect.arrayContaining(['frontend.log']));
  for (const a of logs) expect(readFileSync(a.path!, 'utf8'), `${a.name} has the process's output`).not.toBe('');
  const kept = o.reaped.flatMap((r) => r.logs).filter((l) => l.test.includes('waits to be killed'));
  expect(kept.map((l) => l.name), 'the reaper kept the logs outside test-results/').toEqual(expect.arrayContaining(['frontend']));
  for (const l of kept) expect(existsSync(l.path), l.path).toBe(true);
}

/** CHAOS_KINDS=a,b narrows a measurement to some kinds. */
function kindsToRun(): readonly Kind[] {
  const asked = process.env.CHAOS_KINDS?.split(',').filter(Boolean);
  if (!asked) return KINDS;
  const unknown = asked.filter((k) => !(KINDS as readonly string[]).includes(k));
  if (unknown.length > 0) throw new Error(`CHAOS_KINDS: unknown ${unknown.join(', ')} (known: ${KINDS.join(', ')})`);
  return asked as Kind[];
}

function plan(killsPerKind: number, rng: () => number, phases: Phase[]): Kill[] {
  const kills = kindsToRun().flatMap((kind) =>
    Array.from({ length: killsPerKind }, () => {
      const phase = phases[Math.floor(rng() * phases.length)]!;
      return { kind, phase, delayMs: Math.round(rng() * (phase === 'starting' ? STARTING_WINDOW_MS : RUNNING_WINDOW_MS)) };
    }),
  );
  // Interleaved, so one kind's leftovers cannot hide behind the next run of the same kind.
  return kills.sort(() => rng() - 0.5);
}

function summary(outcomes: Outcome[]): string {
  return kindsToRun().map((kind) => {
    const of = outcomes.filter((o) => o.kind === kind);
    const cleanMs = of.map((o) => o.cleanMs).filter((ms): ms is number => ms !== undefined);
    const dirty = of.filter((o) => o.cleanMs === undefined).length;
    return `${kind}: ${of.length} kills (${of.filter((o) => o.phase === 'running').length} with the stack up), ${dirty} with leftovers after ${CLEAN_WITHIN_MS} ms, runner exit max ${Math.max(...of.map((o) => o.exitMs))} ms, clean after exit max ${cleanMs.length ? Math.max(...cleanMs) : '-'} ms`;
  }).join('\n');
}

/** Runs `fn` over `items` with at most `lanes` at a time; results in item order. */
async function inLanes<T, R>(items: readonly T[], lanes: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    for (let i = next++; i < items.length; i = next++) results[i] = await fn(items[i]!, i);
  };
  await Promise.all(Array.from({ length: Math.min(lanes, items.length) }, lane));
  return results;
}

/**
 * `lanes`: child runs at once. The push tier runs two at a time (59 s at load 11-13, was
 * 109 s one by one): four took 45 s, but four stacks starting at once on two cores starve
 * the other Playwright worker, where a 700 ms SLO replay test failed beside them once.
 */
async function chaos(inline: InlineTest, killsPerKind: number, phases: Phase[], lanes = 1): Promise<void> {
  test.skip(procTableBackend() !== 'proc', 'counts processes by their /proc/<pid>/environ marker: Linux only');
  const seed = Number(process.env.CHAOS_SEED ?? Date.now() % 2 ** 31);
  test.info().annotations.push({ type: 'chaos seed', description: String(seed) });
  const probe = await probeContainerRuntime();
  const docker = probe.reachable ? await containerRuntimeClient() : undefined;
  if (!probe.reachable) test.info().annotations.push({ type: 'containers not counted', description: probe.reason });
  const kills = plan(killsPerKind, seededRandom(seed), phases);
  test.setTimeout(kills.length * 90_000);
  const outcomes = await inLanes(kills, lanes, (kill, i) => test.step(`run ${i}: ${kill.kind} ${kill.phase} +${kill.delayMs} ms`, () => killedRun(inline, i, kill, docker)));
  const text = summary(outcomes);
  console.log(`chaos (seed ${seed}):\n${text}`);
  const recorded = outcomes.map(({ runnerLog: _, ...o }) => o);
  await test.info().attach('chaos-outcomes.json', { body: JSON.stringify(recorded, null, 2), contentType: 'application/json' });
  for (const [i, o] of outcomes.entries()) expect(o.leftovers, `run ${i} (${o.kind}, ${o.phase} +${o.delayMs} ms): left after ${CLEAN_WITHIN_MS} ms`).toEqual({ processes: [], containers: [], registryFiles: [], tempDirs: [] });
  for (const o of outcomes) if (o.kind === 'worker-crash' && o.phase === 'running') expectCrashEvidence(o);
  // SIGTERM took the SIGINT path: Playwright's interrupted summary and exit code, not death by the signal.
  for (const o of outcomes) {
    if (o.kind !== 'runner-sigterm' || o.phase !== 'running') continue;
    expect(o.runner, 'the runner exits as interrupted').toEqual({ code: 130, signal: null });
    expect(o.runnerLog).toMatch(/1 interrupted/);
  }
}

test.describe('nothing outlives a killed run', () => {
  test('one kill of each kind with the stack up', { tag: ['@e2e', '@framework'] }, async ({ inline }) => {
    await chaos(inline, 1, ['running'], 2);
  });

  test('randomised kills of each kind, at any point of the run', { tag: ['@slow', '@framework'] }, async ({ inline }) => {
    await chaos(inline, Number(process.env.CHAOS_KILLS ?? 2), ['starting', 'running']);
  });
});
