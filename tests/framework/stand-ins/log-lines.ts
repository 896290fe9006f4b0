// The reference stack logs each request event once in its own words; a stand-in prints the
// impersonated engine's corpus line(s) for that event instead, with the live request id.

import type { EngineContract } from '../../../contracts/loader.ts';

export interface Translation {
  /** A reference-stack line; group 1, when present, is the request id. */
  reference: RegExp;
  /** The contract's log keys printed for it, in order; empty drops the line. */
  lines: readonly string[];
}

/** Rewrites reference lines into corpus lines; lines of no listed event pass unchanged. */
export function translator(contract: EngineContract, table: readonly Translation[]): (line: string) => string[] {
  for (const t of table) {
    for (const key of t.lines) {
      if (!contract.logs[key]) throw new Error(`stand-in for ${contract.file}: logs.${key} is missing`);
    }
  }
  return (line) => {
    for (const t of table) {
      const m = t.reference.exec(line);
      if (!m) continue;
      return t.lines.map((key) => {
        const entry = contract.logs[key]!;
        return entry.requestId === undefined || m[1] === undefined ? entry.line : entry.line.replaceAll(entry.requestId, m[1]);
      });
    }
    return [line];
  };
}
