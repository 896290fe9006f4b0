// Server side of the Genie seed against whichever server the spec file's genieConfig starts:
// environment, server information, startup, health, GPU detection, ops, statistics.
import {
  checkEnvironment, compareTensors, expect, hostInfo, makeTensor, ManagedProcess, readCapabilities, runLocally, seededTensor, test,
  type FormFields, type RawReply, type Tensor,
} from 'servewright';


/** Inputs in the domain of every op (log and sqrt need positive values). */
const positiveInput = (seed: number) => {
  const t = seededTensor([16, 24], seed);
  return makeTensor(t.shape, t.data.map((v) => Math.abs(v) + 0.1));
};

/** `tier`: @e2e against the mock; @slow where every test starts a Python + torch server. */
export function serverSuite(tier: '@e2e' | '@slow'): void {
  const E2E = { tag: [tier, '@genie'] };
  test.use({ genieTestType: 'server_side' });

  test('environment_setup: what the profile needs is installed', E2E, async ({ genieConfig, genieResults }) => {
    const env = await genieResults.check('environment_setup', () => checkEnvironment(genieConfig));
    expect(env.node).toBe(process.version);
    if (genieConfig.profile === 'mock') expect(env.server.mock_bundle).toMatch(/genie\.mjs$/);
  });

  test('server_information: hostname, IP addresses, CUDA and GPU', E2E, async ({ genie, genieResults }) => {
    const info = await genieResults.check('server_information', async () => {
      const health = await genie.server.client.health();
      // A server we start runs on this host; a remote one (GENIE_URL) is known by its URL.
      const host = genie.server.proc ? hostInfo() : { hostname: new URL(genie.server.url).hostname, ip_addresses: [] as string[] };
      return { ...host, url: genie.server.url, device: health.device, cuda_available: health.cuda_available, gpu: health.gpu_name ?? null };
    });
    expect(info.hostname).not.toBe('');
    if (genie.server.proc) expect(info.ip_addresses).toEqual(hostInfo().ip_addresses);
  });

  test('server_startup: answers / and /health once ready', E2E, async ({ genie, genieResults }) => {
    const { server } = genie;
    const info = await genieResults.check(
      'server_startup',
      async () => {
        const info = await server.client.info();
        expect(info.status).toBe('running');
        expect(Object.keys(info.endpoints as object)).toEqual(expect.arrayContaining(['health', 'execute']));
        return info;
      },
      () => ({ pid: server.proc instanceof ManagedProcess ? server.proc.pid : null, url: server.url, listening: server.bindHost ?? 'remote', startup_ms: server.startupMs === undefined ? null : Math.round(server.startupMs), profile: server.profile }),
    );
    expect(info.service).toContain('Genie');
  });

  test('health: reports the device honestly', E2E, async ({ genie, genieResults }) => {
    const health = await genieResults.check('health', () => genie.server.client.health());
    expect(health.status).toBe('healthy');
    if (genie.server.profile === 'mock') {
      expect(health).toMatchObject({ device: 'cpu', cuda_available: false, gpu_count: 0, gpu_name: null });
    } else {
      expect(health.device.startsWith('cuda')).toBe(health.cuda_available);
    }
  });

  test('gpu_detection: the server runs on CUDA', { tag: ['@gpu_1', '@genie'] }, async ({ genie, genieResults }) => {
    const health = await genie.server.client.health();
    if (!health.cuda_available) {
      const reason = `${genie.server.url}/health reports cuda_available=false (device ${health.device}); GPU detection needs a CUDA server (set GENIE_CMD on a GPU host)`;
      genieResults.skip('gpu_detection', reason);
      test.skip(true, reason);
    }
    await genieResults.check(
      'gpu_detection',
      async () => {
        expect(health.device).toMatch(/^cuda/);
        const run = await genie.remote({ op: 'relu', input: seededTensor([1000, 1000], 7) });
        expect(run.comparison.within, run.comparison.reason).toBe(true);
        return run;
      },
      (run) => ({
        cuda_available: true, device: health.device, gpu_name: health.gpu_name ?? null, gpu_count: health.gpu_count ?? null,
        gpu_time_ms: run.remote.serverComputeMs ?? null, http_ms: run.remote.httpMs,
      }),
    );
  });

  test('server_operations: every advertised op matches the reference', E2E, async ({ genie, genieResults }) => {
    const caps = await readCapabilities(genie.server.client);
    const unary = caps.operations.filter((op) => !['add', 'sub', 'mul', 'div', 'matmul'].includes(op));
    expect(unary).toEqual(expect.arrayContaining(['relu', 'sigmoid', 'tanh', 'abs', 'neg', 'exp', 'log', 'sqrt']));
    await genieResults.check('server_operations', async () => {
      for (const [i, op] of unary.entries()) {
        const input = positiveInput(i);
        const { tensor } = await genie.server.client.execute(op, input);
        const cmp = compareTensors(tensor, runLocally({ op, input }).tensor);
        expect(cmp.within, `${op}: ${cmp.reason}`).toBe(true);
      }
      const relu = await genie.server.client.execute('relu', makeTensor([4], [-1, 0, 2, -3]));
      expect(Array.from(relu.tensor.data)).toEqual([0, 0, 2, 0]);
      return `HTTP tensor ops ok: ${unary.join(', ')}`;
    });
  });

  test('server_statistics: /stats counts requests, errors, bytes and op timings', E2E, async ({ genie, genieResults }) => {
    const caps = await readCapabilities(genie.server.client);
    if (!caps.stats || !caps.subgraphs) {
      const reason = `${caps.identity} at ${genie.server.url} does not advertise /stats and the mock's graph format`;
      genieResults.skip('server_statistics', reason);
      test.skip(true, reason);
    }
    type Stats = {
      requests_total: number; requests_success: number; requests_failed: number; errors_by_status: Record<string, number>;
      bytes_in: number; bytes_out: number; ops: Record<string, { count: number; total_ms: number; mean_ms: number }>;
    };
    const stats = await genieResults.check('server_statistics', async () => {
      const client = genie.server.client;
      // Differences from a snapshot: a server reached by GENIE_URL has served other tests before.
      const before = await client.stats<Stats>();
      const healthBefore = (await client.health()).stats as { total_requests: number; successful: number; failed: number };
      const replies: RawReply[] = [];
      const post = async (path: string, fields: FormFields) => {
        const reply = await client.postForm(path, fields);
        replies.push(reply);
        return reply.status;
      };
      const tensor = (t: Tensor) => client.tensorPart(t, 'tensor_file');
      for (const op of ['relu', 'relu', 'exp']) expect(await post('/execute', { operation: op, tensor_file: tensor(seededTensor([8, 8], replies.length)) })).toBe(200);
      expect(await post('/execute', { operation: 'no_such_op', tensor_file: tensor(seededTensor([2], 1)) })).toBe(400);
      expect(await post('/execute', { operation: 'relu', tensor_file: tensor(makeTensor([0], [])) })).toBe(200);
      const graph = JSON.stringify({ nodes: [{ id: 'm', op: 'matmul', inputs: ['t0', 't0'] }], output: 'm' });
      expect(await post('/execute_subgraph', { graph, t0: tensor(makeTensor([2, 3], [1, 2, 3, 4, 5, 6])) })).toBe(422);
      const s = await client.stats<Stats>();
      const delta = (pick: (x: Stats) => number | undefined) => (pick(s) ?? 0) - (pick(before) ?? 0);
      expect({
        total: delta((x) => x.requests_total), success: delta((x) => x.requests_success), failed: delta((x) => x.requests_failed),
        e400: delta((x) => x.errors_by_status[400]), e422: delta((x) => x.errors_by_status[422]),
        relu: delta((x) => x.ops.relu?.count), exp: delta((x) => x.ops.exp?.count), matmul: delta((x) => x.ops.matmul?.count),
      }, 'an op that threw is not counted').toEqual({ total: 6, success: 4, failed: 2, e400: 1, e422: 1, relu: 3, exp: 1, matmul: 0 });
      expect(s.ops.relu!.mean_ms).toBeCloseTo(s.ops.relu!.total_ms / s.ops.relu!.count, 9);
      expect(delta((x) => x.bytes_in)).toBe(replies.reduce((n, r) => n + r.bytesSent, 0));
      expect(delta((x) => x.bytes_out)).toBe(replies.filter((r) => r.status === 200).reduce((n, r) => n + r.body.length, 0));
      const health = (await client.health()).stats as typeof healthBefore;
      expect({ total: health.total_requests - healthBefore.total_requests, ok: health.successful - healthBefore.successful, failed: health.failed - healthBefore.failed }).toEqual({
        total: 6, ok: 4, failed: 2,
      });
      return s;
    });
    expect(stats.requests_total).toBe(stats.requests_success + stats.requests_failed);
  });
}
