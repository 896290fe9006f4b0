// Added latency of the frontend over hitting a mock worker directly (the measuring is in
// frontend-overhead-measure.ts, shared with the @slow budget spec). Prints the table and
// one JSON line.
//
//   npx tsx scripts/bench/frontend-overhead.ts [--rate 1000] [--duration-s 5] [--warmup-s 5] [--max-tokens 4] [--repeat 1] [--scheduler fcfs] [--cpu-prof DIR]
//
// --warmup-s defaults to 5: after 1 s the frontend's JIT is still compiling the request
// path, which a 5 s run then charges to its requests (perf: a quarter of the frontend's
// CPU was TurboFan; back to back, 0.24–0.27 ms per request after 1 s of warm-up and
// 0.17–0.19 after 6 s at load 21–28, 0.376 vs 0.336–0.350 at load 7; issue #19).
// --cpu-prof DIR: the frontend writes a V8 CPU profile there when the bench stops it;
// `npx tsx scripts/bench/cpu-profile-summary.ts DIR/*.cpuprofile` says where its time went.

import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatOverhead, measureFrontendOverhead } from './frontend-overhead-measure.ts';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '1000' },
    'duration-s': { type: 'string', default: '5' },
    'warmup-s': { type: 'string', default: '5' },
    'max-tokens': { type: 'string', default: '4' },
    repeat: { type: 'string', default: '1' },
    scheduler: { type: 'string' },
    'cpu-prof': { type: 'string' },
  },
});
const rate = Number(values.rate);
const durationS = Number(values['duration-s']);
const warmupS = Number(values['warmup-s']);
const maxTokens = Number(values['max-tokens']);
const repeat = Number(values.repeat);
if (!Number.isInteger(repeat) || repeat < 1) throw new Error('--repeat: expected a positive integer');
for (const [flag, v] of Object.entries({ '--rate': rate, '--duration-s': durationS, '--warmup-s': warmupS, '--max-tokens': maxTokens })) {
  if (!Number.isFinite(v) || v < 0 || (flag !== '--warmup-s' && v === 0)) throw new Error(`${flag}: expected a positive number`);
}

const result = await measureFrontendOverhead({
  rate,
  durationS,
  warmupS,
  maxTokens,
  repeat,
  frontendArgs: values.scheduler === undefined ? [] : ['--scheduler', values.scheduler],
  requestHeaders: {},
  ...(values['cpu-prof'] === undefined ? {} : { cpuProfDir: resolve(values['cpu-prof']) }),
});
console.log(formatOverhead(result));
const { options, loadBefore, direct, frontend, addedP50Ms, addedP99Ms } = result;
console.log(JSON.stringify({ rate: options.rate, durationS: options.durationS, maxTokens: options.maxTokens, repeat: options.repeat, scheduler: values.scheduler ?? null, loadBefore, direct, frontend, addedP50Ms, addedP99Ms }));
