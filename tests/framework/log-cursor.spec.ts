import { appendFileSync, writeFileSync } from 'node:fs';
import { expect, firstToLog, LogCursor, test } from 'servewright';

const tag = ['@e2e', '@framework'];

function freshLog(name: string): { path: string; write: (s: string | Buffer) => void; cursor: LogCursor } {
  const path = test.info().outputPath(name);
  writeFileSync(path, '');
  return { path, write: (s) => appendFileSync(path, s), cursor: new LogCursor(path) };
}

test.describe('LogCursor', () => {
  test('holds back a partial last line until its newline arrives', { tag }, async () => {
    const { write, cursor } = freshLog('partial.log');
    write('New Request ID: ab');
    expect(cursor.matchesSince(0, /New Request ID: (\w+)$/)).toEqual([]);
    const waiting = cursor.waitFor(/New Request ID: (\w+)$/, { timeoutMs: 20_000 });
    write('c');
    expect(cursor.matchesSince(0, /New Request ID/)).toEqual([]);
    write('123\nnext');
    expect((await waiting)[1]).toBe('abc123');
    expect(cursor.linesSince(0).map((l) => l.text)).toEqual(['New Request ID: abc123']);
  });

  test('a mark excludes earlier lines, so an earlier match is never reported', { tag }, async () => {
    const { write, cursor } = freshLog('marks.log');
    write('request 1 done\n');
    const mark = cursor.mark();
    expect(mark).toBe(Buffer.byteLength('request 1 done\n'));
    const waiting = cursor.waitFor(/request (\d) done/, { since: mark, timeoutMs: 20_000 });
    write('unrelated\n');
    write('request 2 done\n');
    expect((await waiting)[1]).toBe('2');
    expect(cursor.matchesSince(mark, /request \d done/).map((m) => m[0])).toEqual(['request 2 done']);
    expect(cursor.matchesSince(0, /request \d done/)).toHaveLength(2);
    expect(cursor.lastMatchSince(0, /request (\d) done/)?.[1]).toBe('2');
  });

  test('a line that was partial at the mark counts as after it; byte offsets survive multi-byte characters', { tag }, () => {
    const { write, cursor } = freshLog('offsets.log');
    const euro = Buffer.from('€');
    write(Buffer.concat([Buffer.from('price '), euro.subarray(0, 1)]));
    const mark = cursor.mark();
    write(Buffer.concat([euro.subarray(1), Buffer.from('5\n')]));
    const [line] = cursor.linesSince(mark);
    expect(line?.text).toBe('price €5');
    expect(line?.start).toBe(0);
    expect(line?.end).toBe(Buffer.byteLength('price €5\n'));
  });

  test('strips ANSI escapes before matching', { tag }, () => {
    const { write, cursor } = freshLog('ansi.log');
    write('\x1b[32mINFO\x1b[0m worker \x1b[1mready\x1b[0m\r\n');
    expect(cursor.matchesSince(0, /^INFO worker ready$/)).toHaveLength(1);
  });

  test('waitFor times out with the log tail', { tag }, async () => {
    const { write, cursor } = freshLog('timeout.log');
    write('only line\n');
    await expect(cursor.waitFor(/absent/, { timeoutMs: 200 })).rejects.toThrow(/timed out after 200 ms waiting for \/absent\/[\s\S]*only line/);
  });

  test('firstToLog names the process that logged a line first', { tag }, async ({ procs }) => {
    const flag = test.info().outputPath('b-done');
    const a = await procs.start({
      name: 'a',
      command: 'bash',
      args: ['-c', `echo ready; while [ ! -e ${flag} ]; do sleep 0.01; done; echo "served request"`],
      ready: { log: /ready/ },
    });
    const b = await procs.start({
      name: 'b',
      command: 'bash',
      args: ['-c', `echo ready; sleep 0.2; echo "served request"; touch ${flag}; exec sleep 300`],
      ready: { log: /ready/ },
    });
    await a.waitForLog(/served request/);
    const first = await firstToLog([{ name: 'a', log: a.log }, { name: 'b', log: b.log }], /served request/);
    expect(first.name).toBe('b');
  });
});
