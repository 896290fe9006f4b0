// Client side of the Genie seed against the configured server (the mock by default;
// GENIE_CMD / GENIE_URL for a real one), plus the mock's own routing and size limits, which
// skip before anything starts on any other server.
import { Readable } from 'node:stream';
import { request } from 'undici';
import { expect, seededTensor, test, type Tensor } from 'servewright';
import { clientSuite } from './suites/client-suite.ts';

const E2E = { tag: ['@e2e', '@genie'] };
const MOCK_ONLY = 'checks the bundled mock, not the configured server';

clientSuite('@e2e');

test('routing errors: unknown path, wrong method and a non-multipart body', E2E, async ({ genieConfig, genieStart }) => {
  test.skip(genieConfig.profile !== 'mock', MOCK_ONLY);
  const server = await genieStart('genie');
  const call = async (method: 'GET' | 'POST', path: string, body?: string) => {
    const res = await request(`${server.url}${path}`, { method, body, headers: body ? { 'content-type': 'application/json' } : {} });
    return { status: res.statusCode, detail: ((await res.body.json()) as { detail: string }).detail };
  };
  expect(await call('GET', '/v2/execute')).toEqual({ status: 404, detail: 'no route /v2/execute; see GET / for the endpoints' });
  expect(await call('GET', '/execute')).toEqual({ status: 405, detail: '/execute accepts POST only' });
  expect(await call('POST', '/health', '{}')).toEqual({ status: 405, detail: '/health accepts GET only' });
  expect(await call('POST', '/execute', '{"operation":"relu"}')).toEqual({
    status: 415,
    detail: "expected Content-Type multipart/form-data with a boundary, got 'application/json'",
  });
});

test('oversized uploads: 413 with the limit, before and after the body is read', E2E, async ({ genieConfig, genieStart, genieResults }) => {
  test.skip(genieConfig.profile !== 'mock', `${MOCK_ONLY}: the real Genie server has no tensor size limit`);
  const small = await genieStart('genie-small', { maxTensorBytes: 4096 });
  const client = small.client;
  const part = (t: Tensor) => client.tensorPart(t, 'tensor_file');
  await genieResults.check('oversized_tensor', async () => {
    const overTensor = await client.postForm('/execute', { operation: 'relu', tensor_file: part(seededTensor([1024], 1)) });
    expect(overTensor.status).toBe(413);
    expect(overTensor.body.toString()).toContain("tensor 'tensor_file' is 4224 bytes, over the limit of 4096 bytes");
    // Far past the whole-request cap: refused from Content-Length while the client still uploads.
    const overBody = await client.postForm('/execute', { operation: 'relu', tensor_file: part(seededTensor([1024 * 1024], 2)) });
    expect(overBody.status).toBe(413);
    expect(overBody.body.toString()).toMatch(/request body of \d+ bytes exceeds the limit of \d+ bytes/);
    // Chunked upload without Content-Length: refused once the streamed bytes pass the cap.
    const chunked = await request(`${small.url}/execute`, {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=b' },
      body: Readable.from(Array.from({ length: 32 }, () => Buffer.alloc(64 * 1024))),
    });
    expect(chunked.statusCode).toBe(413);
    expect(await chunked.body.text()).toMatch(/request body of more than \d+ bytes exceeds the limit/);
    const fits = await client.execute('relu', seededTensor([8, 8], 3));
    expect(fits.tensor.shape).toEqual([8, 8]);
    return 'tensor over --max-tensor-bytes, declared and streamed bodies over the request cap all answered 413; server kept serving';
  });
});
