// `servewright init` in a throwaway project, run as a user runs it: through the command
// line, from the project's directory. The projects live in the test's output folder, inside
// this checkout, so the generated files resolve @playwright/test and, through the
// repository's tsconfig paths, servewright's public entry points.

import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect } from 'servewright';
import { REPO_ROOT } from '../../fixtures/state-dir.ts';

const tag = ['@e2e', '@framework'];
const CLI = join(REPO_ROOT, 'cli', 'main.ts');
const TSC = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

function project(dir: string, packageJson: string, files: Record<string, string> = {}): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), packageJson);
  for (const [file, content] of Object.entries(files)) writeFileSync(join(dir, file), content);
  return dir;
}

function init(cwd: string, ...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd, encoding: 'utf8' });
}

/** For a project whose package.json Node itself cannot read: tsx's loader would stop at it before init runs. */
function initFromRepo(dir: string) {
  return init(REPO_ROOT, 'init', '--dir', dir);
}

/** Every file under `dir` with its content, to show that a refusal wrote nothing. */
function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir, { recursive: true, encoding: 'utf8', withFileTypes: false })
      .filter((f) => !readdirSync(dir, { withFileTypes: true }).some((d) => d.isDirectory() && d.name === f))
      .sort()
      .map((f) => [f, readFileSync(join(dir, f), 'utf8')]),
  );
}

test('init writes a config, one migration spec and a test:e2e script, keeping package.json as it was written', { tag }, async ({}, testInfo) => {
  const original = '{\n\t"name": "my-engine",\n\t"type": "module",\n\t"scripts": {\n\t\t"test": "vitest"\n\t}\n}\n';
  const dir = project(testInfo.outputPath('app'), original);
  const run = init(dir, 'init');
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  expect(run.stdout).toContain('wrote playwright.config.ts\nwrote e2e/migration.spec.ts\nadded scripts["test:e2e"]: "playwright test" to package.json\n');
  expect(readFileSync(join(dir, 'package.json'), 'utf8')).toBe('{\n\t"name": "my-engine",\n\t"type": "module",\n\t"scripts": {\n\t\t"test": "vitest",\n\t\t"test:e2e": "playwright test"\n\t}\n}\n');
  const config = readFileSync(join(dir, 'playwright.config.ts'), 'utf8');
  expect(config).toContain("globalSetup: 'servewright/global-setup'");
  expect(config).toContain("globalTeardown: 'servewright/global-teardown'");
  expect(config).toContain("from 'servewright/reporters'");
  const spec = readFileSync(join(dir, 'e2e', 'migration.spec.ts'), 'utf8');
  expect(spec).toContain("from 'servewright'");
  expect(spec).toContain("from 'servewright/scenarios'");
});

test('a second init refuses, naming each conflict, and writes nothing; so does a project with a config of its own', { tag }, async ({}, testInfo) => {
  const dir = project(testInfo.outputPath('app'), '{ "name": "app" }\n');
  const first = init(dir, 'init');
  expect(first.stdout).toContain('wrote playwright.config.mts (.mts: this package is CommonJS, servewright an ES module)\nwrote e2e/migration.spec.mts\n');
  const before = snapshot(dir);
  const again = init(dir, 'init');
  expect(again.status).toBe(1);
  expect(again.stderr).toBe(
    [
      'servewright init: nothing written',
      `  ${join(dir, 'playwright.config.mts')}: exists (init writes playwright.config.mts)`,
      `  ${join(dir, 'e2e/migration.spec.mts')}: exists`,
      `  ${join(dir, 'package.json')}: scripts["test:e2e"] exists`,
      '',
    ].join('\n'),
  );
  expect(snapshot(dir)).toEqual(before);

  const own = project(testInfo.outputPath('own-config'), '{ "name": "own" }\n', { 'playwright.config.mjs': 'export default {};\n' });
  const refused = init(own, 'init');
  expect(refused.status).toBe(1);
  expect(refused.stderr).toContain(`${join(own, 'playwright.config.mjs')}: exists (init writes playwright.config.mts)`);
  expect(snapshot(own)).toEqual({ 'package.json': '{ "name": "own" }\n', 'playwright.config.mjs': 'export default {};\n' });
});

test('a package.json that is not JSON is named with file:line:col of its first bad character, and nothing is written', { tag }, async ({}, testInfo) => {
  const cases: Array<[string, string]> = [
    ['{\n  "name": "a",\n  "scripts": { "x": y }\n}\n', '3:21: not valid JSON: unexpected "y"'],
    ['{\n  "name": "a",\n}\n', '3:1: not valid JSON: unexpected "}"'],
    ['{\n  "name": "a"', '2:14: not valid JSON: unexpected end of input'],
    ['{ "name": "a\\q" }', '1:14: not valid JSON: unexpected "q"'],
    ['[1, 2]', '1:1: expected a JSON object'],
  ];
  for (const [i, [text, where]] of cases.entries()) {
    const dir = project(testInfo.outputPath(`bad-${i}`), text);
    const run = initFromRepo(dir);
    expect(run.status, text).toBe(1);
    expect(run.stderr, text).toBe(`servewright init: nothing written\n  ${join(dir, 'package.json')}:${where}\n`);
    expect(snapshot(dir), text).toEqual({ 'package.json': text });
  }
  const none = testInfo.outputPath('no-package');
  mkdirSync(none);
  const missing = initFromRepo(none);
  expect(missing.status).toBe(1);
  expect(missing.stderr).toContain(`${join(none, 'package.json')}: not found; init adds to an existing project (npm init first)`);
});

test('the generated files typecheck against servewright\'s public entry points, in ES-module and CommonJS projects; a wrong scenario argument does not', { tag }, async ({}, testInfo) => {
  test.setTimeout(300_000); // one tsc run over the framework's sources: tens of seconds on a shared 2-core machine
  const projects = [['esm', '{ "type": "module" }\n', 'ts'], ['cjs', '{}\n', 'mts'], ['broken', '{ "type": "module" }\n', 'ts']] as const;
  for (const [name, packageJson] of projects) expect(initFromRepo(project(testInfo.outputPath(name), packageJson)).status).toBe(0);
  const broken = testInfo.outputPath('broken', 'e2e', 'migration.spec.ts');
  writeFileSync(broken, readFileSync(broken, 'utf8').replace("signal: 'SIGKILL'", "signal: 'SIGHUP'"));
  // One program over the three projects, with the repository's compiler options and its `servewright*` paths.
  const tsconfig = testInfo.outputPath('tsconfig.json');
  writeFileSync(tsconfig, JSON.stringify({ extends: join(REPO_ROOT, 'tsconfig.json'), include: projects.flatMap(([name, , ext]) => [`${name}/playwright.config.${ext}`, `${name}/e2e`]) }));
  const run = spawnSync(process.execPath, [TSC, '-p', tsconfig], { encoding: 'utf8' });
  expect(run.status).toBe(2);
  // The one error is the planted one: the esm and cjs projects compile.
  expect(run.stdout.trim().split('\n').filter((l) => /error TS/.test(l))).toEqual([expect.stringMatching(/broken\/e2e\/migration\.spec\.ts\(\d+,\d+\): error TS2322: Type '"SIGHUP"' is not assignable/)]);
});

test('the command line: help, and an unknown command exits 2 with the usage', { tag }, async ({}, testInfo) => {
  const dir = project(testInfo.outputPath('app'), '{ "name": "app" }\n');
  const help = init(dir, '--help');
  expect([help.status, help.stdout]).toEqual([0, expect.stringContaining('usage: servewright init [--dir <project>]')]);
  const bad = init(dir, 'deploy');
  expect(bad.status).toBe(2);
  expect(bad.stderr).toMatch(/^servewright: unknown command: deploy\nusage: servewright init/);
  expect(snapshot(dir)).toEqual({ 'package.json': '{ "name": "app" }\n' });
});
