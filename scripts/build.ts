// `npm run build`: the publishable package in dist/. tsc emits JavaScript and declarations
// for the framework's folders (tsconfig.build.json, relative `.ts` imports rewritten to
// `.js`); the files they read at run time are copied next to them; the reference stack
// ships as esbuild bundles (dist/bundles), since the package has no stack sources.

import { cpSync, readdirSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join, relative } from 'node:path';
import { buildStack } from '../fixtures/build-stack.ts';
import { REPO_ROOT } from '../fixtures/state-dir.ts';

const DIST = join(REPO_ROOT, 'dist');
/** Files loaded by path at run time (not imported), relative to the checkout. */
const RUNTIME_FILES = (): string[] => [
  'workloads/send/thread-entry.mjs',
  ...readdirSync(join(REPO_ROOT, 'contracts'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('contract.json'))
    .map((f) => join('contracts', f)),
];

const started = Date.now();
rmSync(DIST, { recursive: true, force: true });
execFileSync(process.execPath, [join(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(REPO_ROOT, 'tsconfig.build.json')], { stdio: 'inherit' });
for (const file of RUNTIME_FILES()) cpSync(join(REPO_ROOT, file), join(DIST, file));
const bundles = await buildStack(join(DIST, 'bundles'));
console.log(`build: ${relative(REPO_ROOT, DIST)}/ (tsc, ${RUNTIME_FILES().length} runtime files, bundles ${bundles.join(', ')}) in ${Date.now() - started} ms`);
