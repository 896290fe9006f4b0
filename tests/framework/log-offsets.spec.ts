import { appendFileSync, writeFileSync } from 'node:fs';
import { test, expect, LogCursor, lastRequestIdSince, loggedSince, requestIdsSince } from 'servewright';

const NEW = /New Request ID: (\S+)/;
const ABORTED = /Aborted Request ID: (\S+)/;

// Two cancellation scenarios against the same worker log: the first one's abort line must
// not satisfy the second, whose request was never aborted.
test('log marks keep an earlier scenario from satisfying a later one', { tag: ['@e2e', '@framework'] }, async ({}, testInfo) => {
  const path = testInfo.outputPath('worker.log');
  writeFileSync(path, '');
  const log = new LogCursor(path);

  const first = log.mark();
  appendFileSync(path, '[w] New Request ID: req-1\n[w] Aborted Request ID: req-1\n');
  expect(await lastRequestIdSince(log, first, NEW)).toBe('req-1');
  expect(loggedSince(log, first, ABORTED, 'req-1')).toBe(true);

  const second = log.mark();
  appendFileSync(path, '[w] New Request ID: req-2\n[w] New Request ID: req-3\n[w] Aborted Request ID: re');
  const id = await lastRequestIdSince(log, second, NEW);
  expect(id).toBe('req-3');
  // From offset 0 an abort line is present: exactly the false positive the mark prevents.
  expect(requestIdsSince(log, 0, ABORTED)).toEqual(['req-1']);
  expect(requestIdsSince(log, second, ABORTED)).toEqual([]);
  // A partial line is held back until its newline arrives, so "re" never matches as an id.
  expect(loggedSince(log, second, ABORTED, id)).toBe(false);
  appendFileSync(path, 'q-3\n');
  expect(loggedSince(log, second, ABORTED, id)).toBe(true);
});
