import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import ts from 'typescript';

/** One `import`/`export … from`/`import()` of a file, type-only ones included. */
export interface ImportEdge {
  from: string;
  /** The imported file relative to the root, or the package specifier as written. */
  to: string;
  line: number;
  /** A package (`@playwright/test`, `node:fs`), not a file of ours. */
  external: boolean;
}

const SOURCE = /\.(ts|mts|mjs)$/;

/** Source files of the checkout (tracked and new, never git-ignored), relative to `root`, `/`-separated. */
export function sourceFiles(root: string): string[] {
  const out = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' });
  return out.split('\n').filter((f) => SOURCE.test(f) && !f.includes('node_modules/'));
}

function lineAt(text: string, pos: number): number {
  let line = 1;
  for (let i = 0; i < pos; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * Every relative import of every file, read with the TypeScript compiler's own scanner
 * (`ts.preProcessFile`), so `import type`, re-exports and dynamic imports all count:
 * a type-only cycle is still a cycle for whoever has to move one of its files.
 */
export function importEdges(root: string, files: readonly string[] = sourceFiles(root)): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const from of files) {
    const text = readFileSync(join(root, from), 'utf8');
    for (const ref of ts.preProcessFile(text, true, true).importedFiles) {
      const line = lineAt(text, ref.pos);
      const relative = ref.fileName.startsWith('./') || ref.fileName.startsWith('../');
      const to = relative ? posix.normalize(posix.join(posix.dirname(from), ref.fileName)) : ref.fileName;
      edges.push({ from, to, line, external: !relative });
    }
  }
  return edges;
}

/** The strongly connected components with more than one node (Tarjan), each in a stable order. */
export function cycles(edges: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const found: string[][] = [];
  let next = 0;
  const visit = (node: string): void => {
    index.set(node, next);
    low.set(node, next);
    next++;
    stack.push(node);
    onStack.add(node);
    for (const to of edges.get(node) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node)!, low.get(to)!));
      } else if (onStack.has(to)) {
        low.set(node, Math.min(low.get(node)!, index.get(to)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const node of [...edges.keys()].sort()) if (!index.has(node)) visit(node);
  return found;
}

export function graphOf(pairs: Iterable<[string, string]>): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const [from, to] of pairs) {
    if (from === to) continue;
    if (!graph.has(from)) graph.set(from, new Set());
    graph.get(from)!.add(to);
  }
  return graph;
}
