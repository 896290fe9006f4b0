import { readFileSync } from 'node:fs';
import { cycles, graphOf, type ImportEdge } from './import-graph.ts';

/** One row of the Layering table in docs/architecture.md. */
export interface LayerRule {
  name: string;
  patterns: string[];
  mayImport: string[];
  /** Whether its files may import the test runner (`@playwright/test`). */
  playwright: boolean;
  /** Line of the row, so a problem can point at the rule it breaks. */
  line: number;
}

export interface LayerTable {
  /** Where the table was read from, as problems quote it. */
  source: string;
  rules: LayerRule[];
}

const HEADING = '## Layering';
const HEADER = ['layer', 'files', 'may import', '`@playwright/test`'];

const cells = (row: string): string[] =>
  row
    .trim()
    .replace(/^\||\|$/g, '')
    .split('|')
    .map((c) => c.trim());

const list = (cell: string): string[] => (cell === '—' ? [] : cell.split(',').map((item) => item.trim().replace(/^`|`$/g, '')));

/** Parses the table under `## Layering`; a malformed row is an error naming `source:line` and the field. */
export function parseLayerTable(markdown: string, source: string): LayerTable {
  const lines = markdown.split('\n');
  const heading = lines.indexOf(HEADING);
  if (heading === -1) throw new Error(`${source}: no "${HEADING}" section`);
  const start = lines.findIndex((l, i) => i > heading && l.startsWith('|'));
  if (start === -1) throw new Error(`${source}:${heading + 1}: "${HEADING}" has no table`);
  const header = cells(lines[start]!);
  if (header.join('|') !== HEADER.join('|')) {
    throw new Error(`${source}:${start + 1}: the Layering table's columns must be | ${HEADER.join(' | ')} |, got | ${header.join(' | ')} |`);
  }
  const rules: LayerRule[] = [];
  for (let i = start + 2; i < lines.length && lines[i]!.startsWith('|'); i++) {
    const [name, files, mayImport, playwright, ...rest] = cells(lines[i]!);
    const where = `${source}:${i + 1}`;
    if (!name || !files || mayImport === undefined || rest.length > 0) throw new Error(`${where}: a row needs exactly 4 cells`);
    if (playwright !== 'yes' && playwright !== 'no') throw new Error(`${where}: column \`@playwright/test\` must be yes or no, got "${playwright}"`);
    rules.push({ name, patterns: list(files), mayImport: list(mayImport), playwright: playwright === 'yes', line: i + 1 });
  }
  const names = new Set(rules.map((r) => r.name));
  for (const rule of rules) {
    for (const target of rule.mayImport) {
      if (!names.has(target)) throw new Error(`${source}:${rule.line}: layer ${rule.name} may import "${target}", which is not a layer of the table`);
    }
  }
  return { source, rules };
}

export function readLayerTable(path: string, source: string): LayerTable {
  return parseLayerTable(readFileSync(path, 'utf8'), source);
}

/** `**` spans folders, `*` stays within one; nothing else is special. */
export function globToRegExp(pattern: string): RegExp {
  const body = pattern
    .split(/(\*\*|\*)/)
    .map((part) => (part === '**' ? '.*' : part === '*' ? '[^/]*' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`);
}

export function layerOf(file: string, table: LayerTable): LayerRule | undefined {
  return table.rules.find((rule) => rule.patterns.some((p) => globToRegExp(p).test(file)));
}

/** What standalone code may take from `@playwright/test`: the browser API, not the runner (`test`, `expect`). */
const BROWSER_API = new Set(['chromium', 'firefox', 'webkit', 'devices', 'selectors', 'request']);

/** The runner itself: a subpath other than the reporter types, or bindings beyond the browser API. */
function usesTestRunner(edge: ImportEdge): boolean {
  if (edge.to === '@playwright/test') return edge.names === undefined || edge.names.some((n) => !BROWSER_API.has(n));
  return /^@?playwright(\/test)?(\/|$)/.test(edge.to) && edge.to !== '@playwright/test/reporter';
}

/**
 * Everything that breaks the table, one line each, naming `file:line` and the rule:
 * loops in the table itself, files no row claims, forbidden edges, test-runner imports
 * where the code runs outside the runner, loops between layers, and file import cycles.
 */
export function layeringProblems(table: LayerTable, files: readonly string[], edges: readonly ImportEdge[]): string[] {
  const problems: string[] = [];
  const byName = new Map(table.rules.map((r) => [r.name, r]));
  for (const loop of cycles(graphOf(table.rules.flatMap((r) => r.mayImport.map((m): [string, string] => [r.name, m]))))) {
    problems.push(`${table.source}: the "may import" column has a loop between layers ${loop.join(', ')}`);
  }

  const layers = new Map<string, LayerRule>();
  for (const file of files) {
    const rule = layerOf(file, table);
    if (rule) layers.set(file, rule);
    else problems.push(`${file}: matches no row of the Layering table (${table.source}); add its folder to a row`);
  }
  const ruleOf = (file: string): LayerRule | undefined => layers.get(file) ?? layerOf(file, table);

  const layerEdges: [string, string][] = [];
  for (const edge of edges) {
    const from = ruleOf(edge.from);
    if (!from) continue;
    const where = `${edge.from}:${edge.line}`;
    const rule = `${table.source}:${from.line}`;
    if (edge.external) {
      if (!from.playwright && usesTestRunner(edge)) {
        const what = edge.names === undefined ? edge.to : `${edge.names.join(', ')} from ${edge.to}`;
        problems.push(`${where}: imports ${what}, but layer ${from.name} runs outside the test runner (${rule})`);
      }
      continue;
    }
    const to = ruleOf(edge.to);
    if (!to) {
      problems.push(`${where}: imports ${edge.to}, which matches no row of the Layering table (${table.source})`);
      continue;
    }
    if (to === from) continue;
    layerEdges.push([from.name, to.name]);
    if (!from.mayImport.includes(to.name)) {
      const allowed = from.mayImport.length > 0 ? from.mayImport.join(', ') : 'nothing';
      problems.push(`${where}: imports ${edge.to}: layer ${from.name} may not import layer ${to.name} (${from.name} may import: ${allowed}; ${rule})`);
    }
  }
  for (const loop of cycles(graphOf(layerEdges))) {
    problems.push(`layer loop: ${loop.join(', ')} import each other (${loop.map((n) => `${table.source}:${byName.get(n)!.line}`).join(', ')})`);
  }

  const local = edges.filter((e) => !e.external);
  for (const loop of cycles(graphOf(local.map((e): [string, string] => [e.from, e.to])))) {
    const members = new Set(loop);
    const inside = local.filter((e) => members.has(e.from) && members.has(e.to) && e.from !== e.to);
    problems.push(`import cycle between ${loop.length} files (type-only imports count): ${inside.map((e) => `${e.from}:${e.line} → ${e.to}`).join('; ')}`);
  }
  return problems;
}
