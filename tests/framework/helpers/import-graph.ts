import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import ts from 'typescript';

/** One `import`/`export … from`/`import()` of a file, type-only ones included. */
export interface ImportEdge {
  from: string;
  /** The imported file relative to the root (a `paths` alias of tsconfig.json resolved), or the package specifier as written. */
  to: string;
  line: number;
  /** A package (`@playwright/test`, `node:fs`), not a file of ours. */
  external: boolean;
  /**
   * For `@playwright/test`: the value bindings taken from it (`[]` for a type-only import),
   * undefined when that cannot be told (a namespace, default or bare import).
   */
  names?: string[];
}

const PLAYWRIGHT = '@playwright/test';

/** Value bindings of each `@playwright/test` import, by line: static, re-exported or `const { x } = await import(...)`. */
function playwrightBindings(text: string): Map<number, string[] | undefined> {
  const byLine = new Map<number, string[] | undefined>();
  if (!text.includes(PLAYWRIGHT)) return byLine;
  const file = ts.createSourceFile('x.ts', text, ts.ScriptTarget.Latest, true);
  const record = (literal: ts.Node, names: string[] | undefined): void => {
    byLine.set(file.getLineAndCharacterOfPosition(literal.getStart()).line + 1, names);
  };
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier) && node.moduleSpecifier.text === PLAYWRIGHT) {
      if (ts.isImportDeclaration(node)) {
        const clause = node.importClause;
        const named = clause?.namedBindings;
        if (clause?.isTypeOnly) record(node.moduleSpecifier, []);
        else if (clause && !clause.name && named && ts.isNamedImports(named)) record(node.moduleSpecifier, named.elements.filter((e) => !e.isTypeOnly).map((e) => (e.propertyName ?? e.name).text));
        else record(node.moduleSpecifier, undefined);
      } else {
        const named = node.exportClause;
        if (node.isTypeOnly) record(node.moduleSpecifier, []);
        else if (named && ts.isNamedExports(named)) record(node.moduleSpecifier, named.elements.filter((e) => !e.isTypeOnly).map((e) => (e.propertyName ?? e.name).text));
        else record(node.moduleSpecifier, undefined);
      }
    }
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0]) && node.arguments[0].text === PLAYWRIGHT) {
      let holder: ts.Node = node.parent;
      while (ts.isAwaitExpression(holder) || ts.isParenthesizedExpression(holder)) holder = holder.parent;
      const pattern = ts.isVariableDeclaration(holder) && ts.isObjectBindingPattern(holder.name) ? holder.name : undefined;
      record(node.arguments[0], pattern?.elements.map((e) => ((e.propertyName ?? e.name) as ts.Identifier).text));
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return byLine;
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
 * The root tsconfig.json's exact `paths` aliases (`servewright/stack` → `fixtures/stack/index.ts`),
 * which the compiler, Playwright's loader and tsx all resolve: an import through one is an
 * edge to that file, checked like a relative import.
 */
export function pathAliases(root: string): Map<string, string> {
  const file = join(root, 'tsconfig.json');
  if (!existsSync(file)) return new Map();
  const { config, error } = ts.readConfigFile(file, (p) => ts.sys.readFile(p));
  if (error) throw new Error(`${file}: ${ts.flattenDiagnosticMessageText(error.messageText, '\n')}`);
  const paths = (config as { compilerOptions?: { paths?: Record<string, string[]> } }).compilerOptions?.paths ?? {};
  return new Map(
    Object.entries(paths).map(([alias, targets]) => {
      if (alias.includes('*') || targets.length !== 1) throw new Error(`${file}: paths alias "${alias}" must map to exactly one file, without wildcards`);
      return [alias, posix.normalize(targets[0]!)];
    }),
  );
}

/**
 * Every import of every file, read with the TypeScript compiler's own scanner
 * (`ts.preProcessFile`), so `import type`, re-exports and dynamic imports all count:
 * a type-only cycle is still a cycle for whoever has to move one of its files.
 */
export function importEdges(root: string, files: readonly string[] = sourceFiles(root)): ImportEdge[] {
  const aliases = pathAliases(root);
  const edges: ImportEdge[] = [];
  for (const from of files) {
    const text = readFileSync(join(root, from), 'utf8');
    const bindings = playwrightBindings(text);
    for (const ref of ts.preProcessFile(text, true, true).importedFiles) {
      const line = lineAt(text, ref.pos);
      const relative = ref.fileName.startsWith('./') || ref.fileName.startsWith('../');
      const aliased = aliases.get(ref.fileName);
      const to = relative ? posix.normalize(posix.join(posix.dirname(from), ref.fileName)) : (aliased ?? ref.fileName);
      edges.push({ from, to, line, external: !relative && aliased === undefined, ...(to === PLAYWRIGHT ? { names: bindings.get(line) } : {}) });
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
