import type { GenieOverhead, GenieResults } from './attachments.ts';
import { bytes, ms, table } from './text.ts';

function statusCounts(results: GenieResults): string {
  const count = (status: string) => results.tests.filter((t) => t.status === status).length;
  return `${count('PASS')} passed, ${count('FAIL')} failed, ${count('SKIP')} skipped`;
}

const orDash = (v: number | null, render: (v: number) => string): string => (v === null ? '–' : render(v));
const percent = (v: number) => `${v.toFixed(1)}%`;

function overheadBlock(overhead: GenieOverhead): string {
  // The seed's breakdown: client CPU vs the server's compute vs the remote call, and where the
  // remote time goes (serialization, the HTTP exchange) against the server's own time.
  const rows = overhead.sizes.map((s) => [
    bytes(s.bytes),
    ms(s.localMs),
    orDash(s.serverMs, ms),
    ms(s.remoteMs),
    `${ms(s.encodeMs)} / ${ms(s.httpMs)} / ${ms(s.decodeMs)}`,
    orDash(s.networkOverheadMs, ms),
    orDash(s.networkOverheadPctOfServer, percent),
    ms(s.overheadMs),
    orDash(s.overheadPct, percent),
    s.remoteMs < s.localMs ? 'remote' : 'local',
    s.throughputMBps.toFixed(1),
  ]);
  const breakEven =
    overhead.breakEvenBytes === null
      ? 'none in the measured range (remote never beat local)'
      : `${bytes(overhead.breakEvenBytes)} (remote is faster from this size on)`;
  const parts = [
    `#### Performance: ${overhead.operation}, local CPU vs server (${overhead.device}) vs remote`,
    table(
      ['Size', 'Local CPU', `Server compute`, 'Remote', 'Encode / HTTP / Decode', 'Network overhead', '% of server', 'Overhead vs local', '% of local', 'Faster', 'HTTP MB/s'],
      rows,
    ),
    `**Break-even size:** ${breakEven}`,
  ];
  if (overhead.recommendations.length) parts.push(['**Recommendations:**', ...overhead.recommendations.map((r) => `- ${r}`)].join('\n'));
  return parts.join('\n\n');
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
