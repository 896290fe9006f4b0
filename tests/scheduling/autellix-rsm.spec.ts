// The Autellix RSM end-to-end scenarios (seed 000): a PLAS chatbot, an ATLAS research
// agent, load balancing over three engines and KV-cache locality for long prompts,
// each checked against the frontend's process table in /debug/scheduler.

import { expect, test, type StartedStack } from '../../fixtures/index.ts';
import { attachScenarioMetrics, cacheStats, engineDistribution, sampleOf, type RequestSample } from './support/scenario-metrics.ts';
import { debugScheduler } from './support/saturation.ts';

const tags = { tag: ['@e2e', '@scheduling'] };
const THREE_ENGINES = 3;

interface ThreadState {
  serviceMs: number;
  calls: number;
  parents: string[];
  criticalPathMs: number;
}
interface ProgramState {
  serviceMs: number;
  completedCalls: number;
  queued: number;
  running: number;
  threads: Record<string, ThreadState>;
}

async function program(stack: StartedStack, id: string): Promise<ProgramState> {
  const programs = (await debugScheduler(stack)).scheduler.programs as Record<string, ProgramState>;
  const found = programs[id];
  if (!found) throw new Error(`program ${id} is not in the process table (have: ${Object.keys(programs).join(', ')})`);
  return found;
}

interface Call {
  programId: string;
  threadId?: string;
  parents?: string[];
  prompt: string;
  maxTokens?: number;
}

async function call(stack: StartedStack, c: Call): Promise<RequestSample> {
  const headers: Record<string, string> = { 'x-program-id': c.programId };
  if (c.threadId) headers['x-thread-id'] = c.threadId;
  if (c.parents) headers['x-parent-thread-ids'] = c.parents.join(',');
  const res = await stack.client().completions({ prompt: c.prompt, max_tokens: c.maxTokens ?? 16 }, { headers });
  expect(res.status).toBe(200);
  expect(res.text.length).toBeGreaterThan(0);
  return sampleOf(res);
}

/** A prompt of exactly `tokens` tokens (the reference tokenizer: one word = one token). */
function longPrompt(tokens: number, topic: string): string {
  return Array.from({ length: tokens }, (_, i) => `${topic}${i}`).join(' ');
}

test.describe('Autellix RSM', () => {
  test('single-threaded chatbot (PLAS): process table registers the session and tracks its service', tags, async ({ launchStack }, testInfo) => {
    const stack = await launchStack({ frontend: { scheduler: 'plas', routerMode: 'locality' }, workers: THREE_ENGINES });
    const started = performance.now();
    const samples: RequestSample[] = [];
    let history = 'user: hello';
    for (let turn = 0; turn < 10; turn++) {
      samples.push(await call(stack, { programId: 'chat-session', prompt: history }));
      history += ` assistant: answer ${turn} user: question ${turn}`;
    }
    const session = await program(stack, 'chat-session');
    expect(session).toMatchObject({ completedCalls: 10, queued: 0, running: 0 });
    expect(Object.keys(session.threads)).toEqual(['main']);
    expect(session.threads['main']!.calls).toBe(10);
    expect(session.serviceMs).toBeGreaterThan(0);
    expect(session.serviceMs).toBeLessThanOrEqual(samples.reduce((sum, s) => sum + s.latencyMs, 0));
    await attachScenarioMetrics(testInfo, 'Single-Threaded Chatbot', samples, {
      mode: 'PLAS',
      totalDurationMs: performance.now() - started,
      serviceTimeMs: session.serviceMs,
      extra: { total_calls: session.completedCalls },
    });
  });

  test('multi-threaded research agent (ATLAS): plan → parallel research → aggregate along the thread DAG', tags, async ({ launchStack }, testInfo) => {
    const stack = await launchStack({ frontend: { scheduler: 'atlas', routerMode: 'locality' }, workers: THREE_ENGINES });
    const started = performance.now();
    const agent = 'research-agent';
    const research = ['r1', 'r2', 'r3'];
    const plan = await call(stack, { programId: agent, threadId: 'plan', prompt: 'plan the research on scheduling' });
    // Dependencies are honoured by the agent: research starts after the plan, aggregation after all research.
    const branches = await Promise.all(
      research.map((r, i) =>
        call(stack, { programId: agent, threadId: r, parents: ['plan'], prompt: `research topic ${r}`, maxTokens: 16 * (i + 1) }),
      ),
    );
    const aggregate = await call(stack, { programId: agent, threadId: 'agg', parents: research, prompt: 'aggregate the findings' });

    const table = await program(stack, agent);
    const t = table.threads;
    expect(t['plan']!.parents).toEqual([]);
    for (const r of research) expect(t[r]!.parents).toEqual(['plan']);
    expect(t['agg']!.parents).toEqual(research);
    const longestBranch = Math.max(...research.map((r) => t[r]!.serviceMs));
    expect(t['agg']!.criticalPathMs).toBe(t['plan']!.serviceMs + longestBranch + t['agg']!.serviceMs);
    expect(table.serviceMs).toBe(Object.values(t).reduce((sum, th) => sum + th.serviceMs, 0));
    expect(table.completedCalls).toBe(5);
    // Three parallel branches on three idle engines: least-loaded placement spreads them.
    expect(new Set(branches.map((b) => b.workerId)).size).toBe(THREE_ENGINES);

    const samples = [plan, ...branches, aggregate];
    await attachScenarioMetrics(testInfo, 'Multi-Threaded Research Agent', samples, {
      mode: 'ATLAS',
      totalDurationMs: performance.now() - started,
      serviceTimeMs: table.serviceMs,
      extra: { total_calls: table.completedCalls, active_threads: Object.keys(t).length, critical_path_ms: t['agg']!.criticalPathMs },
    });
  });

  test('load balancing: concurrent sessions spread over three engines (balance ratio > 0.5)', tags, async ({ launchStack }, testInfo) => {
    const stack = await launchStack({ frontend: { scheduler: 'plas', routerMode: 'locality' }, workers: THREE_ENGINES });
    const started = performance.now();
    const SESSIONS = 6;
    const TURNS = 5;
    const perSession = await Promise.all(
      Array.from({ length: SESSIONS }, async (_, s) => {
        const samples: RequestSample[] = [];
        for (let turn = 0; turn < TURNS; turn++) samples.push(await call(stack, { programId: `session-${s}`, prompt: `session ${s} turn ${turn}` }));
        return samples;
      }),
    );
    const samples = perSession.flat();
    const distribution = engineDistribution(samples);
    const counts = stack.workers.map((w) => distribution[w.id] ?? 0);
    const balanceRatio = Math.min(...counts) / Math.max(...counts);
    expect(samples).toHaveLength(SESSIONS * TURNS);
    expect(balanceRatio).toBeGreaterThan(0.5);
    await attachScenarioMetrics(testInfo, 'Load Balancing Validation', samples, {
      mode: 'PLAS',
      totalDurationMs: performance.now() - started,
      extra: { balanceRatio, sessions: SESSIONS },
    });
  });

  test('cache locality: sequential long (> 2048 token) requests of a program stay on one engine and hit its cache', tags, async ({ launchStack }, testInfo) => {
    const stack = await launchStack({ frontend: { scheduler: 'plas', routerMode: 'locality' }, workers: THREE_ENGINES });
    const started = performance.now();
    const samples: Record<'doc-a' | 'doc-b', RequestSample[]> = { 'doc-a': [], 'doc-b': [] };
    const prefixes = { 'doc-a': longPrompt(2_100, 'alpha'), 'doc-b': longPrompt(2_100, 'beta') };
    // Two programs take turns, so without the locality rule load-based routing would
    // rotate each program's requests over the engines.
    for (let turn = 0; turn < 4; turn++) {
      for (const doc of ['doc-a', 'doc-b'] as const) {
        samples[doc].push(await call(stack, { programId: doc, prompt: `${prefixes[doc]} question ${turn}`, maxTokens: 8 }));
      }
    }
    for (const doc of ['doc-a', 'doc-b'] as const) {
      expect(new Set(samples[doc].map((s) => s.workerId)).size, `${doc} engines`).toBe(1);
      expect(samples[doc].slice(1).every((s) => (s.cachedTokens ?? 0) >= 2_048), `${doc} reuses its cached prefix`).toBe(true);
    }
    const all = [...samples['doc-a'], ...samples['doc-b']];
    const cache = cacheStats(all);
    expect(cache.hitRate).toBe(6 / 8);
    await attachScenarioMetrics(testInfo, 'Cache Locality Validation', all, {
      mode: 'PLAS',
      totalDurationMs: performance.now() - started,
      cache,
      extra: { cachedTokens: all.reduce((sum, s) => sum + (s.cachedTokens ?? 0), 0) },
    });
  });
});
