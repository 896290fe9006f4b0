// The stack's services restarting under it. etcd, after Dynamo's etcd_ha suite
// (tests/fault_tolerance/etcd_ha/test_vllm.py@b7f730f): the stack keeps serving while its
// only etcd member is down, and once etcd is back every worker is in discovery again (a
// worker whose lease was given up registers anew) and a worker started afterwards is found.
// etcd cluster: one member at a time goes away and comes back, as upstream's failover tests
// do with three; requests are served throughout.
// NATS: requests travel over it on the reference stack, so while it is down they fail; once
// it is back every process has reconnected and every worker serves again.

import { setTimeout as sleep } from 'node:timers/promises';
import { expect, phase, type EtcdCluster, type StartedStack, type StackWorker, type OpenAIClient } from '../fixtures/index.ts';
import { SHORT_PROMPT, requestBody, send } from './requests.ts';

/** The piece of the services fixture these scenarios drive (services.etcd, services.nats). */
export interface ServiceControl {
  stop(): Promise<void>;
  restart(): Promise<void>;
}

export interface RestartCase {
  /** How long the service stays down (etcd: longer than twice the workers' lease TTL makes them give their leases up). */
  outageMs: number;
  timeoutMs: number;
}

/** Sends one short request per alive worker (round-robin) and returns the workers that served them. */
async function roundOfRequests(stack: StartedStack, client: OpenAIClient, c: Pick<RestartCase, 'timeoutMs'>): Promise<string[]> {
  const served: StackWorker[] = [];
  for (let i = 0; i < stack.aliveWorkers().length; i++) {
    const marks = stack.markLogs();
    const res = await send(client, 'completion', requestBody('completion', SHORT_PROMPT, 8), { timeoutMs: c.timeoutMs });
    expect(res.status).toBe(200);
    served.push(await stack.whoServed(marks, res.workerId, c.timeoutMs));
  }
  return served.map((w) => w.id).sort();
}

export async function servesThroughEtcdRestart(stack: StartedStack, client: OpenAIClient, etcd: ServiceControl, c: RestartCase): Promise<void> {
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

/** NATS stops and starts again: once every process has reconnected, every worker serves, and a new worker is found. */
export async function servesAfterNatsRestart(stack: StartedStack, client: OpenAIClient, nats: ServiceControl, c: RestartCase): Promise<void> {
  const everyone = stack.aliveWorkers().map((w) => w.id).sort();
  await phase('traffic', async () => expect(await roundOfRequests(stack, client, c)).toEqual(everyone));
  await phase('fault', async () => {
    await nats.stop();
    await sleep(c.outageMs);
    await nats.restart();
  });
  await phase('assertions', async () => {
    // Reconnecting takes each process a moment; requests sent before that fail, and are not what is checked.
    await expect.poll(() => roundOfRequests(stack, client, c).catch((e: Error) => e.message), { timeout: c.timeoutMs }).toEqual(everyone);
    const added = await stack.startWorker();
    expect(await roundOfRequests(stack, client, c)).toEqual([...everyone, added.id].sort());
  });
}

/**
 * Each member of the stack's etcd cluster in turn stops, and starts again once requests were
 * served. Serving alone does not need etcd (see servesThroughEtcdRestart), so while each member
 * is down a new worker also registers and must be discovered through the surviving members.
 */
export async function servesThroughEtcdFailover(stack: StartedStack, client: OpenAIClient, cluster: EtcdCluster, c: Pick<RestartCase, 'timeoutMs'>): Promise<void> {
  const everyone = stack.aliveWorkers().map((w) => w.id);
  await phase('traffic', async () => expect(await roundOfRequests(stack, client, c)).toEqual([...everyone].sort()));
  for (let member = 0; member < cluster.endpoints.length; member++) {
    await phase('fault', () => cluster.stopMember(member));
    await phase('assertions', async () => {
      everyone.push((await stack.startWorker()).id);
      expect(await roundOfRequests(stack, client, c)).toEqual([...everyone].sort());
    });
    await phase('fault', () => cluster.startMember(member));
  }
}
