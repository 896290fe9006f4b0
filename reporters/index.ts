// Public entry `servewright/reporters`. Its default export is the Markdown reporter, so
// `reporter: [['servewright/reporters', { outputFile }]]` works as any reporter module does.
export { default, DEFAULT_SUMMARY_FILE, DEFAULT_RUN_JSON_FILE, type MarkdownReporterOptions } from './markdown.ts';
export { servewrightReporters, type ServewrightReporterOptions } from './config.ts';
