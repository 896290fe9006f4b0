import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ReporterDescription } from '@playwright/test';
import type { AllureReporter } from 'allure-playwright';
import { allureCategories } from './allure/categories.ts';
import { allureEnvironment } from './allure/environment.ts';
import { DEFAULT_ALLURE_RESULTS_DIR } from './allure/results-dir.ts';
import type { MarkdownReporterOptions } from './markdown.ts';

/** `.ts` in a checkout, `.js` in the built package: Playwright loads the reporter file by path. */
const EXT = extname(fileURLToPath(import.meta.url));

type AllurePlaywrightReporterConfig = NonNullable<ConstructorParameters<typeof AllureReporter>[0]>;

export interface ServewrightReporterOptions {
  markdown?: MarkdownReporterOptions;
  allure?: AllurePlaywrightReporterConfig;
}

/** The Markdown summary and Allure results reporters, for a config's `reporter` array. */
export function servewrightReporters(options: ServewrightReporterOptions = {}): ReporterDescription[] {
  return [
    [fileURLToPath(new URL(`./markdown${EXT}`, import.meta.url)), options.markdown ?? {}],
    [
      fileURLToPath(new URL(`./allure${EXT}`, import.meta.url)),
      {
        resultsDir: DEFAULT_ALLURE_RESULTS_DIR,
        environmentInfo: allureEnvironment(),
        categories: allureCategories,
        ...options.allure,
      } satisfies AllurePlaywrightReporterConfig,
    ],
  ];
}
