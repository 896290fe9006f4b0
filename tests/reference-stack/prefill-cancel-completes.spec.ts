// --prefill-cancel completes: the reference frontend's emulation of newer Dynamo, where a
// client that leaves during prefill lets the prefill run to its end and the request is
// Killed on its decode worker (what the newest-Dynamo stand-in runs on). The default
// (aborts) is covered by the disaggregated cancellation scenario.

import { test, expect, lastRequestIdSince, loggedSince, ClientAbortError } from 'servewright';
import { LONG_PROMPT, requestBody, send } from 'servewright/scenarios';

const FINISHED_PREFILL = /Finished Prefill Request ID: (\S+)/;

test.use({ stackProfile: 'reference' });

test('a client gone during prefill: the prefill runs to its end and the decode worker gets the Kill', { tag: ['@e2e', '@reference-stack'] }, async ({ launchStack }) => {
  const stack = await launchStack({
    frontend: { args: ['--prefill-cancel', 'completes'] },
    workers: [{ id: 'prefill-0', role: 'prefill', slowPrefill: true }, { id: 'decode-0', role: 'decode' }],
  });
  const [prefill, decode] = [stack.worker('prefill-0'), stack.worker('decode-0')];
  const { newPrefillRequest, abortedPrefillRequest, newRequest, abortedRequest, killIssued } = stack.profile.patterns;
  const marks = stack.markLogs();
  const controller = new AbortController();
  const pending = send(stack.client(), 'completion', requestBody('completion', LONG_PROMPT, 64), { signal: controller.signal });
  pending.catch(() => undefined);
  const id = await lastRequestIdSince(prefill.proc.log, marks.workers['prefill-0']!, newPrefillRequest!, 10_000);
  controller.abort();
  await expect(pending).rejects.toBeInstanceOf(ClientAbortError);

  // The slow prefill was not stopped: it finished, and only then did the decode worker see the request.
  await expect.poll(() => loggedSince(prefill.proc.log, marks.workers['prefill-0']!, FINISHED_PREFILL, id), { timeout: 20_000 }).toBe(true);
  expect(loggedSince(prefill.proc.log, marks.workers['prefill-0']!, abortedPrefillRequest!, id)).toBe(false);
  await expect.poll(() => loggedSince(decode.proc.log, marks.workers['decode-0']!, abortedRequest, id), { timeout: 10_000 }).toBe(true);
  expect(loggedSince(decode.proc.log, marks.workers['decode-0']!, newRequest, id)).toBe(true);
  const kills = stack.frontend.proc.log.matchesSince(marks.frontend, new RegExp(`${killIssued!.source} request_id=${id} worker_id=(\\S+)`));
  expect(kills.map((m) => m[1])).toEqual(['decode-0']);
});
