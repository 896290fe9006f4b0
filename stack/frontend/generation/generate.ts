// A request's whole life on the workers: admission through the scheduler, prefill then
// decode when the stack is disaggregated, and migration to another worker when a stream
// breaks, re-sending the tokens generated so far so the client sees one unbroken stream.

import { HttpError } from '../../../protocol/http/http-error.ts';
import type { GenerateChunk, GenerateRequest } from '../../../protocol/messages.ts';
import type { Dispatcher, Phase, Placement, PlacementRequest } from '../dispatch/dispatcher.ts';
import type { FrontendMetrics } from '../metrics.ts';
import type { RoutingRequest } from '../routing/router.ts';
import type { QueuedRequest, Scheduler } from '../scheduler/scheduler.ts';
import { streamFromWorker, type StreamDeps } from './worker-stream.ts';

export interface GenerationDeps extends StreamDeps {
  dispatcher: Dispatcher;
  scheduler: Scheduler;
  metrics: FrontendMetrics;
  migrationLimit: number;
  /**
   * Count and log a broken stream as an ongoing migration before checking the limit, as
   * Dynamo's RetryManager does (ai-dynamo/dynamo lib/llm/src/migration.rs@0135b9a).
   */
  countExhaustedMigrations?: boolean;
  /**
   * 'completes': a client that leaves during prefill does not stop the prefill; the request
   * goes on to its decode worker and is Killed there, as newer Dynamo does (the prefill frees
   * its KV blocks on the normal path; tests/fault_tolerance/cancellation/test_vllm.py@011e943
   * counts the cancellation on the decode worker).
   */
  prefillCancel?: 'aborts' | 'completes';
}

export interface GenerationRequest {
  requestId: string;
  model: string;
  promptTokens: number[];
  maxTokens: number;
  seed: number;
  temperature?: number;
  ignoreEos?: boolean;
  forceError?: number;
  queued: QueuedRequest;
  routing: RoutingRequest;
}

export interface TokensEvent {
  text: string;
  tokenIds: number[];
  workerId: string;
}

/** What the HTTP layer hears while a request runs. */
export interface GenerationObserver {
  /** The first dispatch, once. */
  placed?(event: { workerId: string; queueMs: number }): void;
  tokens(event: TokensEvent): void;
}

export interface GenerationResult {
  finishReason: 'length' | 'stop' | 'abort';
  usage: { promptTokens: number; completionTokens: number; cachedTokens: number };
  workerId: string;
  prefillWorkerId?: string;
  /** Time spent waiting in the frontend for the first worker. */
  queueMs: number;
  migrations: number;
}

export class CancelledError extends Error {
  constructor(requestId: string) {
    super(`request ${requestId} cancelled by its client`);
  }
}

export async function generate(
  deps: GenerationDeps,
  req: GenerationRequest,
  observer: GenerationObserver,
  signal: AbortSignal,
): Promise<GenerationResult> {
  const generated: number[] = [];
  const exclude = new Set<string>();
  let phase: Phase = 'entry';
  let migrations = 0;
  let queueMs: number | undefined;
  let cachedTokens: number | undefined;
  let prefillWorkerId: string | undefined;
  let firstDispatchAt: number | undefined;
  const complete = (ok: boolean): void => {
    if (firstDispatchAt === undefined) return;
    deps.scheduler.completed(
      req.queued,
      { serviceMs: Date.now() - firstDispatchAt, completionTokens: generated.length, ok },
      Date.now(),
    );
  };

  try {
    for (;;) {
      const handOff = deps.prefillCancel === 'completes' && phase === 'decode' && prefillWorkerId !== undefined;
      const placement = await waitForWorker(deps, { queued: req.queued, routing: req.routing, model: req.model, phase, exclude }, queueMs === undefined, handOff ? NEVER : signal).catch(
        (err: unknown) => {
          throw err instanceof HttpError && migrations > 0 ? new HttpError(err.status, `migration failed: ${err.message}`) : err;
        },
      );
      if (queueMs === undefined) {
        queueMs = placement.queueMs;
        observer.placed?.({ workerId: placement.worker.registration.id, queueMs });
      }
      firstDispatchAt ??= Date.now();
      const workerId = placement.worker.registration.id;
      if (placement.decodeOnlyFallback) {
        deps.metrics.decodeOnlyFallbacks.inc({ model: req.model });
        // Dynamo's wording (lib/llm/src/kv_router/prefill_router.rs@5a6d8e2).
        deps.log(
          `WARN Remote prefill failed, falling back to decode-only. This may impact performance in disaggregated deployments. Verify prefill workers are healthy and accessible. request_id=${req.requestId} worker_id=${workerId}`,
        );
      }
      const onChunk = (chunk: GenerateChunk): void => {
        if (chunk.type === 'started') cachedTokens ??= chunk.cachedTokens;
        else if (chunk.type === 'tokens') appendTokens(deps, req.requestId, generated, chunk, workerId, observer);
      };
      const end = await streamFromWorker(deps, workerId, workerRequest(req, generated, placement), onChunk, attemptSignal(deps, placement, signal)).finally(() =>
        deps.dispatcher.release(placement.worker, req.routing),
      );
      switch (end.kind) {
        case 'cancelled':
          throw new CancelledError(req.requestId);
        case 'failed':
          throw new HttpError(end.status, end.message);
        case 'done':
          if (placement.phase === 'prefill' && generated.length < req.maxTokens) {
            prefillWorkerId = workerId;
            phase = 'decode';
            continue;
          }
          complete(true);
          return {
            finishReason: end.chunk.finishReason,
            usage: {
              promptTokens: req.promptTokens.length,
              completionTokens: generated.length,
              cachedTokens: cachedTokens ?? end.chunk.usage.cachedTokens,
            },
            workerId,
            ...(prefillWorkerId === undefined ? {} : { prefillWorkerId }),
            queueMs,
            migrations,
          };
        case 'broken': {
          const exhausted = migrations >= deps.migrationLimit;
          if (exhausted && !deps.countExhaustedMigrations) {
            throw new HttpError(
              502,
              `stream from worker ${workerId} broke (${end.cause}) and the migration limit (${deps.migrationLimit}) is reached`,
            );
          }
          deps.metrics.migrations.inc({ migration_type: generated.length > 0 ? 'ongoing_request' : 'new_request' });
          deps.log(
            `Stream disconnected... recreating stream... request_id=${req.requestId} worker_id=${workerId} cause="${end.cause}" tokens_so_far=${generated.length} migration=${migrations + 1}/${deps.migrationLimit}`,
          );
          if (exhausted) {
            deps.log(`Cannot recreate stream: Migration limit exhausted request_id=${req.requestId}`);
            throw new HttpError(502, `stream from worker ${workerId} broke (${end.cause}) and the migration limit (${deps.migrationLimit}) is reached`);
          }
          migrations++;
          exclude.add(workerId);
          if (placement.phase !== 'decode') phase = 'entry';
        }
      }
    }
  } catch (err) {
    complete(false);
    throw err;
  }
}

const NEVER = new AbortController().signal;

/**
 * The signal one worker attempt stops on. A prefill that must complete ignores the client;
 * the decode attempt after it starts even though the client is gone, and its Kill follows
 * the request on the same connection.
 */
function attemptSignal(deps: GenerationDeps, placement: Placement, signal: AbortSignal): AbortSignal {
  if (deps.prefillCancel !== 'completes') return signal;
  if (placement.phase === 'prefill') return NEVER;
  if (placement.phase === 'decode' && signal.aborted) {
    const kill = new AbortController();
    // After streamFromWorker has published the request: one NATS connection delivers the Kill after it.
    setImmediate(() => kill.abort());
    return kill.signal;
  }
  return signal;
}

function workerRequest(req: GenerationRequest, generated: readonly number[], placement: Placement): GenerateRequest {
  return {
    requestId: req.requestId,
    model: req.model,
    promptTokens: req.promptTokens,
    generatedTokens: [...generated],
    maxTokens: req.maxTokens,
    seed: req.seed,
    ...(req.temperature === undefined ? {} : { temperature: req.temperature }),
    ...(req.ignoreEos === undefined ? {} : { ignoreEos: req.ignoreEos }),
    ...(req.forceError === undefined ? {} : { forceError: req.forceError }),
    ...(placement.phase === 'prefill' ? { prefillOnly: true } : {}),
    ...(placement.phase === 'decode' ? { prefilled: true } : {}),
  };
}

/** Chunks are positioned by `index`; a chunk a previous worker already delivered is dropped. */
function appendTokens(
  deps: GenerationDeps,
  requestId: string,
  generated: number[],
  chunk: Extract<GenerateChunk, { type: 'tokens' }>,
  workerId: string,
  observer: GenerationObserver,
): void {
  if (chunk.index + chunk.tokenIds.length <= generated.length) return;
  if (chunk.index !== generated.length) {
    deps.log(`WARN request_id=${requestId} worker_id=${workerId} sent tokens at index ${chunk.index}, expected ${generated.length}`);
  }
  generated.push(...chunk.tokenIds.slice(Math.max(0, generated.length - chunk.index)));
  observer.tokens({ text: chunk.text, tokenIds: chunk.tokenIds, workerId });
}

function waitForWorker(deps: GenerationDeps, req: PlacementRequest, isNew: boolean, signal: AbortSignal): Promise<Placement> {
  if (signal.aborted) return Promise.reject(new CancelledError(req.queued.requestId));
  const placed = isNew ? deps.dispatcher.admit(req) : deps.dispatcher.place(req);
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      if (deps.dispatcher.withdraw(req.queued.requestId)) {
        deps.log(`request cancelled while queued request_id=${req.queued.requestId}`);
        reject(new CancelledError(req.queued.requestId));
      }
    };
    signal.addEventListener('abort', onAbort, { once: true });
    placed.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
