// The frontend batches its NATS publishes per event-loop turn (the hot-path latency fix of
// issue 3) and its log lines per FLUSH_AFTER_MS (issue 19: at 1k req/s a turn holds one
// request, so per-turn batching still cost a pipe write per request): nothing may be lost
// or reordered by that.

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import type { PublishOptions } from 'nats';
import { TurnPublisher } from '../../stack/frontend/generation/turn-publisher.ts';
import { FLUSH_AFTER_MS, log } from '../../stack/frontend/log.ts';

const tags = { tag: ['@e2e', '@reference-stack'] };
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test.describe('per-turn batching in the frontend', () => {
  test('publishes of one turn reach NATS together at its end, in order, and a refused one is reported', tags, async () => {
    const sent: { subject: string; data: string; reply?: string }[] = [];
    const nc = {
      publish(subject: string, data?: Uint8Array, options?: PublishOptions): void {
        if (subject === 'closed') throw new Error('CONNECTION_CLOSED');
        sent.push({ subject, data: new TextDecoder().decode(data), ...(options?.reply ? { reply: options.reply } : {}) });
      },
    };
    const publisher = new TurnPublisher(nc);
    const errors: string[] = [];
    const onError = (err: Error): void => void errors.push(err.message);
    publisher.publish('a', new TextEncoder().encode('1'), { reply: 'r1' }, onError);
    publisher.publish('closed', new TextEncoder().encode('2'), undefined, onError);
    publisher.publish('b', new TextEncoder().encode('3'), undefined, onError);
    expect(sent).toEqual([]);
    await nextTurn();
    expect(sent).toEqual([
      { subject: 'a', data: '1', reply: 'r1' },
      { subject: 'b', data: '3' },
    ]);
    expect(errors).toEqual(['CONNECTION_CLOSED']);

    publisher.publish('c', new TextEncoder().encode('4'), undefined, onError);
    publisher.flush();
    expect(sent.map((s) => s.subject)).toEqual(['a', 'b', 'c']);
  });

  test('log lines keep their order with raw output and are all written when the process exits mid-turn', tags, () => {
    const logModule = fileURLToPath(new URL('../../stack/frontend/log.ts', import.meta.url));
    const script = [
      `import { log, writeOut } from ${JSON.stringify(logModule)};`,
      `log('first'); writeOut('raw line\\n'); log('last before exit');`,
      `process.exit(3);`,
    ].join('\n');
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
    expect(child.status, child.stderr).toBe(3);
    const lines = child.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT\S+Z frontend: first$/);
    expect(lines[1]).toBe('raw line');
    expect(lines[2]).toMatch(/ frontend: last before exit$/);
  });

  test('log lines of several turns within FLUSH_AFTER_MS reach stdout in one write', tags, async () => {
    const writes: string[] = [];
    const write = process.stdout.write;
    process.stdout.write = ((chunk: string) => writes.push(chunk) > 0) as typeof process.stdout.write;
    try {
      log('turn one');
      await nextTurn();
      log('turn two');
      await nextTurn();
      log('turn three');
      expect(writes).toEqual([]);
      await new Promise((resolve) => setTimeout(resolve, FLUSH_AFTER_MS * 3));
    } finally {
      process.stdout.write = write;
    }
    expect(writes).toHaveLength(1);
    expect(writes[0]!.split('\n').map((l) => l.replace(/^\S+ /, ''))).toEqual(['frontend: turn one', 'frontend: turn two', 'frontend: turn three', '']);
  });
});
