import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { renderDocument } from './document.ts';
import type { RunRecord } from './model.ts';

/** Renders the summary again from the JSON the reporter dumped at the end of the last run. */
export function rerenderSummary(runJsonFile: string, outputFile: string): void {
  if (!existsSync(runJsonFile)) {
    throw new Error(`${runJsonFile} not found: run \`npx playwright test\` first (the Markdown reporter writes it)`);
  }
  let run: RunRecord;
  try {
    run = JSON.parse(readFileSync(runJsonFile, 'utf8')) as RunRecord;
  } catch (error) {
    throw new Error(`${runJsonFile}: not readable JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(run.tests)) throw new Error(`${runJsonFile}: field "tests" is missing or not an array`);
  mkdirSync(dirname(outputFile), { recursive: true });
  writeFileSync(outputFile, renderDocument(run));
}
