import { writeFile } from 'node:fs/promises';
import { expect, test } from 'servewright';
import { toCsv } from '../../workloads/output/csv-writer.ts';

const HEADER = ['request_id', 'arrival_offset_ms', 'mode', 'priority', 'model', 'body_json', 'workload_id', 'criticality'];

interface Row {
  id: string;
  at: number;
  mode: 'interactive' | 'batch';
  priority: 'low' | 'mid' | 'high';
  maxTokens: number;
  workload: string;
  criticality: number;
}

async function writeTrace(name: string, rows: Row[]): Promise<string> {
  const file = test.info().outputPath(name);
  const body = (r: Row) => JSON.stringify({ messages: [{ role: 'user', content: `request ${r.id}` }], max_tokens: r.maxTokens });
  await writeFile(file, toCsv(HEADER, rows.map((r) => [r.id, r.at, r.mode, r.priority, 'mock-model', body(r), r.workload, r.criticality])));
  return file;
}

test.describe('workload replay on the reference stack', () => {
  test.describe('sample trace', () => {
    test.use({ stackOptions: { workers: [{ speedup: 0 }, { speedup: 0 }] } });

    test('the mixed sample replays cleanly and reports per model, priority and mode', { tag: ['@e2e', '@workloads'] }, async ({ stack, workload }) => {
      const run = await workload.replay({
        trace: 'workloads/samples/sample_workload_mixed.csv',
        stack,
        arrival: { kind: 'trace', timeScale: 0.1 },
        slo: { e2eMs: 10_000 },
      });
      const s = run.summary;
      expect(s.overall).toMatchObject({ requests: 24, succeeded: 24, failed: 0 });
      expect(s.overall.slo.compliance).toBe(1);
      expect(Object.keys(s.byModel).sort()).toEqual(['auto', 'mock-llama-8b', 'mock-qwen-7b']);
      expect(Object.keys(s.byPriority).sort()).toEqual(['high', 'low', 'mid']);
      expect(Object.keys(s.byMode).sort()).toEqual(['batch', 'interactive']);
      expect(new Set(run.results.map((r) => r.workerId)).size).toBe(2);
      expect(run.results.every((r) => r.servedModel === 'mock-model' && r.outputTokens > 0)).toBe(true);
      expect(s.overall.queueMs.count).toBe(24);
      // Provider from the frontend's own /v1/models (owned_by), per served model.
      expect(Object.keys(s.byProvider)).toEqual(['servewright']);
      expect(s.byProvider['servewright']!['mock-model']!.requests).toBe(24);
      expect(test.info().attachments.map((a) => a.name)).toEqual(expect.arrayContaining(['scenario-metrics', 'workload-sample_workload_mixed-summary.json']));
    });

    test('the 2000-request synthetic trace replays at 4x speed', { tag: ['@slow', '@workloads'] }, async ({ stack, workload }) => {
      test.setTimeout(180_000);
      const run = await workload.replay({ trace: 'workloads/samples/synthetic_workload_2000.csv', stack, arrival: { kind: 'trace', timeScale: 0.25 } });
      expect(run.summary.overall).toMatchObject({ requests: 2000, succeeded: 2000 });
      expect(run.summary.schedule.rateRatio).not.toBeNull();
    });
  });

  test.describe('under overload with one sequence slot', () => {
    // One worker that runs one sequence at a time, real timing: requests queue in the
    // frontend, where the workload-aware scheduler orders them by criticality. @slow
    // (docs/tags.md): they compare measured TTFTs of a real-time overload; the ordering
    // itself is checked in the push tier by workload-aware-policy and workload-aware specs.
    test.use({ stackOptions: { frontend: { scheduler: 'workload-aware' }, workers: [{ maxNumSeqs: 1, speedup: 1 }] } });

    test('high-priority requests get a better TTFT than low-priority ones', { tag: ['@slow', '@workloads', '@scheduling'] }, async ({ stack, workload }) => {
      const rows: Row[] = Array.from({ length: 30 }, (_, i) => {
        const high = i % 2 === 0;
        return { id: `r${i}`, at: i * 5, mode: 'interactive', priority: high ? 'high' : 'low', maxTokens: 4, workload: high ? 'premium' : 'bulk', criticality: high ? 5 : 1 };
      });
      const { summary } = await workload.replay({ trace: await writeTrace('priority.csv', rows), stack, name: 'priority-impact' });
      const { high, low } = summary.byPriority;
      expect(high!.succeeded).toBe(15);
      expect(low!.succeeded).toBe(15);
      expect(high!.ttftMs.p50!).toBeLessThan(low!.ttftMs.p50!);
      expect(high!.ttftMs.max!).toBeLessThan(low!.ttftMs.p50!);
    });

    test('interactive requests are served ahead of a batch backlog', { tag: ['@slow', '@workloads', '@scheduling'] }, async ({ stack, workload }) => {
      const batch: Row[] = Array.from({ length: 10 }, (_, i) => ({ id: `b${i}`, at: i, mode: 'batch', priority: 'mid', maxTokens: 6, workload: 'batch-jobs', criticality: 1 }));
      const interactive: Row[] = Array.from({ length: 10 }, (_, i) => ({ id: `i${i}`, at: 20 + i * 5, mode: 'interactive', priority: 'mid', maxTokens: 2, workload: 'chat', criticality: 5 }));
      const { summary } = await workload.replay({ trace: await writeTrace('mode.csv', [...batch, ...interactive]), stack, name: 'mode-impact' });
      const { interactive: i, batch: b } = summary.byMode;
      expect(i!.succeeded).toBe(10);
      expect(b!.succeeded).toBe(10);
      expect(i!.ttftMs.p50!).toBeLessThan(b!.ttftMs.p50!);
      expect(i!.e2eMs.p90!).toBeLessThan(b!.e2eMs.p90!);
    });
  });
});
