// Worker threads start without the parent's TypeScript loader (tsx or Playwright's), so
// the thread enters through plain JavaScript: the built package has the compiled entry next
// to this file; a checkout loads the TypeScript one with tsx's API.
import { existsSync } from 'node:fs';

const compiled = new URL('./thread-main.js', import.meta.url);
if (existsSync(compiled)) {
  await import(compiled.href);
} else {
  const { tsImport } = await import('tsx/esm/api');
  await tsImport('./thread-main.ts', import.meta.url);
}
