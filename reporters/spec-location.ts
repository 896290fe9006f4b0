import { dirname, relative, sep } from 'node:path';
import type { TestCase } from '@playwright/test/reporter';

/** Where a spec sits relative to its project's testDir, POSIX separators; folder is `.` at the root. */
export function specLocation(test: TestCase): { file: string; folder: string } {
  const testDir = test.parent.project()?.testDir ?? dirname(test.location.file);
  const file = relative(testDir, test.location.file).split(sep).join('/');
  return { file, folder: dirname(file) };
}
