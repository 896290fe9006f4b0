// GET /v1/models of an OpenAI-compatible server: the readiness check before a run (the
// server answers and serves a model) and the provider of each model (`owned_by`).
// Contract: vllm/entrypoints/openai/protocol.py@ec3b890c14b00f6670515d9df8d503b5270e95ca
// (ModelList { object: "list", data: ModelCard[] }, ModelCard { id, owned_by = "vllm" });
// the reference stack answers the same shape with owned_by "servewright".

import { request } from 'undici';
import { apiPathPrefix } from '../send/http-request.ts';

/** Model id → owned_by, as the server lists them. */
export type ModelOwners = Record<string, string>;

/** The provider of a model the server does not list (or of a run without a listing). */
export const UNLISTED_PROVIDER = '(not in /v1/models)';

class ApiNotReadyError extends Error {
  override name = 'ApiNotReadyError';
}

/** A server that will not become ready by waiting (wrong key, not an OpenAI API). */
class ApiRefusedError extends ApiNotReadyError {}

const ATTEMPT_TIMEOUT_MS = 5_000;

function headers(apiKey: string | undefined): Record<string, string> {
  return apiKey === undefined ? {} : { authorization: `Bearer ${apiKey}` };
}

/** One GET /v1/models; throws with the reason when the server is not (yet) serving. */
export async function listModels(apiBase: URL, apiKey?: string): Promise<ModelOwners> {
  const url = new URL(`${apiPathPrefix(apiBase)}/models`, apiBase.origin);
  const where = `GET ${url.origin}${url.pathname}`;
  let res;
  try {
    res = await request(url, { headers: headers(apiKey), headersTimeout: ATTEMPT_TIMEOUT_MS, bodyTimeout: ATTEMPT_TIMEOUT_MS });
  } catch (err) {
    const e = err as Error & { code?: string };
    throw new ApiNotReadyError(`${where}: ${e.code ?? e.name}: ${e.message}`);
  }
  const text = await res.body.text();
  if (res.statusCode === 401 || res.statusCode === 403) throw new ApiRefusedError(`${where}: HTTP ${res.statusCode}, the API key was refused`);
  if (res.statusCode < 200 || res.statusCode >= 300) throw new ApiNotReadyError(`${where}: HTTP ${res.statusCode}: ${text.slice(0, 200)}`);
  let data: unknown;
  try {
    data = (JSON.parse(text) as { data?: unknown }).data;
  } catch {
    throw new ApiRefusedError(`${where}: not JSON, not an OpenAI-compatible API: ${text.slice(0, 200)}`);
  }
  if (!Array.isArray(data)) throw new ApiRefusedError(`${where}: no "data" list, not an OpenAI-compatible API`);
  if (data.length === 0) throw new ApiNotReadyError(`${where}: no model served yet`);
  const owners: ModelOwners = {};
  for (const m of data as Array<{ id?: unknown; owned_by?: unknown }>) {
    if (typeof m.id === 'string') owners[m.id] = typeof m.owned_by === 'string' ? m.owned_by : UNLISTED_PROVIDER;
  }
  return owners;
}

export interface WaitOptions {
  apiKey?: string;
  timeoutMs: number;
  intervalMs?: number;
  /** Called once, on the first failed attempt, with its reason. */
  onWaiting?: (reason: string) => void;
}

/** Polls GET /v1/models until a model is served, a refusal that waiting cannot fix, or the timeout. */
export async function waitForApi(apiBase: URL, o: WaitOptions): Promise<ModelOwners> {
  const deadline = Date.now() + o.timeoutMs;
  let attempts = 0;
  for (;;) {
    try {
      return await listModels(apiBase, o.apiKey);
    } catch (err) {
      if (err instanceof ApiRefusedError || !(err instanceof ApiNotReadyError)) throw err;
      if (attempts++ === 0) o.onWaiting?.(err.message);
      if (Date.now() + (o.intervalMs ?? 250) > deadline) {
        throw new ApiNotReadyError(`API not ready after ${o.timeoutMs / 1000} s (${attempts} attempts); last answer: ${err.message}`);
      }
      await new Promise((r) => setTimeout(r, o.intervalMs ?? 250));
    }
  }
}
