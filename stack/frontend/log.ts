// One line per event on stdout, timestamped; specs grep these lines by exact phrases.
//
// A write to a pipe is synchronous and wakes the reader; at a thousand requests a second
// one write per line costs more than the line. So lines logged during one event-loop turn
// go out in a single write when the turn ends (well under a millisecond later, so specs
// waiting for a line see it at once), and whatever is pending is written before the
// process exits. A SIGKILL may lose the lines of the last turn.

export type Log = (line: string) => void;

let pending = '';
let flushQueued = false;

function flush(): void {
  flushQueued = false;
  if (pending === '') return;
  const text = pending;
  pending = '';
  process.stdout.write(text);
}

/** Appends raw text (already newline-terminated) to stdout after every line logged before it. */
export function writeOut(text: string): void {
  pending += text;
  if (flushQueued) return;
  flushQueued = true;
  setImmediate(flush);
}

export const log: Log = (line) => writeOut(`${new Date().toISOString()} frontend: ${line}\n`);

process.on('exit', flush);
