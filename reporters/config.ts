import { fileURLToPath } from 'node:url';
import type { ReporterDescription } from '@playwright/test';
import type { AllureReporter } from 'allure-playwright';
import { allureCategories } from './allure/categories.ts';
import { allureEnvironment } from './allure/environment.ts';
import { DEFAULT_ALLURE_RESULTS_DIR } from './allure/results-dir.ts';
import type { MarkdownReporterOptions } from './markdown.ts';

type AllurePlaywrightReporterConfig = NonNullable<ConstructorParameters<typeof AllureReporter>[0]>;

export interface ServewrightReporterOptions {
  markdown?: MarkdownReporterOptions;
  allure?: AllurePlaywrightReporterConfig;
}

/** The Markdown summary and Allure results reporters, for a config's `reporter` array. */
export function servewrightReporters(options: ServewrightReporterOptions = {}): ReporterDescription[] {
  return [
    [fileURLToPath(new URL('./markdown.ts', import.meta.url)), options.markdown ?? {}],
    [
      fileURLToPath(new URL('./allure.ts', import.meta.url)),
      {
        resultsDir: DEFAULT_ALLURE_RESULTS_DIR,
        environmentInfo: allureEnvironment(),
        categories: allureCategories,
        ...options.allure,
      } satisfies AllurePlaywrightReporterConfig,
    ],
  ];
}
