import type { GenieOverhead, GenieResults } from './attachments.ts';
import { bytes, ms, table } from './text.ts';

function statusCounts(results: GenieResults): string {
  const count = (status: string) => results.tests.filter((t) => t.status === status).length;
  return `${count('PASS')} passed, ${count('FAIL')} failed, ${count('SKIP')} skipped`;
}

function overheadBlock(overhead: GenieOverhead): string {
  const rows = overhead.sizes.map((s) => [
    bytes(s.bytes),
    ms(s.localMs),
    ms(s.remoteMs),
    ms(s.overheadMs),
    `${s.overheadPct.toFixed(1)}%`,
    s.remoteMs < s.localMs ? 'remote' : 'local',
  ]);
  const breakEven =
    overhead.breakEvenBytes === null
      ? 'none in the measured range (remote never beat local)'
      : `${bytes(overhead.breakEvenBytes)} (remote is faster from this size on)`;
  return [
    `#### Network overhead analysis: ${overhead.operation}, remote vs local`,
    table(['Size', 'Local', 'Remote', 'Overhead', 'Overhead %', 'Faster'], rows),
    `**Break-even size:** ${breakEven}`,
  ].join('\n\n');
}

function resultsBlock(results: GenieResults): string {
  const parts = [
    `### ${results.test_info.test_type} on ${results.test_info.hostname} (${results.test_info.timestamp})`,
    `**Checks:** ${statusCounts(results)}`,
    table(
      ['Check', 'Status', 'Time', 'Details'],
      results.tests.map((t) => [t.name, t.status, ms(t.timing_ms), t.details]),
    ),
  ];
  if (results.overhead) parts.push(overheadBlock(results.overhead));
  return parts.join('\n\n');
}

export function renderGenie(results: GenieResults[]): string | undefined {
  if (results.length === 0) return undefined;
  return ['## Genie', ...results.map(resultsBlock)].join('\n\n');
}
