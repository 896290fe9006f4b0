import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Suite, TestCase } from '@playwright/test/reporter';
import { AllureReporter } from 'allure-playwright';
import { allureLabels, labelAnnotations } from './allure/labels.ts';
import { DEFAULT_ALLURE_RESULTS_DIR } from './allure/results-dir.ts';
import { specLocation } from './spec-location.ts';

/**
 * allure-playwright plus servewright's labels (epic/feature/story/severity, see
 * allure/labels.ts). The labels ride in as extra annotations on a view of the test, so
 * the TestCase that other reporters see is left untouched.
 */
export default class ServewrightAllureReporter extends AllureReporter {
  /**
   * allure-playwright never empties its results folder, so a report would mix runs.
   * A shard keeps what is there: shards run one after another on one machine add up.
   */
  override onBegin(suite: Suite): void {
    if (!this.config.shard) rmSync(resolve(this.options.resultsDir ?? DEFAULT_ALLURE_RESULTS_DIR), { recursive: true, force: true });
    super.onBegin(suite);
  }

  override onTestBegin(test: TestCase): void {
    const labels = allureLabels({ tags: test.tags, folder: specLocation(test).folder, describes: test.titlePath().slice(3, -1) });
    const annotations = [...test.annotations, ...labelAnnotations(labels)];
    super.onTestBegin(Object.create(test, { annotations: { value: annotations } }) as TestCase);
  }
}
