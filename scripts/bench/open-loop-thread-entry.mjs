// Worker threads start without the parent's TypeScript loader (tsx or Playwright's), so
// the thread enters through plain JavaScript and loads the real module with tsx's API.
import { tsImport } from 'tsx/esm/api';

await tsImport('./open-loop-thread.ts', import.meta.url);
