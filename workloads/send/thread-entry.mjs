// Worker threads start without the parent's TypeScript loader (tsx or Playwright's), so
// the thread enters through plain JavaScript and loads the real entry with tsx's API.
import { tsImport } from 'tsx/esm/api';

await tsImport('./thread-main.ts', import.meta.url);
