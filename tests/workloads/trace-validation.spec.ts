import { mkdir, writeFile } from 'node:fs/promises';
import { test, expect } from 'servewright';
import { loadTrace, TraceError, type LoadTraceOptions } from '../../workloads/trace/load.ts';
import { bodyOf, promptText } from '../../workloads/trace/synthetic-prompt.ts';
import type { TraceIssue } from '../../workloads/trace/types.ts';

const HEADER = 'request_id,arrival_offset_ms,mode,priority,model,body_json';
const BODY = '"{""messages"":[{""role"":""user"",""content"":""hi""}],""max_tokens"":4}"';
const row = (id: string, offset: number | string, mode = 'interactive', priority = 'mid', model = 'm', body = BODY): string =>
  [id, offset, mode, priority, model, body].join(',');

async function issuesOf(file: string, options?: LoadTraceOptions): Promise<TraceIssue[]> {
  const err = await loadTrace(file, options).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TraceError);
  const traceError = err as TraceError;
  expect(traceError.message).not.toMatch(/\n\s+at /);
  return traceError.issues;
}

test.describe('trace validation', { tag: ['@e2e', '@workloads'] }, () => {
  let n = 0;
  const traceFile = async (name: string, content: string): Promise<string> => {
    const file = test.info().outputPath(`${n++}-${name}`);
    await writeFile(file, content);
    return file;
  };

  test('shipped sample traces load, classify rows ask for model auto', async () => {
    for (const name of ['direct', 'classify', 'mixed']) {
      const trace = await loadTrace(`workloads/samples/sample_workload_${name}.csv`);
      expect(trace.requests.length).toBeGreaterThan(10);
      expect(trace.skippedRows).toBe(0);
      for (const r of trace.requests) expect(r.classify).toBe(r.model === 'auto');
    }
    const classify = await loadTrace('workloads/samples/sample_workload_classify.csv');
    expect(classify.requests.every((r) => r.body['model'] === 'auto')).toBe(true);
    const synthetic = await loadTrace('workloads/samples/synthetic_workload_2000.csv');
    expect(synthetic.requests).toHaveLength(2000);
    const mooncake = await loadTrace('workloads/samples/sample_mooncake.jsonl');
    expect(mooncake.format).toBe('jsonl');
  });

  test('a CSV row becomes a request with every optional column', async () => {
    const file = await traceFile(
      'full.csv',
      `${HEADER},workload_id,criticality,program_id,thread_id,parent_thread_ids,slo_ms\n` +
        `${row('a', 12.5, 'batch', 'high', 'classify')},chat,4,p1,t2,t0;t1,1500\n` +
        `${row('b', 20, 'interactive', 'low', 'llama', '"{""prompt"":""x"",""stream"":false}"')},,,,,,\n`,
    );
    const { requests } = await loadTrace(file);
    expect(requests[0]).toMatchObject({
      id: 'a',
      line: 2,
      offsetMs: 12.5,
      mode: 'batch',
      priority: 'high',
      model: 'auto',
      classify: true,
      endpoint: 'chat',
      stream: true,
      workloadId: 'chat',
      criticality: 4,
      programId: 'p1',
      threadId: 't2',
      parentThreadIds: ['t0', 't1'],
      sloMs: 1500,
    });
    expect(requests[1]).toMatchObject({ model: 'llama', endpoint: 'completions', stream: false });
    expect(requests[1]).not.toHaveProperty('workloadId');
    expect(requests[1]!.body).toEqual({ prompt: 'x', stream: false, model: 'llama' });
  });

  test('quoted cells with newlines keep line numbers right', async () => {
    const multiline = '"{""prompt"":\n""two lines""}"';
    const file = await traceFile('multiline.csv', `${HEADER}\n${row('a', 0, undefined, undefined, undefined, multiline)}\n${row('b', 1, 'urgent')}\n`);
    const issues = await issuesOf(file);
    expect(issues).toEqual([expect.objectContaining({ line: 4, field: 'mode', column: 3 })]);
  });

  test('empty file, header problems and ragged rows are named', async () => {
    expect((await issuesOf(await traceFile('empty.csv', '')))[0]!.message).toContain('file is empty');
    expect((await issuesOf(await traceFile('blank.csv', '\n\n')))[0]!.message).toContain('file is empty');
    const wrongHeader = await issuesOf(await traceFile('header.csv', 'arrival_ms,mode,priority,model,body_json,colour\n0,a,b,c,d,e\n'));
    expect(wrongHeader).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ line: 1, field: 'arrival_ms', column: 1, message: expect.stringContaining('unknown column') }),
        expect.objectContaining({ line: 1, field: 'colour', column: 6 }),
        expect.objectContaining({ line: 1, field: 'arrival_offset_ms', message: expect.stringContaining('required column is missing') }),
      ]),
    );
    const ragged = await issuesOf(await traceFile('ragged.csv', `${HEADER}\nx,0,interactive,mid,m,{},extra\n`));
    expect(ragged[0]).toMatchObject({ line: 2, message: expect.stringContaining('row has 7 columns, header has 6') });
    const unterminated = await issuesOf(await traceFile('quote.csv', `${HEADER}\nx,0,interactive,mid,m,"{\n`));
    expect(unterminated[0]).toMatchObject({ line: 2, message: expect.stringContaining('unterminated quoted field') });
  });

  test('every bad cell is reported with file, line, column and reason', async () => {
    const file = await traceFile(
      'bad.csv',
      [
        HEADER,
        row('ok', 0),
        row('neg', -5),
        row('enum', 10, 'urgent', 'critical'),
        row('json', 20, undefined, undefined, undefined, '"{not json"'),
        row('nobody', 30, undefined, undefined, undefined, '"{""max_tokens"":3}"'),
        row('nan', 'soon'),
        row('good', 25),
        row('late', 5),
        row('ok', 40),
      ].join('\n'),
    );
    const issues = await issuesOf(file);
    const at = (line: number) => issues.filter((i) => i.line === line).map((i) => `${i.field}@${i.column}: ${i.message}`);
    expect(issues.every((i) => i.file === file)).toBe(true);
    expect(at(3)).toEqual(['arrival_offset_ms@2: -5 is out of range (0 to 2678400000, 31 days in ms)']);
    expect(at(4)).toEqual([
      'mode@3: unknown value "urgent"; expected one of interactive, batch',
      'priority@4: unknown value "critical"; expected one of low, mid, high',
    ]);
    expect(at(5)).toEqual([expect.stringMatching(/^body_json@6: invalid JSON: /)]);
    expect(at(6)).toEqual(['body_json@6: needs exactly one of "messages" (chat) or "prompt" (completions)']);
    expect(at(7)).toEqual(['arrival_offset_ms@2: "soon" is not a number']);
    expect(at(8)).toEqual([]);
    expect(at(9)).toEqual([expect.stringContaining('offset 5 ms is earlier than 25 ms on line 8; rows must be sorted')]);
    expect(at(10)).toEqual([expect.stringContaining('duplicate id "ok", first used on line 2')]);
    const error = await loadTrace(file).catch((e: Error) => e);
    expect((error as Error).message).toContain(`${file}:4: field "mode" (column 3): unknown value "urgent"`);
    expect((error as Error).message).toContain('pass --skip-invalid');
  });

  test('huge rows are refused without reading them as requests', async () => {
    const big = `"{""prompt"":""${'x'.repeat(5000)}""}"`;
    const file = await traceFile('huge.csv', `${HEADER}\n${row('a', 0)}\n${row('b', 1, undefined, undefined, undefined, big)}\n`);
    const issues = await issuesOf(file, { maxRowChars: 1000 });
    expect(issues).toEqual([expect.objectContaining({ line: 3, message: expect.stringMatching(/row is \d+ characters, over the limit of 1000/) })]);
    expect((await issuesOf(file, { maxFileBytes: 100 }))[0]!.message).toMatch(/over the limit of 100/);
  });

  test('--skip-invalid replays the valid rows and counts the skipped ones', async () => {
    const file = await traceFile('skip.csv', [HEADER, row('a', 0), row('b', 5, 'urgent', 'critical'), row('c', 10), row('d', 2)].join('\n'));
    const trace = await loadTrace(file, { skipInvalid: true });
    expect(trace.requests.map((r) => r.id)).toEqual(['a', 'c']);
    expect(trace.skippedRows).toBe(2);
    expect(trace.skipped.map((i) => i.line)).toEqual([3, 3, 5]);
    const allBad = await traceFile('allbad.csv', [HEADER, row('a', -1)].join('\n'));
    expect((await issuesOf(allBad, { skipInvalid: true }))[0]!.message).toContain('nothing to replay');
  });

  test('Mooncake JSONL: prompts share blocks by hash id, bad lines are named', async () => {
    const good = await traceFile(
      'trace.jsonl',
      [
        { timestamp: 0, input_length: 6, output_length: 3, hash_ids: [7, 9] },
        { timestamp: 10, input_length: 5, output_length: 2, hash_ids: [7, 8], priority: 'high', model: 'llama' },
      ]
        .map((o) => JSON.stringify(o))
        .join('\n'),
    );
    const { requests } = await loadTrace(good, { blockTokens: 4 });
    expect(bodyOf(requests[0]!)['prompt']).toBe('h7_0 h7_1 h7_2 h7_3 h9_0 h9_1');
    expect(bodyOf(requests[1]!)['prompt']).toBe('h7_0 h7_1 h7_2 h7_3 h8_0');
    // Built at send time, not held by the loaded trace.
    expect(requests[0]!.body).not.toHaveProperty('prompt');
    expect(requests[0]).toMatchObject({ model: 'auto', classify: true, priority: 'mid', mode: 'interactive', endpoint: 'completions' });
    expect(requests[1]).toMatchObject({ model: 'llama', priority: 'high', offsetMs: 10 });
    expect(requests[1]!.body).toMatchObject({ max_tokens: 2, ignore_eos: true });

    const bad = await traceFile(
      'bad.jsonl',
      [
        '{"timestamp": 0, "input_length": 4, "output_length": 1, "hash_ids": []}',
        '{"timestamp": 1, "input_length": 4',
        '{"timestamp": -3, "input_length": 4, "output_length": 1, "hash_ids": []}',
        '{"timestamp": 4, "output_length": 1, "hash_ids": [], "colour": "red"}',
        '{"timestamp": 5, "input_length": 4, "output_length": 1, "hash_ids": [], "priority": "urgent"}',
      ].join('\n'),
    );
    const issues = await issuesOf(bad);
    const at = (line: number) => issues.filter((i) => i.line === line).map((i) => `${i.field ?? ''}: ${i.message}`);
    expect(at(2)).toEqual([expect.stringMatching(/^: invalid JSON/)]);
    expect(at(3)).toEqual(['timestamp: -3 is out of range (0 to 2678400000, 31 days in ms)']);
    expect(at(4)).toEqual(expect.arrayContaining([expect.stringMatching(/^input_length: /), expect.stringMatching(/^colour: /)]));
    expect(at(5)).toEqual(['priority: unknown value "urgent"; expected one of low, mid, high']);
  });

  test('synthesised prompts stay exact through the bounded block cache', () => {
    // More distinct hash ids than the cache holds, then ids evicted and cached again.
    const wrong: string[] = [];
    for (let h = 0; h < 5000; h++) {
      const text = promptText({ inputLength: 3, hashIds: [h], blockTokens: 2, line: 1 });
      if (text !== `h${h}_0 h${h}_1 u1_2`) wrong.push(`${h}: ${text}`);
    }
    expect(wrong).toEqual([]);
    expect(promptText({ inputLength: 5, hashIds: [0, 4999, 7], blockTokens: 2, line: 9 })).toBe('h0_0 h0_1 h4999_0 h4999_1 h7_0');
    // The same hash id with another block size is another block.
    expect(promptText({ inputLength: 3, hashIds: [0], blockTokens: 3, line: 1 })).toBe('h0_0 h0_1 h0_2');
  });

  test('every numeric field is bounded: a huge length is out of range, not a prompt being built', async () => {
    const file = await traceFile(
      'huge.jsonl',
      [
        '{"timestamp": 0, "input_length": 1e12, "output_length": 4, "hash_ids": [1]}',
        '{"timestamp": 1, "input_length": 8, "output_length": 1e20, "hash_ids": [1]}',
        '{"timestamp": 2, "input_length": 8, "output_length": 2.5, "hash_ids": [1e300], "slo_ms": 0}',
        '{"timestamp": 1e15, "input_length": 8, "output_length": 4, "hash_ids": []}',
      ].join('\n'),
    );
    const started = performance.now();
    const issues = await issuesOf(file);
    expect(performance.now() - started, 'validation must not build the 1e12-token prompt').toBeLessThan(5_000);
    const at = (line: number) => issues.filter((i) => i.line === line).map((i) => `${i.field ?? ''}: ${i.message}`);
    expect(at(1)).toEqual(['input_length: 1000000000000 is out of range (1 to 10000000, the largest context window, 10M tokens)']);
    expect(at(2)).toEqual(['output_length: 100000000000000000000 is out of range (1 to 1000000, 1M tokens)']);
    expect(at(3)).toEqual([
      'output_length: 2.5 must be an integer',
      'hash_ids.0: 1e+300 is out of range (0 to 9007199254740991, the largest exact integer)',
      'slo_ms: 0 is out of range (above 0 to 86400000, one day in ms)',
    ]);
    expect(at(4)).toEqual(['timestamp: 1000000000000000 is out of range (0 to 2678400000, 31 days in ms)']);

    const csv = await traceFile('huge.csv', `${HEADER},slo_ms\n${row('a', 1e12)},5\n${row('b', 0, undefined, undefined, undefined, '"{""prompt"":""x"",""max_tokens"":1e20}"')},1e9\n`);
    const csvIssues = (await issuesOf(csv)).map((i) => `${i.line} ${i.field}: ${i.message}`);
    expect(csvIssues).toEqual([
      '2 arrival_offset_ms: 1000000000000 is out of range (0 to 2678400000, 31 days in ms)',
      '3 body_json: max_tokens: 100000000000000000000 is out of range (1 to 1000000, 1M tokens)',
      '3 slo_ms: 1000000000 is out of range (above 0 to 86400000, one day in ms)',
    ]);
  });

  test('unknown extensions and missing files are clear errors', async () => {
    expect((await issuesOf(await traceFile('trace.txt', 'x')))[0]!.message).toContain('use a .csv or .jsonl file');
    expect((await issuesOf('/nonexistent/trace.csv'))[0]!.message).toContain('cannot read: ENOENT');
    const dir = test.info().outputPath('folder.csv');
    await mkdir(dir, { recursive: true });
    expect((await issuesOf(dir))[0]).toMatchObject({ file: dir, line: 1, message: 'cannot read: a directory, expected a trace file' });
  });
});
