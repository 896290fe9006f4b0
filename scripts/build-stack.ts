import { existsSync, mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { BUILD_DIR, REPO_ROOT } from '../fixtures/state-dir.ts';

const ENTRIES = ['worker', 'frontend', 'genie'] as const;

function newestSourceMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSourceMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * Bundles each stack entry point that exists into `.servewright/build/<name>.mjs`
 * (node_modules stay external), skipping bundles newer than every file under stack/ and
 * protocol/ (which the stack imports).
 * Returns the names it (re)built.
 */
export async function buildStack(): Promise<string[]> {
  const stackDir = join(REPO_ROOT, 'stack');
  const outDir = BUILD_DIR;
  const entries = ENTRIES.filter((name) => existsSync(join(stackDir, name, 'main.ts')));
  if (entries.length === 0) return [];
  const sourcesMtime = Math.max(newestSourceMtime(stackDir), newestSourceMtime(join(REPO_ROOT, 'protocol')));
  const stale = entries.filter((name) => {
    const out = join(outDir, `${name}.mjs`);
    return !existsSync(out) || statSync(out).mtimeMs <= sourcesMtime;
  });
  mkdirSync(outDir, { recursive: true });
  await Promise.all(
    stale.map(async (name) => {
      const entry = join(stackDir, name, 'main.ts');
      const result = await build({
        entryPoints: [entry],
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        packages: 'external',
        sourcemap: 'inline',
        write: false,
        logLevel: 'silent',
      }).catch((err: Error) => {
        throw new Error(`build-stack: bundling ${entry} failed:\n${err.message}`);
      });
      const out = join(outDir, `${name}.mjs`);
      // Concurrent runs share this folder: write aside, then rename atomically.
      const tmp = `${out}.${process.pid}.tmp`;
      writeFileSync(tmp, result.outputFiles[0]!.contents);
      renameSync(tmp, out);
    }),
  );
  return stale;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const built = await buildStack();
  console.log(built.length > 0 ? `build-stack: built ${built.join(', ')} into ${BUILD_DIR}` : 'build-stack: bundles up to date');
}
