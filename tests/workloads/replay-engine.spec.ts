import { writeFile } from 'node:fs/promises';
import { test, expect } from 'servewright';
import { arrivalOffsets } from '../../workloads/arrival/processes.ts';
import { replay } from '../../workloads/replay.ts';
import { loadTrace } from '../../workloads/trace/load.ts';
import { startScriptedServer, type Script, type ScriptedServer } from '../../workloads/testing/scripted-server.ts';

const HEADER = 'request_id,arrival_offset_ms,mode,priority,model,body_json,workload_id,criticality,program_id,thread_id,parent_thread_ids,slo_ms';
const CHAT = '"{""messages"":[{""role"":""user"",""content"":""hi""}],""max_tokens"":4}"';

async function csvTrace(name: string, rows: string[]): Promise<string> {
  const file = test.info().outputPath(name);
  await writeFile(file, [HEADER, ...rows].join('\n'));
  return file;
}

test.describe('replay engine', { tag: ['@e2e', '@workloads'] }, () => {
  let server: ScriptedServer | undefined;
  test.afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  test('SLO compliance and failures on a crafted trace come out as scripted', async () => {
    // fast-*: answered at once; slow-*: held 1.5 s; fail-*: HTTP 503. SLO 700 ms.
    server = await startScriptedServer((req): Script => {
      const id = String(req.headers['x-request-id']);
      if (id.startsWith('fail')) return { status: 503 };
      return { headersDelayMs: id.startsWith('slow') ? 1500 : 0, tokens: 4, queueMs: 7, workerId: 'w1' };
    });
    const ids = ['fast-1', 'slow-1', 'fast-2', 'fast-3', 'fail-1', 'slow-2', 'fast-4', 'fast-5'];
    const trace = await csvTrace(
      'crafted.csv',
      ids.map((id, i) => `${id},${i * 10},interactive,${i % 2 ? 'high' : 'low'},m,${CHAT},chat,4,p1,t${i},t0,`),
    );
    const { summary, results } = await replay({ trace, apiBase: server.url, slo: { e2eMs: 700 } });
    expect(summary.overall).toMatchObject({ requests: 8, succeeded: 7, failed: 1 });
    expect(summary.overall.slo.met).toBe(5);
    expect(summary.overall.slo.compliance).toBe(5 / 8);
    expect(summary.errors).toEqual({ 'HTTP 503': 1 });
    const slow = results.find((r) => r.id === 'slow-1')!;
    expect(slow.endMs - slow.scheduledMs).toBeGreaterThanOrEqual(1500);
    const fast = results.find((r) => r.id === 'fast-1')!;
    expect(fast).toMatchObject({ status: 200, outputTokens: 4, queueMs: 7, workerId: 'w1', servedModel: 'm' });
    expect(fast.tokenChunkMs).toHaveLength(4);
    expect(summary.overall.queueMs.mean).toBe(7);
  });

  test('trace fields reach the server as headers, classify rows as model auto', async () => {
    server = await startScriptedServer(() => ({ tokens: 2 }));
    const trace = await csvTrace('headers.csv', [
      `a,0,batch,high,classify,${CHAT},chat,5,prog,t2,t0;t1,`,
      `b,1,interactive,low,llama,"{""prompt"":""x"",""stream"":false}",,,,,,`,
    ]);
    const { results } = await replay({ trace, apiBase: `${server.url}/v1`, apiKey: 'sk-secret' });
    expect(results.map((r) => r.status)).toEqual([200, 200]);
    const [a, b] = [...server.received].sort((x, y) => String(x.headers['x-request-id']).localeCompare(String(y.headers['x-request-id'])));
    expect(a!.path).toBe('/v1/chat/completions');
    expect(a!.headers).toMatchObject({
      'x-priority': 'high',
      'x-workload-context': '{"workload_id":"chat","criticality":5}',
      'x-program-id': 'prog',
      'x-thread-id': 't2',
      'x-parent-thread-ids': 't0,t1',
      authorization: 'Bearer sk-secret',
    });
    expect(a!.body).toMatchObject({ model: 'auto', stream: true, stream_options: { include_usage: true } });
    expect(b!.path).toBe('/v1/completions');
    expect(b!.headers['x-workload-context']).toBeUndefined();
    expect(b!.body).toEqual({ prompt: 'x', stream: false, model: 'llama' });
  });

  test('JSONL prompts are synthesised as each request is sent, on one thread and across sender threads', async () => {
    server = await startScriptedServer(() => ({ tokens: 1 }));
    const file = test.info().outputPath('prompts.jsonl');
    await writeFile(
      file,
      [
        { timestamp: 0, input_length: 6, output_length: 3, hash_ids: [7, 9], request_id: 'a' },
        { timestamp: 1, input_length: 5, output_length: 2, hash_ids: [7], request_id: 'b' },
      ]
        .map((o) => JSON.stringify(o))
        .join('\n'),
    );
    const trace = await loadTrace(file, { blockTokens: 4 });
    for (const threads of [1, 2]) {
      server.received.length = 0;
      const { results } = await replay({ trace, apiBase: server.url, servedModel: 'm', threads });
      expect(results.map((r) => r.status)).toEqual([200, 200]);
      const prompts = Object.fromEntries(server.received.map((r) => [r.headers['x-request-id'], r.body]));
      expect(prompts['a']).toMatchObject({ prompt: 'h7_0 h7_1 h7_2 h7_3 h9_0 h9_1', max_tokens: 3, min_tokens: 3, ignore_eos: true, model: 'm' });
      // Past the listed hash ids the words are unique to the row (line 2).
      expect(prompts['b']).toMatchObject({ prompt: 'h7_0 h7_1 h7_2 h7_3 u2_4', max_tokens: 2 });
    }
  });

  test('open loop does not wait for a stalled server, and latency counts from the schedule', async () => {
    // The server answers nothing until it has received every request. A generator that
    // waited for answers (coordinated omission) would deadlock here and hit the run limit.
    const n = 20;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let releasedAt = 0;
    server = await startScriptedServer(() => {
      if (server && server.received.length === n) {
        releasedAt = performance.timeOrigin + performance.now();
        release();
      }
      return { waitFor: gate, tokens: 2 };
    });
    const trace = await csvTrace('stall.csv', Array.from({ length: n }, (_, i) => `s${i},${i * 20},interactive,mid,m,${CHAT},,,,,,`));
    const { summary, results } = await replay({ trace, apiBase: server.url, maxDurationMs: 30_000 });
    expect(summary.overall.succeeded).toBe(n);
    for (const r of results) {
      expect(r.endMs - r.scheduledMs).toBeGreaterThanOrEqual(releasedAt - r.scheduledMs);
      expect(r.firstTokenMs! - r.scheduledMs).toBeGreaterThanOrEqual(releasedAt - r.scheduledMs);
    }
    // Earlier requests waited longer: latency is counted from each one's own due time.
    const e2e = results.map((r) => r.endMs - r.scheduledMs);
    expect(e2e[0]!).toBeGreaterThan(e2e[n - 1]!);
    expect(summary.schedule.delayMs.count).toBe(n);
    expect(summary.schedule.requestedRps!).toBeCloseTo(((n - 1) * 1000) / ((n - 1) * 20), 6);
    expect(summary.schedule.achievedRps).not.toBeNull();
  });

  for (const threads of [1, 2]) {
    test(`closed loop keeps exactly the given concurrency (${threads} sender thread(s))`, async () => {
      let inFlight = 0;
      let peak = 0;
      server = await startScriptedServer(() => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        return { waitFor: new Promise<void>((r) => setTimeout(r, 20)).then(() => void inFlight--), tokens: 1 };
      });
      const trace = await csvTrace('closed.csv', Array.from({ length: 24 }, (_, i) => `c${i},0,batch,low,m,${CHAT},,,,,,`));
      const { summary } = await replay({ trace, apiBase: server.url, loop: { kind: 'closed', concurrency: 3 }, threads });
      expect(summary.overall.succeeded).toBe(24);
      expect(peak).toBe(3);
      expect(summary.run.loop).toBe('closed loop, concurrency 3');
    });
  }

  test('requests due after the run limit are reported as not sent', async () => {
    server = await startScriptedServer(() => ({ tokens: 1 }));
    const trace = await csvTrace('limit.csv', [`a,0,batch,low,m,${CHAT},,,,,,`, `b,60000,batch,low,m,${CHAT},,,,,,`]);
    const { summary, results } = await replay({ trace, apiBase: server.url, maxDurationMs: 500 });
    expect(results[1]!.error).toBe('not sent: due after the run time limit');
    expect(summary.run).toMatchObject({ requests: 2, sent: 1 });
    expect(summary.errors).toEqual({ 'not sent': 1 });
  });

  test('requests still in flight at the run limit fail with the reason', async () => {
    server = await startScriptedServer(() => ({ waitFor: new Promise<void>(() => undefined) }));
    const trace = await csvTrace('hang.csv', [`h,0,batch,low,m,${CHAT},,,,,,`]);
    const { results } = await replay({ trace, apiBase: server.url, maxDurationMs: 300 });
    expect(results[0]!.status).toBe(0);
    expect(results[0]!.error).toContain('run exceeded its 300 ms limit');
  });

  test('sender threads split the run and keep result order', async () => {
    server = await startScriptedServer(() => ({ tokens: 3 }));
    const trace = await csvTrace('threads.csv', Array.from({ length: 30 }, (_, i) => `t${i},${i},interactive,mid,m,${CHAT},,,,,,`));
    const { results, summary } = await replay({ trace, apiBase: server.url, threads: 2 });
    expect(results.map((r) => r.id)).toEqual(Array.from({ length: 30 }, (_, i) => `t${i}`));
    expect(summary.overall.succeeded).toBe(30);
    expect(summary.overall.itlMs.count).toBe(60);
  });

  test('arrival processes: rates, seeds, ramp and time scaling', () => {
    const n = 20_000;
    const zeros = new Array<number>(n).fill(0);
    const rateOf = (offsets: number[]) => ((offsets.length - 1) * 1000) / offsets[offsets.length - 1]!;
    expect(arrivalOffsets([0, 0, 0, 0], { kind: 'constant', rate: 4 })).toEqual([0, 250, 500, 750]);
    const poisson = arrivalOffsets(zeros, { kind: 'poisson', rate: 100, seed: 1 });
    expect(rateOf(poisson)).toBeGreaterThan(97);
    expect(rateOf(poisson)).toBeLessThan(103);
    expect(arrivalOffsets(zeros, { kind: 'poisson', rate: 100, seed: 1 })).toEqual(poisson);
    const cv = (offsets: number[]) => {
      const gaps = offsets.slice(1).map((t, i) => t - offsets[i]!);
      const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
      return Math.sqrt(gaps.reduce((a, g) => a + (g - mean) ** 2, 0) / gaps.length) / mean;
    };
    const bursty = arrivalOffsets(zeros, { kind: 'gamma', rate: 100, burstiness: 0.25, seed: 1 });
    expect(rateOf(bursty)).toBeGreaterThan(95);
    expect(rateOf(bursty)).toBeLessThan(105);
    // Gamma gaps have CV 1/sqrt(shape): 2 for burstiness 0.25, 1 for Poisson.
    expect(cv(bursty)).toBeGreaterThan(1.8);
    expect(cv(poisson)).toBeLessThan(1.1);
    const ramp = arrivalOffsets(new Array<number>(150).fill(0), { kind: 'ramp', from: 0, to: 100, durationS: 2 });
    // 100 arrivals during the 2 s ramp, then 100 req/s.
    expect(ramp[100]!).toBeCloseTo(2000, 6);
    expect(ramp[149]!).toBeCloseTo(2490, 6);
    expect(ramp[50]! - ramp[49]!).toBeGreaterThan(ramp[99]! - ramp[98]!);
    expect(arrivalOffsets([100, 150, 400], { kind: 'trace', timeScale: 0.5 })).toEqual([0, 25, 150]);
  });
});
