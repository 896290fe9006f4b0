// `--help` of the stack's command lines: one line per flag with its value, its meaning and
// its default, so nobody has to read the source to run a stack process.

export interface FlagHelp {
  /** `--flag`, or several spellings joined by ", ". */
  flag: string;
  /** Placeholder of the value, e.g. `N`, `URL`, `agg|prefill|decode`. */
  value: string;
  meaning: string;
  /** Shown as `(default: ...)`; omit for flags without one. */
  default?: string | number | boolean;
}

export function renderHelp(usage: string, flags: readonly FlagHelp[], notes: readonly string[] = []): string {
  const left = flags.map((f) => `  ${f.flag} ${f.value}`);
  const width = Math.max(...left.map((l) => l.length)) + 2;
  const lines = flags.map((f, i) => `${left[i]!.padEnd(width)}${f.meaning}${f.default === undefined ? '' : ` (default: ${f.default})`}`);
  return [usage, '', 'flags:', ...lines, ...(notes.length > 0 ? ['', ...notes] : [])].join('\n');
}
