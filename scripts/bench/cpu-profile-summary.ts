// Where a V8 CPU profile (node --cpu-prof) spent its time: self time per function and per
// origin (our bundle, each node_modules package, Node's own JS, native/GC/idle), busy
// time only, so the shares say what a request's CPU goes to.
//
//   npx tsx scripts/bench/cpu-profile-summary.ts FILE.cpuprofile [--top 25]

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Which code a frame belongs to. */
function originOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node internals';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  return 'our code';
}

interface Summary {
  busyMs: number;
  idleMs: number;
  byOrigin: [string, number][];
  byFunction: [string, number][];
}

function summarise(profile: Profile): Summary {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfMs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000));
  const origin = new Map<string, number>();
  const fn = new Map<string, number>();
  let idleMs = 0;
  let busyMs = 0;
  for (const [id, ms] of selfMs) {
    const { functionName, url, lineNumber } = nodes.get(id)!.callFrame;
    if (functionName === '(idle)') {
      idleMs += ms;
      continue;
    }
    busyMs += ms;
    const o = originOf(url, functionName);
    origin.set(o, (origin.get(o) ?? 0) + ms);
    const key = `${functionName || '(anonymous)'} ${url.replace(/^.*\//, '')}:${lineNumber + 1} [${o}]`;
    fn.set(key, (fn.get(key) ?? 0) + ms);
  }
  const sorted = (m: Map<string, number>): [string, number][] => [...m].sort((a, b) => b[1] - a[1]);
  return { busyMs, idleMs, byOrigin: sorted(origin), byFunction: sorted(fn) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '25' } } });
  for (const file of positionals) {
    const s = summarise(JSON.parse(readFileSync(file, 'utf8')) as Profile);
    const pct = (ms: number): string => `${((100 * ms) / s.busyMs).toFixed(1).padStart(5)} %`;
    console.log(`${file}: busy ${s.busyMs.toFixed(0)} ms, idle ${s.idleMs.toFixed(0)} ms`);
    for (const [o, ms] of s.byOrigin) console.log(`  ${pct(ms)}  ${o}`);
    console.log('  self time per function:');
    for (const [f, ms] of s.byFunction.slice(0, Number(values.top))) console.log(`  ${pct(ms)}  ${f}`);
  }
}
