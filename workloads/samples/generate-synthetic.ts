// Writes the larger synthetic trace: Gamma-bursty arrivals, a mix of priorities, modes,
// models and workloads. Seeded, so re-running it reproduces the committed file:
//   npx tsx workloads/samples/generate-synthetic.ts [count] [rate] [out]

import { writeFileSync } from 'node:fs';
import { arrivalOffsets } from '../arrival/processes.ts';
import { seededRandom, type Random } from '../arrival/random.ts';
import { toCsv } from '../output/csv-writer.ts';
import { OPTIONAL_COLUMNS, REQUIRED_COLUMNS } from '../trace/csv.ts';

const [count = 2000, rate = 40] = process.argv.slice(2, 4).map(Number);
const out = process.argv[4] ?? new URL('./synthetic_workload_2000.csv', import.meta.url).pathname;
const random = seededRandom(2026);
const pick = <T>(r: Random, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const topics = ['queues', 'caches', 'routers', 'tokens', 'latency', 'GPUs', 'schedulers', 'batching'];
const offsets = arrivalOffsets(new Array<number>(count).fill(0), { kind: 'gamma', rate, burstiness: 0.5, seed: 2026 });
const header = ['request_id', ...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS.filter((c) => c !== 'request_id')];

const rows = offsets.map((t, i) => {
  const words = 8 + Math.floor(random() * 120);
  const prompt = `Write ${words} words about ${pick(random, topics)}.`;
  const body = { messages: [{ role: 'user', content: prompt }], max_tokens: 8 + Math.floor(random() * 120) };
  const workload = pick(random, ['chat', 'chat', 'analytics', 'ingest']);
  const program = i % 3 === 0 ? `p${Math.floor(i / 9)}` : '';
  const cells: Record<string, string | number> = {
    request_id: `syn-${String(i).padStart(5, '0')}`,
    arrival_offset_ms: Math.round(t),
    mode: random() < 0.7 ? 'interactive' : 'batch',
    priority: pick(random, ['low', 'mid', 'mid', 'high']),
    model: pick(random, ['mock-llama-8b', 'mock-qwen-7b', 'classify']),
    body_json: JSON.stringify(body),
    workload_id: workload,
    criticality: workload === 'chat' ? 4 : workload === 'analytics' ? 3 : 1,
    program_id: program,
    thread_id: program ? `${program}-t${i % 9}` : '',
    parent_thread_ids: program && i % 9 !== 0 ? `${program}-t0` : '',
    slo_ms: '',
  };
  return header.map((h) => cells[h]);
});
writeFileSync(out, toCsv(header, rows));
console.log(`wrote ${rows.length} requests to ${out}`);
