import { existsSync, symlinkSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { test, expect } from 'servewright';
import { CHROMIUM_PATH } from '../../workloads/output/png.ts';
import { startScriptedServer } from '../../workloads/testing/scripted-server.ts';

const cli = (args: string[]) => execa('node', ['--import', 'tsx', 'workloads/cli.ts', ...args], { reject: false, timeout: 60_000 });
const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const NO_STACK_TRACE = /\n\s+at .+:\d+:\d+/;

test.describe('replay CLI', { tag: ['@e2e', '@workloads'] }, () => {
  test('a bad trace or flag stops before sending, with a clear message and no stack trace', async () => {
    const bad = test.info().outputPath('bad.csv');
    await writeFile(bad, 'arrival_offset_ms,mode,priority,model,body_json\n0,urgent,mid,m,{}\n');
    const trace = await cli(['--workload', bad, '--api-base', 'http://127.0.0.1:9']);
    expect(trace.exitCode).toBe(2);
    expect(trace.stderr).toContain(`${bad}:2: field "mode" (column 2): unknown value "urgent"`);
    expect(trace.stderr).toContain('--skip-invalid');
    expect(trace.stderr).not.toMatch(NO_STACK_TRACE);

    const flag = await cli(['--workload', bad, '--rate', 'fast', '--arrival', 'constant']);
    expect(flag.exitCode).toBe(2);
    expect(flag.stderr).toContain('--rate must be a positive number (got "fast")');
    expect(flag.stderr).toContain('usage: npm run replay');
    expect(flag.stderr).not.toMatch(NO_STACK_TRACE);
  });

  test('writes per-request CSVs, summary.json and charts; the API key appears nowhere', async () => {
    const key = 'sk-test-0123456789-secret';
    const server = await startScriptedServer((req) => ({
      tokens: 3,
      queueMs: 2,
      status: req.headers['authorization'] === `Bearer ${key}` ? 200 : 401,
    }));
    try {
      const out = test.info().outputPath('run');
      const trace = test.info().outputPath('mixed.csv');
      const sample = await readFile('workloads/samples/sample_workload_mixed.csv', 'utf8');
      // One bad row at the end: replayed with --skip-invalid and counted.
      await writeFile(trace, `${sample.trimEnd()}\nbad,99999,interactive,urgent,m,"{""prompt"":""x""}",,,,,,\n`);
      const run = await cli([
        '--workload', trace, '--api-base', server.url, '--api-key', key, '--output', out,
        '--latency-slo-ms', '5000', '--time-scale', '0.1', '--skip-invalid',
      ]);
      expect(run.exitCode, run.stderr).toBe(0);
      expect(run.stderr).toContain('skipped 1 invalid row(s)');
      expect(run.stdout).toContain('SLO compliance 100.0%');
      const files = (await readdir(out)).sort();
      const charts = ['latency_distribution', 'latency_over_time', 'client_duration', 'ttft_by_priority'];
      const pngs = existsSync(CHROMIUM_PATH) ? charts.map((c) => `${c}.png`) : [];
      expect(files).toEqual([...charts.map((c) => `${c}.svg`), ...pngs, 'mixed_detailed.csv', 'mixed_summary.csv', 'summary.json'].sort());
      if (pngs.length === 0) expect(run.stderr).toContain(`PNG charts not written: no Chromium at ${CHROMIUM_PATH}`);
      for (const png of pngs) expect((await readFile(join(out, png))).subarray(0, 8)).toEqual(PNG_MAGIC);
      const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8'));
      expect(summary.run).toMatchObject({ requests: 24, sent: 24, skippedRows: 1 });
      expect(summary.overall).toMatchObject({ succeeded: 24, slo: { met: 24 } });
      expect(Object.keys(summary.byPriority).sort()).toEqual(['high', 'low', 'mid']);
      const summaryCsv = (await readFile(join(out, 'mixed_summary.csv'), 'utf8')).trimEnd().split('\n');
      expect(summaryCsv).toHaveLength(25);
      expect(summaryCsv[0]).toBe('request_id,status_code,ok,client_duration_ms,ttft_ms,total_latency_ms,tpot_ms,output_tokens,slo_met,error');
      const detailed = (await readFile(join(out, 'mixed_detailed.csv'), 'utf8')).trimEnd().split('\n');
      expect(detailed).toHaveLength(25);
      expect(detailed[0]).toBe(
        'request_id,trace_line,mode,priority,model,classify,served_model,provider,workload_id,criticality,program_id,thread_id,stream,' +
          'scheduled_ms,sent_ms,headers_ms,first_token_ms,end_ms,schedule_delay_ms,ttft_ms,tpot_ms,itl_mean_ms,itl_max_ms,e2e_ms,' +
          'client_duration_ms,queue_ms,worker_id,prompt_tokens,output_tokens,cached_tokens,slo_ms,e2e_met,ttft_met,tpot_met,slo_met,status_code,error',
      );
      for (const svg of files.filter((f) => f.endsWith('.svg'))) {
        expect(await readFile(join(out, svg), 'utf8')).toMatch(/^<svg[\s\S]*<\/svg>$/);
      }
      for (const f of files) expect(await readFile(join(out, f), 'utf8')).not.toContain(key);
      expect(run.stdout + run.stderr).not.toContain(key);
    } finally {
      await server.close();
    }
  });

  test('a directory, an unreadable file and out-of-range numbers are trace errors (exit 2) naming the file', async () => {
    const dir = test.info().outputPath('traces.csv');
    await mkdir(dir, { recursive: true });
    const asDir = await cli(['--workload', dir, '--validate-only']);
    expect(asDir.exitCode).toBe(2);
    expect(asDir.stderr).toContain(`${dir}:1: cannot read: a directory, expected a trace file`);
    // Reading /proc/self/mem fails with EIO even for root (chmod 000 would not stop root).
    const unreadable = test.info().outputPath('unreadable.jsonl');
    symlinkSync('/proc/self/mem', unreadable);
    const io = await cli(['--workload', unreadable, '--validate-only']);
    expect(io.exitCode).toBe(2);
    expect(io.stderr).toContain(`${unreadable}:1: cannot read: EIO`);
    for (const r of [asDir, io]) expect(r.stderr).not.toMatch(NO_STACK_TRACE);

    const huge = test.info().outputPath('huge.jsonl');
    await writeFile(
      huge,
      '{"timestamp": 0, "input_length": 8, "output_length": 4, "hash_ids": [1]}\n' +
        '{"timestamp": 5, "input_length": 1e12, "output_length": 4, "hash_ids": [1]}\n' +
        '{"timestamp": 9, "input_length": 8, "output_length": 1e20, "hash_ids": [1]}\n',
    );
    // Against a live server with a short run bound: the trace must fail before anything else.
    const run = await cli(['--workload', huge, '--api-base', 'http://127.0.0.1:9', '--max-duration-s', '5']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(`${huge}:2: field "input_length": 1000000000000 is out of range (1 to 10000000`);
    expect(run.stderr).toContain(`${huge}:3: field "output_length": 100000000000000000000 is out of range (1 to 1000000`);
    expect(run.stderr).not.toContain('must be an integer');
    expect(run.stderr).not.toContain('waiting');
  });

  test('--max-duration-s bounds a trace of long synthesised prompts: later rows are reported not sent', async () => {
    const server = await startScriptedServer(() => ({ tokens: 1 }), { record: false });
    try {
      const trace = test.info().outputPath('long.jsonl');
      const rows = Array.from({ length: 30 }, (_, i) => JSON.stringify({ timestamp: i === 0 ? 0 : i * 1000 + 500, input_length: 200_000, output_length: 1, hash_ids: [i] }));
      await writeFile(trace, rows.join('\n'));
      const out = test.info().outputPath('long');
      const started = Date.now();
      const run = await cli(['--workload', trace, '--api-base', server.url, '--max-duration-s', '2', '--no-png', '--quiet', '--output', out]);
      expect(run.exitCode, run.stderr).toBe(0);
      // 30 s of trace, cut at 2 s: rows due at 0 and 1.5 s go out, the other 28 (2.5 s on) are not sent.
      const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8'));
      expect(summary.run).toMatchObject({ requests: 30, sent: 2 });
      expect(summary.errors['not sent']).toBe(28);
      expect(Date.now() - started).toBeLessThan(30_000);
    } finally {
      await server.close();
    }
  });

  test('--validate-only checks a trace, the mixed sample by default, and starts nothing', async () => {
    const ok = await cli(['--validate-only']);
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(ok.stdout).toBe('workloads/samples/sample_workload_mixed.csv: valid, 24 request(s) over 2.3 s (csv)');
    expect(ok.stderr).toBe('');
    const bad = test.info().outputPath('bad.csv');
    await writeFile(bad, 'arrival_offset_ms,mode,priority,model,body_json\n0,urgent,mid,m,{}\n');
    const refused = await cli(['--workload', bad, '--validate-only']);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain(`${bad}:2: field "mode"`);
  });

  test('--output x.csv writes the summary there and the other files next to it; the default SLO is 10 s', async () => {
    const server = await startScriptedServer(() => ({ tokens: 2 }), { models: { 'mock-llama-8b': 'vllm', 'mock-qwen-7b': 'sglang' } });
    try {
      const csv = test.info().outputPath('results', 'my_benchmark.csv');
      const run = await cli(['--api-base', server.url, '--output', csv, '--time-scale', '0.1', '--no-png', '--quiet']);
      expect(run.exitCode, run.stderr).toBe(0);
      const dir = test.info().outputPath('results');
      const charts = ['latency_distribution', 'latency_over_time', 'client_duration', 'ttft_by_priority'].map((c) => `my_benchmark_${c}.svg`);
      expect((await readdir(dir)).sort()).toEqual(['my_benchmark.csv', 'my_benchmark_detailed.csv', 'my_benchmark_summary.json', ...charts].sort());
      expect((await readFile(csv, 'utf8')).split('\n')[0]).toBe('request_id,status_code,ok,client_duration_ms,ttft_ms,total_latency_ms,tpot_ms,output_tokens,slo_met,error');
      const summary = JSON.parse(await readFile(join(dir, 'my_benchmark_summary.json'), 'utf8'));
      expect(summary.slo).toEqual({ e2eMs: 10_000 });
      expect(summary.run.trace).toBe('workloads/samples/sample_workload_mixed.csv');
      // Provider from the server's /v1/models owned_by; classify rows are answered as "auto", which it does not list.
      expect(Object.keys(summary.byProvider).sort()).toEqual(['(not in /v1/models)', 'sglang', 'vllm']);
      expect(Object.keys(summary.byProvider.vllm)).toEqual(['mock-llama-8b']);
      expect(run.stdout).toMatch(/by provider and served model\n\s+\(not in \/v1\/models\)\s+auto\s+n=8 /);
      expect(run.stdout).toMatch(/\n\s+vllm\s+mock-llama-8b\s+n=9 /);
    } finally {
      await server.close();
    }
  });

  test('--api-base is polled until it serves a model; a server that never comes fails with the URL and the last answer', async ({ ports }) => {
    const port = await ports.allocate();
    const late = execa('node', ['--import', 'tsx', 'workloads/cli.ts', '--api-base', `http://127.0.0.1:${port}`, '--time-scale', '0.1', '--no-png', '--quiet', '--output', test.info().outputPath('late')], {
      reject: false,
      timeout: 60_000,
    });
    let stderr = '';
    late.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    await expect.poll(() => stderr, { timeout: 30_000 }).toContain(`[replay] waiting up to 60 s for the API: GET http://127.0.0.1:${port}/v1/models: ECONNREFUSED`);
    const server = await startScriptedServer(() => ({ tokens: 2 }), { port });
    try {
      const run = await late;
      expect(run.exitCode, stderr).toBe(0);
      expect(run.stdout).toContain('requests 24  sent 24  ok 24');
    } finally {
      await server.close();
    }
    const never = await cli(['--api-base', `http://127.0.0.1:${port}`, '--ready-timeout-s', '1', '--no-png']);
    expect(never.exitCode).toBe(1);
    expect(never.stderr).toMatch(new RegExp(`error: API not ready after 1 s \\(\\d+ attempts\\); last answer: GET http://127.0.0.1:${port}/v1/models: ECONNREFUSED`));
  });

  test('--baseline prints a delta per metric and exits 3 past the threshold; a bad baseline is exit 2', async () => {
    const server = await startScriptedServer(() => ({ tokens: 4, tokenGapMs: 5 }));
    try {
      const first = test.info().outputPath('first');
      const base = await cli(['--api-base', server.url, '--output', first, '--time-scale', '0.1', '--no-png', '--quiet']);
      expect(base.exitCode, base.stderr).toBe(0);
      const again = await cli(['--api-base', server.url, '--output', test.info().outputPath('again'), '--time-scale', '0.1', '--no-png', '--quiet',
        '--baseline', join(first, 'summary.json'), '--baseline-threshold-pct', '1000', '--baseline-min-delta-ms', '1000']);
      expect(again.exitCode, again.stdout + again.stderr).toBe(0);
      expect(again.stdout).toContain(`against baseline ${join(first, 'summary.json')} (threshold 1000%, times also > 1000 ms): no regression`);
      for (const metric of ['TTFT p50', 'TPOT p99', 'E2E p99', 'client duration p50', 'throughput', 'goodput', 'SLO compliance', 'success rate']) {
        expect(again.stdout).toMatch(new RegExp(`\\n  ${metric} +\\S`));
      }

      // A baseline 100x faster than this server can be: every latency regressed.
      const summary = JSON.parse(await readFile(join(first, 'summary.json'), 'utf8'));
      for (const d of ['ttftMs', 'tpotMs', 'e2eMs', 'clientDurationMs']) for (const q of ['p50', 'p99']) summary.overall[d][q] /= 100;
      const fast = test.info().outputPath('fast-baseline.json');
      await writeFile(fast, JSON.stringify(summary));
      const slower = await cli(['--api-base', server.url, '--output', test.info().outputPath('slower'), '--time-scale', '0.1', '--no-png', '--quiet', '--baseline', fast]);
      expect(slower.exitCode, slower.stdout + slower.stderr).toBe(3);
      expect(slower.stdout).toMatch(/E2E p50 +\S+ ms → +\S+ ms +\+\d+\.\d%  REGRESSION/);
      expect(slower.stdout).toMatch(/metric\(s\) regressed/);

      const broken = test.info().outputPath('broken.json');
      await writeFile(broken, '{"overall": {"requests": 3}}');
      const bad = await cli(['--api-base', server.url, '--baseline', broken]);
      expect(bad.exitCode).toBe(2);
      expect(bad.stderr).toContain(`${broken}: not a replay summary.json: field "overall.succeeded"`);
    } finally {
      await server.close();
    }
  });
});
