// One formatter for every workload-aware routing log line, so specs and operators can grep
// `[WA-ROUTING] <event> key=value ...` the same way for every event (the seed's format).

export const WA_MARKER = '[WA-ROUTING]';

export type LogValue = string | number | boolean | undefined;

function formatValue(value: string | number | boolean): string {
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toFixed(4);
  if (typeof value === 'boolean') return String(value);
  return /^[\w.:/@-]+$/.test(value) ? value : JSON.stringify(value);
}

// Plain concatenation over for-in: the workload-aware policy logs six lines per request,
// and the arrays of Object.entries and join cost more than the rest of its bookkeeping.
export function markedLine(marker: string, event: string, fields: Record<string, LogValue>): string {
  let line = `${marker} ${event}`;
  for (const key in fields) {
    const value = fields[key];
    if (value !== undefined) line += ` ${key}=${formatValue(value)}`;
  }
  return line;
}

export function waLog(event: string, fields: Record<string, LogValue>): string {
  return markedLine(WA_MARKER, event, fields);
}
