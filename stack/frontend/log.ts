// One line per event on stdout, timestamped; specs grep these lines by exact phrases.
//
// A write to a pipe is a syscall that wakes the reader; at a thousand requests a second
// requests arrive one per event-loop turn, so batching per turn still cost a write (and a
// wake-up of whoever reads the log) per request. Lines are therefore collected for up to
// FLUSH_AFTER_MS and written together (sooner once FLUSH_AT_CHARS are pending), and
// whatever is pending is written before the process exits. A spec waiting for a line sees
// it that much later; a SIGKILL may lose the lines of the last FLUSH_AFTER_MS.

export type Log = (line: string) => void;

/** Long enough to gather ~10 requests' lines at 1k req/s, short next to any spec's wait. */
export const FLUSH_AFTER_MS = 10;
const FLUSH_AT_CHARS = 64 * 1024;

let pending = '';
let timer: NodeJS.Timeout | undefined;

function flush(): void {
  if (timer !== undefined) clearTimeout(timer);
  timer = undefined;
  if (pending === '') return;
  const text = pending;
  pending = '';
  process.stdout.write(text);
}

/** Appends raw text (already newline-terminated) to stdout after every line logged before it. */
export function writeOut(text: string): void {
  pending += text;
  if (pending.length >= FLUSH_AT_CHARS) return flush();
  timer ??= setTimeout(flush, FLUSH_AFTER_MS);
}

export const log: Log = (line) => writeOut(`${new Date().toISOString()} frontend: ${line}\n`);

process.on('exit', flush);
