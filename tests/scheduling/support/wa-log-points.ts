// The [WA-ROUTING] log points of each request, read from the frontend log since a mark,
// in the order they were logged.

import type { LogCursor } from 'servewright';

const WA_LINE = /\[WA-ROUTING\] ([A-Za-z -]+?) request_id=(\S+)/;

/** Every log point of a request's life, in order; context extraction only when it sent a valid header. */
export const LIFECYCLE = [
  'Workload active incremented',
  'Request admitted to flow control',
  'Priority score computed',
  'Request dispatched',
  'Request completed',
  'Workload active decremented',
] as const;

export function waEventsByRequest(log: LogCursor, mark: number): Map<string, string[]> {
  const events = new Map<string, string[]>();
  for (const m of log.matchesSince(mark, WA_LINE)) {
    const [, event, requestId] = m;
    const list = events.get(requestId!) ?? [];
    list.push(event!);
    events.set(requestId!, list);
  }
  return events;
}

/** Lines of one event for one request, e.g. its "Priority score computed" line. */
export function waLines(log: LogCursor, mark: number, event: string, requestId: string): string[] {
  const re = new RegExp(`\\[WA-ROUTING\\] ${event} request_id=${requestId}( .*)?$`);
  return log.matchesSince(mark, re).map((m) => m[0]);
}
