// Entry point of one sender thread (see threads.ts).

import { parentPort, workerData } from 'node:worker_threads';
import { Pool } from 'undici';
import { RunCounters } from './progress.ts';
import { runPlan } from './runner.ts';
import { THREAD_PROGRESS_MS, type StartMessage, type ThreadInput, type ThreadMessage } from './threads.ts';

const input = workerData as ThreadInput;
const counters = new RunCounters();
const post = (m: ThreadMessage): void => parentPort!.postMessage(m);
const progress = (): void => post({ type: 'progress', sent: counters.sent, done: counters.done, errors: counters.errors });
const pool = new Pool(input.origin, input.poolOptions);
const started = new Promise<StartMessage>((resolve) => parentPort!.once('message', resolve));
post({ type: 'ready' });
const { startMs } = await started;
const tick = setInterval(progress, THREAD_PROGRESS_MS);
const results = await runPlan(input.plan, pool, { ...input.runOptions, startMs, counters });
clearInterval(tick);
progress();
await pool.destroy();
post({ type: 'done', results });
