#!/usr/bin/env node
// The `servewright` command. Exit status: 0 done, 1 refused (each reason on its own line),
// 2 a command line it does not understand.

import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { init, InitRefused } from './init.ts';
import { SCRIPT_NAME } from './templates.ts';

const USAGE = `usage: servewright init [--dir <project>]

  init   scaffold playwright.config.ts, e2e/migration.spec.ts (.mts in a CommonJS
         package) and a "${SCRIPT_NAME}" script in the project (default: the
         current directory); refuses to overwrite anything that exists
`;

function usage(message: string): never {
  process.stderr.write(`servewright: ${message}\n${USAGE}`);
  process.exit(2);
}

function parse() {
  try {
    return parseArgs({ options: { dir: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true });
  } catch (err) {
    return usage((err as Error).message);
  }
}

const { values, positionals } = parse();
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
if (positionals.length !== 1 || positionals[0] !== 'init') usage(positionals.length === 0 ? 'no command given' : `unknown command: ${positionals.join(' ')}`);

const dir = resolve(values.dir ?? '.');
try {
  for (const change of init(dir)) process.stdout.write(`${change}\n`);
  process.stdout.write(`next: npm install --save-dev servewright @playwright/test, then npm run ${SCRIPT_NAME}\n`);
} catch (err) {
  if (!(err instanceof InitRefused)) throw err;
  process.stderr.write(`servewright init: nothing written\n${err.problems.map((p) => `  ${p}`).join('\n')}\n`);
  process.exit(1);
}
