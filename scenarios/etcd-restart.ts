// etcd restart during traffic, after Dynamo's etcd_ha suite
// (tests/fault_tolerance/etcd_ha/test_vllm.py@b7f730f): the stack keeps serving while its
// only etcd member is down, and once etcd is back every worker is in discovery again (a
// worker whose lease was given up registers anew) and a worker started afterwards is found.

import { setTimeout as sleep } from 'node:timers/promises';
import { expect, phase, type StartedStack, type StackWorker, type OpenAIClient } from '../fixtures/index.ts';
import { SHORT_PROMPT, requestBody, send } from './requests.ts';

/** The piece of the services fixture this scenario drives. */
export interface EtcdControl {
  stop(): Promise<void>;
  restart(): Promise<void>;
}

export interface EtcdRestartCase {
  /** How long etcd stays down: longer than twice the workers' lease TTL makes them give their leases up. */
  outageMs: number;
  timeoutMs: number;
}

/** Sends one short request per alive worker (round-robin) and returns the workers that served them. */
async function roundOfRequests(stack: StartedStack, client: OpenAIClient, c: EtcdRestartCase): Promise<string[]> {
  const served: StackWorker[] = [];
  for (let i = 0; i < stack.aliveWorkers().length; i++) {
    const marks = stack.markLogs();
    const res = await send(client, 'completion', requestBody('completion', SHORT_PROMPT, 8), { timeoutMs: c.timeoutMs });
    expect(res.status).toBe(200);
    served.push(await stack.whoServed(marks, res.workerId, c.timeoutMs));
  }
  return served.map((w) => w.id).sort();
}

export async function servesThroughEtcdRestart(stack: StartedStack, client: OpenAIClient, etcd: EtcdControl, c: EtcdRestartCase): Promise<void> {
  const everyone = stack.aliveWorkers().map((w) => w.id).sort();
  await phase('traffic', async () => expect(await roundOfRequests(stack, client, c)).toEqual(everyone));
  await phase('fault', async () => {
    await etcd.stop();
    // Discovery is down, routing is not: the frontend keeps serving the workers it knows.
    expect(await roundOfRequests(stack, client, c)).toEqual(everyone);
    await sleep(c.outageMs);
    expect(await roundOfRequests(stack, client, c)).toEqual(everyone);
    await etcd.restart();
  });
  await phase('assertions', async () => {
    await stack.waitForWorkers(everyone.length, c.timeoutMs);
    expect(await roundOfRequests(stack, client, c)).toEqual(everyone);
    // The frontend's watch is live again: a worker that registers now is found and served.
    const added = await stack.startWorker();
    expect(await roundOfRequests(stack, client, c)).toEqual([...everyone, added.id].sort());
  });
}
