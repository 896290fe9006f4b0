import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import type { TestCase, TestResult, TestStep } from '@playwright/test/reporter';
import { AllureReporter } from 'allure-playwright';
import { allureLabels, labelAnnotations, standInMetadata } from './allure/labels.ts';
import { isHookSkip } from './allure/hook-skip.ts';
import { DEFAULT_ALLURE_RESULTS_DIR } from './allure/results-dir.ts';
import { specLocation } from './spec-location.ts';

/**
 * allure-playwright plus servewright's labels (epic/feature/story/severity, see
 * allure/labels.ts). The labels ride in as extra annotations on a view of the test, so
 * the TestCase that other reporters see is left untouched.
 */
export default class ServewrightAllureReporter extends AllureReporter {
  private resultsDirCleared = false;

  /**
   * allure-playwright never empties its results folder, so a report would mix runs. Cleared
   * when the first test starts (so `--list` leaves it alone); a shard keeps what is there,
   * so shards run one after another on one machine add up.
   */
  private clearStaleResults(): void {
    if (this.resultsDirCleared || this.config.shard) return;
    this.resultsDirCleared = true;
    const dir = resolve(this.options.resultsDir ?? DEFAULT_ALLURE_RESULTS_DIR);
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    } catch (error) {
      process.stderr.write(`allure: could not empty ${dir}, old results stay: ${(error as Error).message}\n`);
    }
  }

  override onTestBegin(test: TestCase): void {
    this.clearStaleResults();
    const folder = specLocation(test, this.config.rootDir).folder;
    const labels = allureLabels({ tags: test.tags, folder, describes: test.titlePath().slice(3, -1) });
    const annotations = [...test.annotations, ...labelAnnotations(labels)];
    super.onTestBegin(Object.create(test, { annotations: { value: annotations } }) as TestCase);
  }

  /**
   * `test.skip()` in a beforeAll/beforeEach reaches reporters as a hook step with an error,
   * which allure-playwright lists under "Global Errors" although the test is (rightly)
   * skipped, with its reason, in the test's own result. The hook step goes on without it.
   */
  override onStepEnd(test: TestCase, result: TestResult, step: TestStep): void {
    const view = isHookSkip(step) ? (Object.create(step, { error: { value: undefined } }) as TestStep) : step;
    super.onStepEnd(test, result, view);
  }

  /** The stand-in annotation is known only once the stack fixture ran: labelled at the end. */
  override async onTestEnd(test: TestCase, result: TestResult): Promise<void> {
    const metadata = standInMetadata(result.annotations);
    const view = metadata ? (Object.create(result, { attachments: { value: [...result.attachments, metadata] } }) as TestResult) : result;
    await super.onTestEnd(test, view);
  }
}
