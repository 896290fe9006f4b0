// requestContext: program/thread identity and workload context from a request, with the
// default workload for missing or malformed context and one log line per distinct problem.

import { expect, test } from '@playwright/test';
import { requestContext } from '../../stack/frontend/scheduler/request-context.ts';

const tags = { tag: ['@e2e', '@scheduling'] };

function collect() {
  const lines: string[] = [];
  return { lines, log: (line: string) => void lines.push(line) };
}

test.describe('requestContext', () => {
  test('a valid X-Workload-Context is used and logged with the request id', tags, () => {
    const { lines, log } = collect();
    const ctx = requestContext({ 'x-workload-context': '{"workload_id":"fraud","criticality":5}' }, {}, log, 'req-1');
    expect(ctx).toEqual({ workload: { workloadId: 'fraud', criticality: 5 } });
    expect(lines).toEqual(['[WA-ROUTING] Workload context extracted request_id=req-1 workload_id=fraud criticality=5']);
  });

  test('no header means the default workload, silently', tags, () => {
    const { lines, log } = collect();
    expect(requestContext({}, {}, log, 'req-1')).toEqual({ workload: { workloadId: 'default', criticality: 3 } });
    expect(lines).toEqual([]);
  });

  test('malformed context falls back to the default workload, logged once per reason', tags, () => {
    const { lines, log } = collect();
    const bad = ['not json', '{"workload_id":"x","criticality":9}', '{"workload_id":"x","criticality":2.5}', '{"criticality":2}'];
    for (const [i, header] of [...bad, ...bad].entries()) {
      const ctx = requestContext({ 'x-workload-context': header }, {}, log, `req-${i}`);
      expect(ctx.workload).toEqual({ workloadId: 'default', criticality: 3 });
    }
    expect(lines).toHaveLength(bad.length);
    expect(lines[0]).toMatch(/^\[WA-ROUTING\] Malformed X-Workload-Context header, using default workload request_id=req-0 reason="invalid JSON/);
    expect(lines[1]).toContain('reason="criticality: Too big: expected number to be <=5"');
    expect(lines[2]).toContain('reason="criticality: Invalid input: expected int, received number"');
    expect(lines[3]).toContain('reason="workload_id: Invalid input: expected string, received undefined"');
  });

  test('each frontend (log sink) remembers reported reasons on its own', tags, () => {
    const a = collect();
    const b = collect();
    requestContext({ 'x-workload-context': '[' }, {}, a.log, 'r');
    requestContext({ 'x-workload-context': '[' }, {}, b.log, 'r');
    expect([a.lines.length, b.lines.length]).toEqual([1, 1]);
  });

  test('program, thread and parent threads come from headers', tags, () => {
    const headers = { 'x-program-id': 'agent-7', 'x-thread-id': 'agg', 'x-parent-thread-ids': 'r1, r2,,r3' };
    expect(requestContext(headers, {}, () => {}, 'r')).toEqual({
      programId: 'agent-7',
      threadId: 'agg',
      parentThreadIds: ['r1', 'r2', 'r3'],
      workload: { workloadId: 'default', criticality: 3 },
    });
  });

  test('or from nvext in the body; headers win over the body', tags, () => {
    const body = { nvext: { program_id: 'body-prog', thread_id: 't1', parent_thread_ids: ['plan'] } };
    expect(requestContext({}, body, () => {}, 'r')).toMatchObject({ programId: 'body-prog', threadId: 't1', parentThreadIds: ['plan'] });
    expect(requestContext({ 'x-program-id': 'hdr-prog' }, body, () => {}, 'r')).toMatchObject({ programId: 'hdr-prog', threadId: 't1' });
  });

  test('malformed nvext program fields are ignored with one log line', tags, () => {
    const { lines, log } = collect();
    for (const id of ['a', 'b']) {
      expect(requestContext({}, { nvext: { program_id: 42 } }, log, id)).toEqual({ workload: { workloadId: 'default', criticality: 3 } });
    }
    expect(lines).toEqual(['[SCHEDULER] Ignoring malformed nvext program fields request_id=a reason="program_id: Invalid input: expected string, received number"']);
  });
});
