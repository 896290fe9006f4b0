// Every code block of README.md is a test, so an example can never rot: `ts` blocks are
// complete specs, type-checked with the repository's tsconfig and run in a child
// `playwright test`; `sh` blocks are commands, parsed and checked against package.json
// and the files they name; `text` blocks are explicitly not code.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { REPO_ROOT } from '../../fixtures/state-dir.ts';
import { expect, test } from './helpers/inline-test.ts';
import { codeBlocks, type CodeBlock } from './helpers/markdown-blocks.ts';

const tag = ['@e2e', '@framework'];
const README = 'README.md';
const KINDS = ['ts', 'sh', 'text'];
/** README examples import as a spec in `tests/<area>/` would. */
const SPEC_DIR = join(REPO_ROOT, 'tests', 'readme');

const readme = () => codeBlocks(readFileSync(join(REPO_ROOT, README), 'utf8'), README);
const blocksOf = (lang: string) => readme().blocks.filter((b) => b.lang === lang);
const specName = (block: CodeBlock) => `readme-line-${block.line}.spec.ts`;

/** The block with its relative imports made absolute, so it runs from any folder; lines unchanged. */
function runnable(block: CodeBlock): string {
  return block.code.replace(/(from\s+|import\s*\(\s*)(['"])(\.{1,2}\/[^'"]+)\2/g, (_m, lead: string, quote: string, spec: string) => `${lead}${quote}${resolve(SPEC_DIR, spec)}${quote}`);
}

/** Type errors of the given files under the repository's compiler options, as `README.md:<line>: ...`, per file. */
function typeErrors(files: Map<string, CodeBlock>): Map<string, string[]> {
  const config = ts.readConfigFile(join(REPO_ROOT, 'tsconfig.json'), (p) => ts.sys.readFile(p));
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, REPO_ROOT);
  const program = ts.createProgram([...files.keys()], options);
  const errors = new Map([...files.keys()].map((path) => [path, [] as string[]]));
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const path = d.file ? resolve(d.file.fileName) : undefined;
    const block = path === undefined ? undefined : files.get(path);
    if (!d.file || !block) continue;
    const { line } = d.file.getLineAndCharacterOfPosition(d.start ?? 0);
    errors.get(path!)!.push(`${README}:${block.line + line}: TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
  }
  return errors;
}

/** A block with a type error, to see that one is reported at its README line. */
const BROKEN_BLOCK: CodeBlock = { lang: 'ts', line: 40, code: `import { test } from 'servewright';\n\ntest('x', async ({ client }) => { await client.chatCompletions({}); });\n` };

let typeCheck: { readme: string[]; broken: string[] } | undefined;

/**
 * The README's ts blocks and BROKEN_BLOCK type-checked in one TypeScript program, once
 * per worker: building the program (the repository's sources behind the blocks) is
 * nearly all of either test's time.
 */
function typeCheckOnce(): { readme: string[]; broken: string[] } {
  if (typeCheck) return typeCheck;
  const dir = join(test.info().project.outputDir, 'readme-typecheck');
  mkdirSync(join(dir, 'broken'), { recursive: true });
  const files = new Map<string, CodeBlock>();
  for (const block of blocksOf('ts')) {
    const path = resolve(dir, specName(block));
    writeFileSync(path, runnable(block));
    files.set(path, block);
  }
  const brokenPath = resolve(dir, 'broken', specName(BROKEN_BLOCK));
  writeFileSync(brokenPath, runnable(BROKEN_BLOCK));
  files.set(brokenPath, BROKEN_BLOCK);
  const errors = typeErrors(files);
  const broken = errors.get(brokenPath)!;
  errors.delete(brokenPath);
  typeCheck = { readme: [...errors.values()].flat(), broken };
  return typeCheck;
}

const PATHLIKE = /^[\w.-]+(\/[\w.@-]+)+\.(ts|mjs|sh|md|csv|jsonl|json)$/;

/** What is wrong with one `sh` line: a syntax error, an npm script that does not exist, a file that is not there. */
function shellProblems(command: string, scripts: Record<string, string>): string[] {
  const problems: string[] = [];
  try {
    execFileSync('bash', ['-n', '-c', command], { stdio: 'pipe' });
  } catch (error) {
    problems.push(`does not parse: ${String((error as { stderr?: Buffer }).stderr ?? error).trim()}`);
  }
  const script = /^npm run (\S+)/.exec(command)?.[1];
  if (script !== undefined && !(script in scripts)) problems.push(`npm run ${script}: no such script in package.json`);
  // pack and install are the package quick start, which tests/framework/package.spec.ts runs.
  if (/^npm (?!run |test$|test |ci\b|pack$|install --save-dev )/.test(command)) problems.push('an npm command other than run, test, ci, pack and install --save-dev');
  for (const word of command.split(/\s+/)) {
    if (PATHLIKE.test(word) && !existsSync(join(REPO_ROOT, word))) problems.push(`${word}: no such file`);
  }
  return problems;
}

test.describe('README.md examples', { tag }, () => {
  test('every code block is fenced with a known kind', () => {
    const { blocks, problems } = readme();
    expect(problems).toEqual([]);
    expect(blocks.filter((b) => !KINDS.includes(b.lang)).map((b) => `${README}:${b.line - 1}: \`\`\`${b.lang}: not one of ${KINDS.join(', ')}`)).toEqual([]);
    expect(blocksOf('ts').length).toBeGreaterThan(0);
  });

  test('the extraction finds fences, their kinds and lines, and names indented or unclosed blocks', () => {
    const doc = ['# t', '', '```ts', 'const a = 1;', '```', '', '- item', '', '    continued item', '', 'para', '', '    npm run e2e', '', '~~~sh', 'ls'].join('\n');
    const { blocks, problems } = codeBlocks(doc, 'doc.md');
    expect(blocks).toEqual([{ lang: 'ts', line: 4, code: 'const a = 1;' }]);
    expect(problems).toEqual([
      'doc.md:13: an indented code block; write it as a fenced block with a language (```sh, ```ts or ```text)',
      'doc.md:15: a fenced block that is never closed',
    ]);
  });

  test('ts blocks type-check against the repository', () => {
    test.setTimeout(180_000);
    expect(typeCheckOnce().readme).toEqual([]);
  });

  test('a type error in a block is named with its README line', () => {
    test.setTimeout(180_000);
    expect(typeCheckOnce().broken).toEqual([
      `${README}:42: TS2551: Property 'chatCompletions' does not exist on type 'OpenAIClient'. Did you mean 'completions'?`,
    ]);
  });

  test('ts blocks pass as specs', async ({ inline }) => {
    test.setTimeout(300_000);
    const blocks = blocksOf('ts');
    const files = Object.fromEntries(blocks.map((b) => [specName(b), runnable(b)]));
    // From the repository root, as a newcomer's spec runs: examples name files relative to it.
    const run = await inline.run(files, { cwd: REPO_ROOT, reporter: '[]', config: { timeout: 90_000 } });
    const failed = run.results
      .filter((r) => r.outcome !== 'passed')
      .map((r) => `${README}:${/readme-line-(\d+)/.exec(r.file)?.[1]} "${r.title}": ${r.outcome}: ${r.errors.join('\n')}`);
    expect(failed, run.output).toEqual([]);
    expect(run.results.map((r) => r.file).sort(), `one spec file per ts block in ${relative(REPO_ROOT, run.dir)}`).toEqual(Object.keys(files).sort());
  });

  test('sh blocks parse, and name npm scripts and files that exist', () => {
    const scripts = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    const problems = blocksOf('sh').flatMap((block) =>
      block.code.split('\n').flatMap((raw, i) => {
        const command = raw.replace(/\s+#.*$/, '').trim();
        if (command === '') return [];
        return shellProblems(command, scripts).map((p) => `${README}:${block.line + i}: ${command}: ${p}`);
      }),
    );
    expect(problems).toEqual([]);
    expect(shellProblems('npm run no-such-script -- x "unclosed', scripts)).toEqual([
      expect.stringMatching(/^does not parse: /),
      'npm run no-such-script: no such script in package.json',
    ]);
    expect(shellProblems('npx tsx scripts/bench/no-such.ts', scripts)).toEqual(['scripts/bench/no-such.ts: no such file']);
  });
});
