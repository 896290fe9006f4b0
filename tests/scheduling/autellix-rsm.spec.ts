// The Autellix RSM end-to-end scenarios (seed 000): a PLAS chatbot, an ATLAS research
// agent, load balancing over the engines and KV-cache locality for long prompts, each
// checked against the frontend's process table, request ledger and counters. Quick
// mode (@e2e) and full mode (@slow) are the seed's two runs; see support/rsm-mode.ts.

import { expect, test, type StartedStack } from 'servewright';
import type { SystemStatistics } from '../../reporters/markdown/attachments.ts';
import { rsmModes, type RsmMode } from './support/rsm-mode.ts';
import { debugScheduler, stopStack } from './support/saturation.ts';
import { attachScenarioMetrics, cacheStats, engineDistribution, sampleOf, type RequestSample, type ScenarioExtras } from './support/scenario-metrics.ts';
import { withScheduling } from './support/scheduler-ledger.ts';
import { systemStatistics } from './support/system-statistics.ts';

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
  requestId: string;
  programId: string;
  threadId?: string;
  parents?: string[];
  prompt: string;
  maxTokens?: number;
}

async function call(stack: StartedStack, c: Call): Promise<RequestSample> {
  const headers: Record<string, string> = { 'x-request-id': c.requestId, 'x-program-id': c.programId };
  if (c.threadId) headers['x-thread-id'] = c.threadId;
  if (c.parents) headers['x-parent-thread-ids'] = c.parents.join(',');
  const res = await stack.client().completions({ prompt: c.prompt, max_tokens: c.maxTokens ?? 16 }, { headers });
  expect(res.status).toBe(200);
  expect(res.text.length).toBeGreaterThan(0);
  return sampleOf(res, c.requestId);
}

/** A prompt of exactly `tokens` tokens (the reference tokenizer: one word = one token). */
function longPrompt(tokens: number, topic: string): string {
  return Array.from({ length: tokens }, (_, i) => `${topic}${i}`).join(' ');
}

/**
 * The seed's basic and system validations, then the attachments: every request has a
 * latency, tokens and one of this stack's engines; the frontend's ledger agrees on the
 * engine and token count; each request was routed and served exactly once.
 */
async function finish(
  stack: StartedStack,
  testInfo: Parameters<typeof attachScenarioMetrics>[0],
  scenario: string,
  samples: readonly RequestSample[],
  extras: ScenarioExtras,
): Promise<{ samples: RequestSample[]; system: SystemStatistics }> {
  const engines = stack.workers.map((w) => w.id);
  const scheduled = await withScheduling(stack, samples);
  for (const s of scheduled) {
    expect(s.latencyMs, `${s.requestId} latency`).toBeGreaterThan(0);
    expect(s.tokens, `${s.requestId} tokens`).toBeGreaterThan(0);
    expect(engines, `${s.requestId} engine`).toContain(s.workerId);
    // The frontend's clock ticks in whole milliseconds: allow one tick per reading.
    expect(s.scheduling!.waitingTimeMs! + s.scheduling!.serviceTimeMs!, `${s.requestId} wait + service within its latency`).toBeLessThanOrEqual(
      s.latencyMs + 2,
    );
  }
  const system = await systemStatistics(stack);
  expect(system.scheduler['dispatched'], 'scheduler dispatches').toBe(samples.length);
  expect(system.scheduler['completed'], 'scheduler completions').toBe(samples.length);
  expect(system.loadBalancer['decisions'], 'routing decisions').toBe(samples.length);
  expect(system.frontend['succeeded'], 'frontend successes').toBe(samples.length);
  // Queue integrity: with every response in, nothing waits, runs or is left in a program's books.
  expect(system.frontend, 'nothing left queued or running').toMatchObject({ queued: 0, inflight: 0, activeCalls: 0 });
  expect(Object.values(system.engines).reduce((sum, e) => sum + e['completed']!, 0), 'engine completions').toBe(samples.length);
  await attachScenarioMetrics(testInfo, scenario, scheduled, { ...extras, system });
  return { samples: scheduled, system };
}

const priorities = (samples: readonly RequestSample[]) => samples.map((s) => s.scheduling!.priority);
const service = (s: RequestSample): number => s.scheduling!.serviceTimeMs!;

/** Autellix's queue for an attained service: queue i holds service below quantum·2^i (frontend defaults: 50 ms, 8 queues). */
function autellixLevel(serviceMs: number, quantumMs = 50, numQueues = 8): number {
  let level = 0;
  while (level < numQueues - 1 && serviceMs >= quantumMs * 2 ** level) level++;
  return level;
}

for (const mode of rsmModes()) {
  const tags = { tag: [mode.tier, '@scheduling'] };
  // Quick and full runs are different workloads: the name keeps them apart in the reports.
  const scenario = (name: string) => `${name} [${mode.name}, ${mode.numEngines} engines]`;
  const engines = (m: RsmMode) => Array.from({ length: m.numEngines }, () => (m.speedup === undefined ? {} : { speedup: m.speedup }));

  test.describe(`Autellix RSM, ${mode.name} (${mode.numEngines} engines)`, () => {
    test('single-threaded chatbot (PLAS): process table registers the session and tracks its service', tags, async ({ launchStack }, testInfo) => {
      const stack = await launchStack({ frontend: { scheduler: 'plas', routerMode: 'locality' }, workers: engines(mode) });
      const started = performance.now();
      const samples: RequestSample[] = [];
      let history = 'user: hello';
      for (let turn = 0; turn < mode.chatTurns; turn++) {
        samples.push(await call(stack, { requestId: `chat-${turn}`, programId: 'chat-session', prompt: history }));
        history += ` assistant: answer ${turn} user: question ${turn}`;
      }
      const session = await program(stack, 'chat-session');
      expect(session).toMatchObject({ completedCalls: mode.chatTurns, queued: 0, running: 0 });
      expect(Object.keys(session.threads)).toEqual(['main']);
      expect(session.threads['main']!.calls).toBe(mode.chatTurns);
      expect(session.serviceMs).toBeGreaterThan(0);
      expect(session.serviceMs).toBeLessThanOrEqual(samples.reduce((sum, s) => sum + s.latencyMs, 0));
      const { samples: scheduled } = await finish(stack, testInfo, scenario('Single-Threaded Chatbot'), samples, {
        mode: 'PLAS',
        totalDurationMs: performance.now() - started,
        serviceTimeMs: session.serviceMs,
        session: { totalCalls: session.completedCalls, activeThreads: Object.keys(session.threads).length },
      });
      // PLAS: each call's queue is set by the service its program attained before it (calls are sequential).
      let attained = 0;
      const expected = scheduled.map((s) => {
        const level = autellixLevel(attained);
        attained += service(s);
        return level;
      });
      expect(priorities(scheduled)).toEqual(expected);
      expect(attained).toBe(session.serviceMs);
      expect(new Set(scheduled.map((s) => s.scheduling!.threadId))).toEqual(new Set(['main']));
    });

    test('multi-threaded research agent (ATLAS): plan → parallel research → aggregate along the thread DAG', tags, async ({ launchStack }, testInfo) => {
      const stack = await launchStack({ frontend: { scheduler: 'atlas', routerMode: 'locality' }, workers: engines(mode) });
      const started = performance.now();
      const agent = 'research-agent';
      const research = Array.from({ length: mode.researchBranches }, (_, i) => `r${i + 1}`);
      const plan = await call(stack, { requestId: 'plan', programId: agent, threadId: 'plan', prompt: 'plan the research on scheduling' });
      // Dependencies are honoured by the agent: research starts after the plan, aggregation after all research.
      const branches = await Promise.all(
        research.map((r, i) =>
          call(stack, { requestId: r, programId: agent, threadId: r, parents: ['plan'], prompt: `research topic ${r}`, maxTokens: 16 * (i + 1) }),
        ),
      );
      const aggregate = await call(stack, { requestId: 'agg', programId: agent, threadId: 'agg', parents: research, prompt: 'aggregate the findings' });

      const table = await program(stack, agent);
      const t = table.threads;
      expect(t['plan']!.parents).toEqual([]);
      for (const r of research) expect(t[r]!.parents).toEqual(['plan']);
      expect(t['agg']!.parents).toEqual(research);
      const longestBranch = Math.max(...research.map((r) => t[r]!.serviceMs));
      expect(t['agg']!.criticalPathMs).toBe(t['plan']!.serviceMs + longestBranch + t['agg']!.serviceMs);
      expect(table.serviceMs).toBe(Object.values(t).reduce((sum, th) => sum + th.serviceMs, 0));
      expect(table.completedCalls).toBe(research.length + 2);
      // Parallel branches on idle engines: least-loaded placement spreads them over as many engines as it can.
      expect(new Set(branches.map((b) => b.workerId)).size).toBe(Math.min(research.length, mode.numEngines));

      const { samples: scheduled } = await finish(stack, testInfo, scenario('Multi-Threaded Research Agent'), [plan, ...branches, aggregate], {
        mode: 'ATLAS',
        totalDurationMs: performance.now() - started,
        serviceTimeMs: table.serviceMs,
        session: { totalCalls: table.completedCalls, activeThreads: Object.keys(t).length },
        extra: { critical_path_ms: t['agg']!.criticalPathMs },
      });
      expect(scheduled.map((s) => s.scheduling!.threadId)).toEqual(['plan', ...research, 'agg']);
      // ATLAS: a call's queue is set by the service along its thread's critical path when it arrived.
      const planService = service(scheduled[0]!);
      const branchService = Math.max(...scheduled.slice(1, -1).map(service));
      expect(priorities(scheduled)).toEqual([
        0,
        ...research.map(() => autellixLevel(planService)),
        autellixLevel(planService + branchService),
      ]);
    });

    test('load balancing: concurrent sessions spread over the engines (balance ratio > 0.5)', tags, async ({ launchStack }, testInfo) => {
      const stack = await launchStack({ frontend: { scheduler: 'plas', routerMode: 'locality' }, workers: engines(mode) });
      const started = performance.now();
      const sessions = mode.sessionsPerEngine * mode.numEngines;
      const perSession = await Promise.all(
        Array.from({ length: sessions }, async (_, s) => {
          const samples: RequestSample[] = [];
          for (let turn = 0; turn < mode.sessionTurns; turn++) {
            samples.push(await call(stack, { requestId: `s${s}-t${turn}`, programId: `session-${s}`, prompt: `session ${s} turn ${turn}` }));
          }
          return samples;
        }),
      );
      const samples = perSession.flat();
      const distribution = engineDistribution(samples);
      const counts = stack.workers.map((w) => distribution[w.id] ?? 0);
      const balanceRatio = Math.min(...counts) / Math.max(...counts);
      expect(samples).toHaveLength(sessions * mode.sessionTurns);
      expect(balanceRatio).toBeGreaterThan(0.5);
      const { system } = await finish(stack, testInfo, scenario('Load Balancing Validation'), samples, {
        mode: 'PLAS',
        totalDurationMs: performance.now() - started,
        extra: { balanceRatio, sessions },
      });
      // Every prompt is short: the locality router balances each by load.
      expect(system.loadBalancer).toMatchObject({ locality_short_prompt: samples.length });
      expect(system.frontend['programs']).toBe(sessions);
    });

    test('cache locality: sequential long (> 2048 token) requests of a program stay on one engine and hit its cache', tags, async ({ launchStack }, testInfo) => {
      const stack = await launchStack({ frontend: { scheduler: 'plas', routerMode: 'locality' }, workers: engines(mode) });
      const started = performance.now();
      const docs = Array.from({ length: mode.localityPrograms }, (_, i) => `doc-${i}`);
      const samples = new Map(docs.map((d) => [d, [] as RequestSample[]]));
      const prefixes = new Map(docs.map((d) => [d, longPrompt(mode.localityPrefixTokens, d.replace('-', ''))]));
      // Programs take turns, so without the locality rule load-based routing would
      // rotate each program's requests over the engines.
      for (let turn = 0; turn < mode.localityTurns; turn++) {
        for (const doc of docs) {
          samples.get(doc)!.push(await call(stack, { requestId: `${doc}-${turn}`, programId: doc, prompt: `${prefixes.get(doc)} question ${turn}`, maxTokens: 8 }));
        }
      }
      for (const doc of docs) {
        const own = samples.get(doc)!;
        expect(new Set(own.map((s) => s.workerId)).size, `${doc} engines`).toBe(1);
        expect(own.slice(1).every((s) => s.cachedTokens >= 2_048), `${doc} reuses its cached prefix`).toBe(true);
      }
      const all = [...samples.values()].flat();
      const cache = cacheStats(all);
      expect(cache.hitRate).toBe((mode.localityTurns - 1) / mode.localityTurns);
      const { system } = await finish(stack, testInfo, scenario('Cache Locality Validation'), all, {
        mode: 'PLAS',
        totalDurationMs: performance.now() - started,
        cache,
        extra: { cachedTokens: all.reduce((sum, s) => sum + s.cachedTokens, 0) },
      });
      // The frontend's own count of locality hits agrees with the engines' cache reuse.
      expect(system.loadBalancer).toMatchObject({
        locality_new_holder: docs.length,
        locality_hit: docs.length * (mode.localityTurns - 1),
      });
    });

    test('PLAS vs ATLAS: one workload of concurrent research agents on busy engines, run under each policy', tags, async ({ launchStack }, testInfo) => {
      const agents = Array.from({ length: mode.numEngines }, (_, i) => `agent-${i}`);
      const research = Array.from({ length: mode.researchBranches }, (_, i) => `r${i + 1}`);
      const runs: Record<string, { ids: string[]; tokens: Record<string, number> }> = {};
      for (const policy of ['plas', 'atlas']) {
        // One sequence per engine: calls queue in the frontend, where the policy orders them.
        const stack = await launchStack({
          frontend: { scheduler: policy, routerMode: 'locality' },
          workers: engines(mode).map((w) => ({ ...w, maxNumSeqs: 1 })),
        });
        const started = performance.now();
        const perAgent = await Promise.all(
          agents.map(async (agent) => {
            const ask = (thread: string, parents: string[] | undefined, maxTokens: number) =>
              call(stack, { requestId: `${agent}-${thread}`, programId: agent, threadId: thread, ...(parents ? { parents } : {}), prompt: `${agent} ${thread}`, maxTokens });
            const plan = await ask('plan', undefined, 16);
            const branches = await Promise.all(research.map((r, i) => ask(r, ['plan'], 16 * (i + 1))));
            return [plan, ...branches, await ask('agg', research, 16)];
          }),
        );
        const { samples } = await finish(stack, testInfo, scenario('Research agents on busy engines'), perAgent.flat(), {
          mode: policy.toUpperCase(),
          totalDurationMs: performance.now() - started,
          extra: { agents: agents.length },
        });
        runs[policy] = {
          ids: samples.map((s) => s.requestId!).sort(),
          tokens: Object.fromEntries(samples.map((s) => [s.requestId!, s.tokens])),
        };
        await stopStack(stack);
      }
      // Like with like: the same calls, each generating the same tokens, under both policies.
      expect(runs['atlas']).toEqual(runs['plas']);
      expect(runs['plas']!.ids).toHaveLength(agents.length * (research.length + 2));
    });
  });
}
