// The HTTP face of a stand-in Dynamo frontend: the reference frontend runs behind it, and
// what a client sees is the impersonated contract's: /health bodies (health.*), /metrics
// restricted to the corpus's series (metrics.frontend; the reference frontend runs with
// Dynamo's names and label sets underneath), SSE error frames
// (sse.errorFrame), and no servewright worker attribution (Dynamo adds nvext.worker_id only
// when a request asks for it).

import type { ServerResponse } from 'node:http';
import type { EngineContract } from '../../../contracts/loader.ts';
import { parsePrometheus, type Sample } from '../../../protocol/prometheus-parse.ts';
import { render, send, serveForwarding } from './http-forward.ts';

async function getJson(url: string): Promise<Record<string, unknown>> {
  return (await (await fetch(url)).json()) as Record<string, unknown>;
}

export function serveFrontendProxy(contract: EngineContract, port: number, upstream: string): void {
  const corpusMetrics = parsePrometheus(contract.metrics.frontend?.exposition ?? '');
  const corpusNames = new Set(corpusMetrics.map((s) => s.name));

  async function health(res: ServerResponse): Promise<void> {
    const reference = await getJson(`${upstream}/health`);
    const instances = (reference.instances as Array<{ instance_id: string }> | undefined) ?? [];
    const { frontendNoModels, frontendReady } = contract.health;
    if (instances.length === 0 && frontendNoModels) return send(res, frontendNoModels.status, frontendNoModels.body);
    if (!frontendReady) return send(res, 200, reference);
    const body = structuredClone(frontendReady.body) as Record<string, unknown>;
    if (Array.isArray(body.instances)) {
      const template = body.instances[0] as Record<string, unknown>;
      body.instances = instances.map((i) => ({ ...template, instance_id: i.instance_id, endpoint: 'generate' }));
    }
    if (Array.isArray(body.models)) body.models = ((await getJson(`${upstream}/v1/models`)).data as Array<{ id: string }>).map((m) => m.id);
    send(res, frontendReady.status, body);
  }

  async function metrics(res: ServerResponse): Promise<void> {
    const reference = parsePrometheus(await (await fetch(`${upstream}/metrics`)).text());
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(render(reference.filter((s) => corpusNames.has(s.name))));
  }

  // The frontend's cancellation counter is the reference frontend's, passed through /metrics.
  serveForwarding(port, upstream, { '/health': health, '/metrics': metrics }, { errorFrame: contract.sse.errorFrame });
}
