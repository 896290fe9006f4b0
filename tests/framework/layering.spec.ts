// The Layering table of docs/architecture.md, enforced on every import of the checkout,
// in the spirit of Playwright's DEPS.list: a forbidden edge or a loop fails here, named.

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expect, test } from 'servewright';
import { REPO_ROOT } from '../../fixtures/state-dir.ts';
import { importEdges, pathAliases, sourceFiles } from './helpers/import-graph.ts';
import { layeringProblems, parseLayerTable, readLayerTable } from './helpers/layering.ts';

const tag = ['@e2e', '@framework'];
const DOC = 'docs/architecture.md';

const TABLE = `## Layering

| layer | files | may import | \`@playwright/test\` |
|---|---|---|---|
| protocol | \`protocol/**\` | — | no |
| stack | \`stack/**\` | protocol | no |
| fixtures-test | \`fixtures/*/fixture.ts\` | protocol, fixtures-launch | yes |
| fixtures-launch | \`fixtures/**\` | protocol | no |
| scripts | \`scripts/**\` | fixtures-launch | yes |
`;

/** A throwaway tree: each file's imports checked against TABLE, as the real check does. */
function check(files: Record<string, string>, table = TABLE): string[] {
  const root = test.info().outputPath('tree');
  for (const [name, body] of Object.entries(files)) {
    mkdirSync(dirname(join(root, name)), { recursive: true });
    writeFileSync(join(root, name), body);
  }
  const names = Object.keys(files).filter((name) => name !== 'tsconfig.json');
  return layeringProblems(parseLayerTable(table, 'layers.md'), names, importEdges(root, names));
}

test.describe('layering', { tag }, () => {
  test('every import of this checkout keeps to the Layering table, with no import cycle', () => {
    const table = readLayerTable(join(REPO_ROOT, DOC), DOC);
    const files = sourceFiles(REPO_ROOT);
    expect(files.length).toBeGreaterThan(100);
    expect(layeringProblems(table, files, importEdges(REPO_ROOT, files))).toEqual([]);
  });

  test('a forbidden edge is named with file:line, the layers and the row it breaks', () => {
    const problems = check({
      'protocol/wire.ts': 'export const A = 1;\n',
      'fixtures/launch.ts': `import { A } from '../protocol/wire.ts';\n\nimport { B } from '../scripts/tool.ts';\nexport const C = A + B;\n`,
      'scripts/tool.ts': 'export const B = 2;\n',
    });
    expect(problems).toEqual([
      'fixtures/launch.ts:3: imports scripts/tool.ts: layer fixtures-launch may not import layer scripts (fixtures-launch may import: protocol; layers.md:8)',
    ]);
  });

  test('an import through a tsconfig paths alias is an edge to its file, checked like a relative one', () => {
    const files = {
      'tsconfig.json': JSON.stringify({ compilerOptions: { paths: { servewright: ['./fixtures/stack/fixture.ts'] } } }),
      'fixtures/stack/fixture.ts': 'export const F = 1;\n',
      'fixtures/launch.ts': `import { F } from 'servewright';\nexport const L = F;\n`,
      'scripts/tool.ts': `import { F } from 'servewright';\nexport const T = F;\n`,
    };
    expect(check(files)).toEqual([
      'fixtures/launch.ts:1: imports fixtures/stack/fixture.ts: layer fixtures-launch may not import layer fixtures-test (fixtures-launch may import: protocol; layers.md:8)',
      'scripts/tool.ts:1: imports fixtures/stack/fixture.ts: layer scripts may not import layer fixtures-test (scripts may import: fixtures-launch; layers.md:9)',
    ]);
    expect(pathAliases(test.info().outputPath('tree'))).toEqual(new Map([['servewright', 'fixtures/stack/fixture.ts']]));
  });

  test('a folder loop is named even when each edge looks local, and type-only imports count', () => {
    const problems = check({
      'fixtures/stack/fixture.ts': `import type { Launch } from '../launch/launch.ts';\nexport type Fixture = Launch;\n`,
      'fixtures/launch/launch.ts': `import type { Fixture } from '../stack/fixture.ts';\nexport type Launch = { f?: Fixture };\n`,
    });
    expect(problems).toContain(
      'fixtures/launch/launch.ts:1: imports fixtures/stack/fixture.ts: layer fixtures-launch may not import layer fixtures-test (fixtures-launch may import: protocol; layers.md:8)',
    );
    expect(problems).toContain('layer loop: fixtures-launch, fixtures-test import each other (layers.md:8, layers.md:7)');
    expect(problems).toContainEqual(expect.stringMatching(/^import cycle between 2 files \(type-only imports count\): .*fixtures\/launch\/launch\.ts:1 → fixtures\/stack\/fixture\.ts/));
  });

  test('a cycle inside one folder is named, re-exports and dynamic imports included', () => {
    const problems = check({
      'stack/a.ts': `export * from './b.ts';\n`,
      'stack/b.ts': `export const load = () => import('./c.ts');\n`,
      'stack/c.ts': `export { load } from './b.ts';\nexport * from './a.ts';\n`,
    });
    expect(problems).toEqual([
      'import cycle between 3 files (type-only imports count): stack/a.ts:1 → stack/b.ts; stack/b.ts:1 → stack/c.ts; stack/c.ts:1 → stack/b.ts; stack/c.ts:2 → stack/a.ts',
    ]);
  });

  test('standalone layers may not import the test runner, only its types and browser API; a file in no row is named', () => {
    const problems = check({
      'fixtures/proc.ts': `import { test, chromium } from '@playwright/test';\nexport const t = [test, chromium];\n`,
      'fixtures/all.ts': `import * as pw from '@playwright/test';\nexport const t = pw;\n`,
      'fixtures/types.ts': `import type { TestInfo } from '@playwright/test';\nimport { type Page } from '@playwright/test';\nexport type T = [TestInfo, Page];\n`,
      'fixtures/png.ts': `export async function shot() {\n  const { chromium } = await import('@playwright/test');\n  return chromium;\n}\n`,
      'fixtures/stack/fixture.ts': `import { test } from '@playwright/test';\nexport const t = test;\n`,
      'elsewhere/x.ts': 'export {};\n',
    });
    expect(problems).toEqual([
      'elsewhere/x.ts: matches no row of the Layering table (layers.md); add its folder to a row',
      'fixtures/proc.ts:1: imports test, chromium from @playwright/test, but layer fixtures-launch runs outside the test runner (layers.md:8)',
      'fixtures/all.ts:1: imports @playwright/test, but layer fixtures-launch runs outside the test runner (layers.md:8)',
    ]);
  });

  test('the table itself may not loop, nor name a layer it does not define', () => {
    expect(check({}, TABLE.replace('| protocol | `protocol/**` | — |', '| protocol | `protocol/**` | stack |'))).toEqual([
      'layers.md: the "may import" column has a loop between layers protocol, stack',
    ]);
    expect(() => parseLayerTable(TABLE.replace('protocol, fixtures-launch', 'protocl'), 'layers.md')).toThrow(
      'layers.md:7: layer fixtures-test may import "protocl", which is not a layer of the table',
    );
    expect(() => parseLayerTable(TABLE.replace('| yes |\n| fixtures-launch', '| maybe |\n| fixtures-launch'), 'layers.md')).toThrow(
      'layers.md:7: column `@playwright/test` must be yes or no, got "maybe"',
    );
  });
});
