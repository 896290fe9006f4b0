// The seed's result files and options, without a server: genie_test_results_<ts>/ with the
// per-type JSON files, comprehensive_report.json, test_analysis_report.md and the trend
// from genie-history.jsonl; GENIE_SIZES / GENIE_ITERATIONS.
import { existsSync, readdirSync, readFileSync, writeFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  analyzeOverhead, expect, HISTORY_FILE, measureOptionsFromEnv, parseSizes, recordSeedResults, test,
  type ComprehensiveReport, type GenieResultsDocument,
} from 'servewright';

const TAGS = { tag: ['@e2e', '@genie'] };

function doc(type: GenieResultsDocument['test_info']['test_type'], statuses: ('PASS' | 'FAIL' | 'SKIP')[], remoteMs?: number): GenieResultsDocument {
  return {
    test_info: { hostname: 'client-1', timestamp: '2026-01-09T14:30:00Z', test_type: type },
    tests: statuses.map((status, i) => ({ name: `check_${i}`, status, details: `detail ${i}`, timing_ms: 10 + i, timestamp: '2026-01-09T14:30:01Z' })),
    ...(remoteMs === undefined
      ? {}
      : { overhead: analyzeOverhead('relu', 'cuda:0', [{ bytes: 4_000_000, localMs: 1.5, remoteMs, encodeMs: 5, httpMs: remoteMs - 10, decodeMs: 5, serverMs: 19.2, wireBytes: 8_000_000 }]) }),
  };
}

test.describe('seed result files', () => {
  test("writes the seed's directory, combined report and analysis, complete under concurrent writers", TAGS, async ({}, testInfo) => {
    const root = testInfo.outputPath('results');
    const marker = testInfo.outputPath('run-id');
    writeFileSync(marker, '20260109_143000');
    const docs = [doc('server_side', ['PASS', 'SKIP']), doc('client_side', ['PASS', 'FAIL'], 105.3), ...Array.from({ length: 4 }, () => doc('client_side', ['PASS']))];
    const dirs = await Promise.all(docs.map((d) => recordSeedResults(d, root, marker)));
    const dir = join(root, 'genie_test_results_20260109_143000');
    expect(new Set(dirs)).toEqual(new Set([dir]));
    const files = readdirSync(dir).sort();
    expect(files.filter((f) => /^server_test_results_20260109_143000_\d{3}\.json$/.test(f))).toHaveLength(1);
    expect(files.filter((f) => /^client_test_results_20260109_143000_\d{3}\.json$/.test(f))).toHaveLength(5);
    expect(files).toEqual(expect.arrayContaining(['comprehensive_report.json', 'test_analysis_report.md']));

    const report = JSON.parse(readFileSync(join(dir, 'comprehensive_report.json'), 'utf8')) as ComprehensiveReport;
    expect(report.summary).toEqual({ total: 8, passed: 6, failed: 1, skipped: 1 });
    expect(report.by_type).toEqual({ server_side: { passed: 1, failed: 0, skipped: 1 }, client_side: { passed: 5, failed: 1, skipped: 0 } });
    expect(report.performance.map((p) => p.operation)).toEqual(['relu']);

    const md = readFileSync(join(dir, 'test_analysis_report.md'), 'utf8');
    for (const part of [
      '## Overall test summary\n\n6 passed, 1 failed, 1 skipped of 8 checks.',
      // The seed's analysis: server vs network, then end to end against the local CPU.
      '- **Server compute time**: 19.2 ms\n- **Client remote time**: 105.3 ms\n- **Network overhead**: 86.1 ms (448% of server time)',
      '- **Client CPU baseline**: 1.50 ms',
      '- **Total overhead**: 103.8 ms (6920% slower than local CPU)',
      '- 4000000 bytes: local CPU 1.50 ms; remote 105.3 ms = encode 5.00 ms + HTTP 95.3 ms + decode 5.00 ms; server 19.2 ms on cuda:0, network overhead 86.1 ms',
      '**Optimization recommendations:**',
    ]) {
      expect(md).toContain(part);
    }
    expect(md).toContain(`## Trend across runs (${HISTORY_FILE})`);
  });

  test('the trend compares runs from the history file, and a broken history line is named', TAGS, async ({}, testInfo) => {
    const root = testInfo.outputPath('results');
    const run = async (id: string, remoteMs: number) => {
      const marker = testInfo.outputPath(`run-${id}`);
      writeFileSync(marker, id);
      return recordSeedResults(doc('client_side', ['PASS'], remoteMs), root, marker);
    };
    await run('20260101_000000', 100);
    const second = await run('20260102_000000', 150);
    const history = readFileSync(join(root, HISTORY_FILE), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { run_id: string });
    expect(history.map((h) => h.run_id)).toEqual(['20260101_000000', '20260102_000000']);
    const md = readFileSync(join(second, 'test_analysis_report.md'), 'utf8');
    expect(md).toContain('| 20260101_000000 | 1 | 0 | 0 | 100.0 ms |');
    expect(md).toContain('| 20260102_000000 | 1 | 0 | 0 | 150.0 ms |');
    expect(md).toContain('- relu: 150.0 ms vs 100.0 ms in run 20260101_000000 (50%)');
    // A rerun of the same run replaces its line instead of adding one.
    await run('20260102_000000', 150);
    expect(readFileSync(join(root, HISTORY_FILE), 'utf8').trim().split('\n')).toHaveLength(2);

    appendFileSync(join(root, HISTORY_FILE), '{not json\n');
    await expect(run('20260103_000000', 120)).rejects.toThrow(`${join(root, HISTORY_FILE)}:3: not a JSON history entry`);
    expect(existsSync(join(root, HISTORY_FILE))).toBe(true);
  });
});

test.describe('custom test parameters', () => {
  test('GENIE_SIZES takes bytes, units and float32 shapes; GENIE_ITERATIONS a count', TAGS, () => {
    expect(parseSizes('4KiB, 1MiB,1000x1000, 64')).toEqual([4096, 1048576, 4_000_000, 64]);
    expect(measureOptionsFromEnv({ GENIE_SIZES: '16KiB', GENIE_ITERATIONS: '7' })).toEqual({ sizes: [16384], iterations: 7 });
    expect(measureOptionsFromEnv({}).iterations).toBe(3);
    expect(() => parseSizes('4KiB,10 bytes')).toThrow("GENIE_SIZES: entry 2 '10 bytes' is not a size");
    expect(() => parseSizes('6')).toThrow("GENIE_SIZES: entry 1 '6' is not a size (bytes, multiple of 4");
    expect(() => measureOptionsFromEnv({ GENIE_ITERATIONS: '0' })).toThrow("GENIE_ITERATIONS must be a positive integer, got '0'");
  });
});
