// Runs the scripted server as its own process, so a benchmark's server and load
// generator do not share an event loop:
//   node --import tsx workloads/testing/serve.ts [--tokens N] [--hold-until N]
// --hold-until N: every stream sends its first token, then waits until N streams are open.

import { parseArgs } from 'node:util';
import { startScriptedServer, type Script } from './scripted-server.ts';

const { values } = parseArgs({ options: { tokens: { type: 'string' }, 'hold-until': { type: 'string' } } });
const tokens = Number(values.tokens ?? 1);
const holdUntil = values['hold-until'] === undefined ? 0 : Number(values['hold-until']);
if (!Number.isInteger(tokens) || tokens < 1 || !Number.isInteger(holdUntil) || holdUntil < 0) {
  console.error('--tokens must be a positive integer and --hold-until a non-negative integer');
  process.exit(2);
}

let open = 0;
let release!: () => void;
const gate = new Promise<void>((r) => (release = r));
const script = (): Script => {
  if (holdUntil === 0) return { tokens };
  if (++open === holdUntil) {
    console.log(`${open} streams open; releasing`);
    release();
  }
  return { tokens: Math.max(tokens, 2), afterFirstToken: gate };
};
const server = await startScriptedServer(script, { record: false });
console.log(`listening on ${server.url}`);
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
