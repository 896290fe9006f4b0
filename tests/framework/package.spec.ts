// servewright as a team installs it: `npm run build`, `npm pack`, the tarball installed
// offline into a throwaway project with a profile, config and spec of its own
// (tests/framework/consumer/), and `npx playwright test` run there.

import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { builtinModules } from 'node:module';
import { execa } from 'execa';
import ts from 'typescript';
import { REPO_ROOT } from '../../fixtures/state-dir.ts';
import { configuredModules } from '../../fixtures/global/setup.ts';
import { defineProfile, profileDefinition } from 'servewright';
import { childEnv, expect, test } from './helpers/inline-test.ts';
import { codeBlocks } from './helpers/markdown-blocks.ts';
import { offlineLock, type Lockfile } from './helpers/offline-lock.ts';

const CONSUMER = join(REPO_ROOT, 'tests/framework/consumer');
const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

interface PackageJson {
  name: string;
  version: string;
  exports: Record<string, string | { types: string; default: string }>;
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  bin?: Record<string, string>;
}
const pkg = (): PackageJson => readJson<PackageJson>(join(REPO_ROOT, 'package.json'));

/** What a team's shell has: none of this run's worker, runner or servewright variables. */
function consumerEnv(): Record<string, string> {
  return Object.fromEntries(Object.entries(childEnv()).filter(([key]) => !key.startsWith('SERVEWRIGHT_')));
}

/**
 * Packages (not files, not node builtins) the JavaScript under `dir` imports statically, by
 * name, with a file that does: what loading the package needs. A dynamic import is on a path
 * of its own (esbuild, tsx: a checkout only) and is left out.
 */
function packagesImported(dir: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const file of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    if (!/\.(m?js)$/.test(file)) continue;
    const source = ts.createSourceFile(file, readFileSync(join(dir, file), 'utf8'), ts.ScriptTarget.Latest);
    for (const statement of source.statements) {
      if (!(ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) || !statement.moduleSpecifier || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
      const spec = statement.moduleSpecifier.text;
      if (spec.startsWith('.') || spec.startsWith('node:') || builtinModules.includes(spec)) continue;
      const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
      if (!found.has(name)) found.set(name, file);
    }
  }
  return found;
}

test.describe('the package entry points', { tag: ['@e2e', '@framework'] }, () => {
  test('every export of package.json is a tsconfig paths alias of the source it is built from', () => {
    const { exports } = pkg();
    const tsconfig = ts.readConfigFile(join(REPO_ROOT, 'tsconfig.json'), (p) => ts.sys.readFile(p)).config as { compilerOptions: { paths: Record<string, string[]> } };
    const fromExports = Object.entries(exports)
      .filter((e): e is [string, { types: string; default: string }] => typeof e[1] !== 'string')
      .map(([subpath, target]) => [`servewright${subpath.slice(1)}`, target.default.replace(/^\.\/dist\//, './').replace(/\.js$/, '.ts')]);
    const fromPaths = Object.entries(tsconfig.compilerOptions.paths).map(([alias, [target]]) => [alias, target]);
    expect(fromPaths.sort()).toEqual(fromExports.sort());
    for (const [, source] of fromPaths) expect(existsSync(join(REPO_ROOT, source!)), source).toBe(true);
  });

  test("the README's quick start is the path the consumer test below takes", () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    const section = readme.indexOf('## Quick start');
    expect(section).toBeGreaterThan(-1);
    const start = readme.slice(0, section).split('\n').length;
    const block = codeBlocks(readme, 'README.md').blocks.find((b) => b.line > start && b.lang === 'sh')!;
    const { version } = pkg();
    // Build and pack here; the project installs the tarball with its peer (this spec: the same
    // devDependencies from a lock, offline), runs `servewright init`, then the tests.
    expect(block.code.split('\n').map((line) => line.replace(/\s+#.*$/, ''))).toEqual([
      'npm run build && npm pack',
      `npm install --save-dev ../servewright/servewright-${version}.tgz @playwright/test`,
      'npx servewright init',
      'npx playwright test',
    ]);
  });
});

test.describe("global setup for a user's config", { tag: ['@e2e', '@framework'] }, () => {
  test("probes only the Python modules the config's profiles require: stackProfile, else STACK, else reference", () => {
    const own = defineProfile({ ...profileDefinition('reference'), name: 'own-engine', requires: { python: ['sglang'] } });
    expect(configuredModules({ projects: [{ use: {} }] } as never, {})).toEqual([]);
    expect(configuredModules({ projects: [{ use: {} }] } as never, { STACK: 'vllm' })).toEqual(['vllm']);
    const projects = [{ use: { stackProfile: own } }, { use: { stackProfile: 'vllm' } }, { use: {} }];
    expect(configuredModules({ projects } as never, { STACK: 'dynamo' })).toEqual(['dynamo', 'sglang', 'vllm']);
  });
});

test.describe('servewright as a package', { tag: ['@slow', '@framework'] }, () => {
  test('a project installs the packed tarball offline, scaffolds with servewright init, defines its own profile and runs migration scenarios from servewright/scenarios and a replay', async ({ inline }) => {
    test.setTimeout(600_000);
    const env = consumerEnv();
    await execa('npm', ['run', 'build'], { cwd: REPO_ROOT, env, extendEnv: false });
    const { dependencies, peerDependencies } = pkg();
    // Loading the package may need only what dependencies and peers provide: esbuild, tsx and openai are dev-only.
    const imported = packagesImported(join(REPO_ROOT, 'dist'));
    expect([...imported].filter(([name]) => !(name in dependencies) && !(name in peerDependencies)).map(([name, file]) => `${name} (dist/${file})`)).toEqual([]);

    const dir = test.info().outputPath('consumer');
    mkdirSync(dir, { recursive: true });
    const [packed] = JSON.parse((await execa('npm', ['pack', '--json', '--pack-destination', dir], { cwd: REPO_ROOT, env, extendEnv: false })).stdout) as [
      { filename: string; integrity: string; files: { path: string }[] },
    ];
    expect(packed.files.filter((f) => f.path.endsWith('.ts') && !f.path.endsWith('.d.ts')).map((f) => f.path)).toEqual([]);

    const { lock, devDependencies } = offlineLock(readJson<Lockfile>(join(REPO_ROOT, 'package-lock.json')), 'consumer', {
      ...pkg(),
      spec: `file:${packed.filename}`,
      integrity: packed.integrity,
      dependencies,
      peerDependencies,
    });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module', devDependencies }, null, 2));
    writeFileSync(join(dir, 'package-lock.json'), JSON.stringify(lock, null, 2));
    // Its own tsconfig, as a project has: else Playwright would take this checkout's, whose paths point at the sources.
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, allowImportingTsExtensions: true } }));
    const install = await execa('npm', ['ci', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: dir, env, extendEnv: false, reject: false, all: true });
    expect(install.exitCode, install.all).toBe(0);
    // The quick start's scaffold, through the bin the tarball installed; then the team's own files.
    const scaffold = await execa('npx', ['--no', 'servewright', 'init'], { cwd: dir, env, extendEnv: false, reject: false, all: true });
    expect(scaffold.exitCode, scaffold.all).toBe(0);
    expect(existsSync(join(dir, 'e2e/migration.spec.ts'))).toBe(true);
    // The team's config replaces the scaffolded one: it also names the Markdown reporter by module.
    for (const file of ['playwright.config.ts', 'profiles/my-engine.ts', 'bin/my-engine-worker.sh', 'traces/hello.csv']) cpSync(join(CONSUMER, file), join(dir, file));
    cpSync(join(CONSUMER, 'tests/migration.consumer.ts'), join(dir, 'tests/migration.spec.ts'));
    chmodSync(join(dir, 'bin/my-engine-worker.sh'), 0o755);

    // The project's own installed Playwright runs it (not this checkout's CLI, which inline.playwright uses); the harness reads the results.
    const child = await execa('npx', ['--no', 'playwright', 'test'], { cwd: dir, env, extendEnv: false, reject: false, all: true, timeout: 300_000 });
    const run = inline.read(dir, { exitCode: child.exitCode ?? -1, output: child.all ?? '' });

    expect(run.counts, run.output).toEqual({ passed: 3, failed: 0, flaky: 0, skipped: 0 });
    expect(run.exitCode).toBe(0);
    // Its one profile needs no Python engine: global setup probed none.
    expect(run.output).toMatch(/^capabilities: /m);
    expect(run.output).not.toMatch(/^capabilities: .*(vllm|dynamo|torch)/m);
    for (const result of run.results) {
      const profile = result.file.startsWith('e2e/') ? 'reference' : 'my-engine';
      expect(result.annotations, result.file).toContainEqual({ type: 'stack-profile', description: profile });
    }
    expect(run.markdown).toContain('| 3 | 0 | 0 | 0 | 3 |');
    // Services: whichever provider that machine has (local binaries, or containers where a runtime answers).
    expect(run.markdown).toMatch(/\| (my-engine, reference|reference, my-engine) \| (local|container) \|/);
    expect(readFileSync(join(dir, 'reports/markdown-only.md'), 'utf8')).toContain('| 3 | 0 | 0 | 0 | 3 |');
    expect(run.allure.map((r) => [r.name, r.status]).sort()).toEqual([
      ['a stream survives the death of its worker on my engine', 'passed'],
      ['a streaming completion survives SIGKILL of its worker', 'passed'],
      // Two sender threads: the package's compiled thread entry, since tsx is not installed there.
      ['a trace replays on my engine across two sender threads', 'passed'],
    ]);
    // The run's state lives in the project, not inside the installed package.
    expect(existsSync(join(dir, '.servewright', 'pids'))).toBe(true);
    for (const inPackage of ['node_modules/servewright/.servewright', 'node_modules/servewright/dist/.servewright']) expect(existsSync(join(dir, inPackage)), inPackage).toBe(false);
  });
});
