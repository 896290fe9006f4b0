import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { test, expect } from '../../fixtures/index.ts';
import { startScriptedServer } from '../../workloads/testing/scripted-server.ts';

const cli = (args: string[]) => execa('node', ['--import', 'tsx', 'workloads/cli.ts', ...args], { reject: false, timeout: 60_000 });
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
      expect(files).toEqual(
        ['latency_distribution.svg', 'latency_over_time.svg', 'mixed_detailed.csv', 'mixed_summary.csv', 'summary.json', 'ttft_by_priority.svg'].sort(),
      );
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
        'request_id,trace_line,mode,priority,model,classify,served_model,workload_id,criticality,program_id,thread_id,stream,' +
          'scheduled_ms,sent_ms,headers_ms,first_token_ms,end_ms,schedule_delay_ms,ttft_ms,tpot_ms,itl_mean_ms,itl_max_ms,e2e_ms,' +
          'client_duration_ms,queue_ms,worker_id,prompt_tokens,output_tokens,cached_tokens,slo_ms,slo_met,status_code,error',
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
});
