import { dirname, isAbsolute, relative, sep } from 'node:path';
import type { TestCase } from '@playwright/test/reporter';

/**
 * Where a spec sits, POSIX separators; folder is `.` at the root. Relative to the config's
 * `rootDir` (its top-level testDir) when the spec lies under it, so a project whose testDir
 * is a subfolder (`tests/fault-tolerance`) reports `fault-tolerance` as every other
 * project does, not `(root)`; else relative to the project's own testDir.
 */
export function specLocation(test: TestCase, rootDir?: string): { file: string; folder: string } {
  const projectDir = test.parent.project()?.testDir ?? dirname(test.location.file);
  const underRoot = rootDir !== undefined && isInside(rootDir, test.location.file);
  const file = relative(underRoot ? rootDir : projectDir, test.location.file).split(sep).join('/');
  return { file, folder: dirname(file) };
}

function isInside(dir: string, file: string): boolean {
  const rel = relative(dir, file);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}
