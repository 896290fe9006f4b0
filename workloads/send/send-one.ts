// Sends one prepared request and records raw timestamps. Never throws: a failure is a
// result with status 0 or the HTTP status and an error text.

import type { Dispatcher } from 'undici';
import { QUEUE_MS_HEADER, WORKER_ID_HEADER } from '../../protocol/headers.ts';
import type { TraceRequest } from '../trace/types.ts';
import { nowMs } from './clock.ts';
import type { PreparedRequest } from './http-request.ts';
import type { RequestResult } from './result.ts';
import { SseLines } from './sse.ts';

const ERROR_TEXT_LIMIT = 300;

interface Usage {
  prompt_tokens?: number;
  completion_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number } | null;
}
interface ChoiceChunk {
  text?: string;
  delta?: { content?: string | null };
  message?: { content?: string | null };
}
interface OpenAiBody {
  model?: string;
  choices?: ChoiceChunk[];
  usage?: Usage | null;
  error?: unknown;
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function applyUsage(result: RequestResult, usage: Usage | null | undefined): void {
  if (!usage) return;
  if (usage.prompt_tokens !== undefined) result.promptTokens = usage.prompt_tokens;
  if (usage.completion_tokens !== undefined) result.outputTokens = usage.completion_tokens;
  const cached = usage.prompt_tokens_details?.cached_tokens;
  if (cached !== undefined) result.cachedTokens = cached;
}

const hasText = (c: ChoiceChunk | undefined): boolean => Boolean(c?.text || c?.delta?.content || c?.message?.content);

async function readStream(body: Dispatcher.ResponseData['body'], result: RequestResult): Promise<void> {
  const sse = new SseLines();
  let textChunks = 0;
  let usageSeen = false;
  body.setEncoding('utf8');
  for await (const chunk of body as AsyncIterable<string>) {
    const t = nowMs();
    for (const data of sse.push(chunk)) {
      if (data === '[DONE]') continue;
      const event = JSON.parse(data) as OpenAiBody;
      if (event.error !== undefined) result.error = `stream error: ${JSON.stringify(event.error).slice(0, ERROR_TEXT_LIMIT)}`;
      if (event.model !== undefined) result.servedModel = event.model;
      if (hasText(event.choices?.[0])) {
        result.firstTokenMs ??= t;
        result.tokenChunkMs.push(t);
        textChunks++;
      }
      if (event.usage) {
        usageSeen = true;
        applyUsage(result, event.usage);
      }
    }
  }
  if (!usageSeen) result.outputTokens = textChunks;
}

export function blankResult(request: TraceRequest, scheduledMs: number): RequestResult {
  const r: RequestResult = {
    id: request.id,
    line: request.line,
    mode: request.mode,
    priority: request.priority,
    model: request.model,
    classify: request.classify,
    stream: request.stream,
    scheduledMs,
    sentMs: scheduledMs,
    tokenChunkMs: [],
    endMs: scheduledMs,
    status: 0,
    outputTokens: 0,
  };
  if (request.workloadId !== undefined) r.workloadId = request.workloadId;
  if (request.criticality !== undefined) r.criticality = request.criticality;
  if (request.programId !== undefined) r.programId = request.programId;
  if (request.threadId !== undefined) r.threadId = request.threadId;
  if (request.sloMs !== undefined) r.sloMs = request.sloMs;
  return r;
}

export async function sendOne(
  dispatcher: Dispatcher,
  request: TraceRequest,
  prepared: PreparedRequest,
  scheduledMs: number,
): Promise<RequestResult> {
  const result = blankResult(request, scheduledMs);
  result.sentMs = nowMs();
  try {
    const res = await dispatcher.request({ method: 'POST', path: prepared.path, headers: prepared.headers, body: prepared.body });
    result.headersMs = nowMs();
    result.status = res.statusCode;
    const queue = Number(header(res.headers, QUEUE_MS_HEADER));
    if (Number.isFinite(queue)) result.queueMs = queue;
    const worker = header(res.headers, WORKER_ID_HEADER);
    if (worker !== undefined) result.workerId = worker;
    if (res.statusCode < 200 || res.statusCode >= 300) {
      result.error = `HTTP ${res.statusCode}: ${(await res.body.text()).slice(0, ERROR_TEXT_LIMIT)}`;
    } else if (request.stream) {
      await readStream(res.body, result);
    } else {
      const body = (await res.body.json()) as OpenAiBody;
      result.servedModel = body.model ?? request.model;
      applyUsage(result, body.usage);
    }
  } catch (err) {
    const e = err as Error & { code?: string };
    result.error = `${e.code ?? e.name}: ${e.message}`.slice(0, ERROR_TEXT_LIMIT);
  }
  result.endMs = nowMs();
  return result;
}
