import { Status } from 'allure-js-commons';

/**
 * Failure categories, first match wins. Written in the Allure 2 form (matchedStatuses +
 * messageRegex) because allure-playwright's categories.json and Allure 3's `categories`
 * config both accept it. Allure 2 matches the whole message, Allure 3 searches in it;
 * the `[\s\S]*` guards make one pattern mean the same to both.
 */
export interface AllureCategory {
  name: string;
  matchedStatuses: Status[];
  messageRegex?: string;
}

const anywhere = (alternatives: string[]) => `[\\s\\S]*(${alternatives.join('|')})[\\s\\S]*`;

/** Messages of the process, readiness and services layers (fixtures/process, fixtures/services). */
const INFRASTRUCTURE = [
  'not ready after \\d+ ms',
  'could not spawn',
  'exited before',
  '--- last \\d+ lines of',
  'not found on PATH',
  'is not reachable',
  'not fully terminated',
  'ECONNREFUSED',
  'ECONNRESET',
  'EADDRINUSE',
  'ENOENT',
];

const TIMEOUT = ['Test timeout of \\d+ms exceeded', 'Timeout \\d+ms exceeded', 'timed out after \\d+ ?ms', 'TimeoutError'];

export const INFRASTRUCTURE_CATEGORY = 'Infrastructure failures';
export const TIMEOUT_CATEGORY = 'Timeouts';
export const ASSERTION_CATEGORY = 'Assertion failures';

export const allureCategories: AllureCategory[] = [
  { name: INFRASTRUCTURE_CATEGORY, matchedStatuses: [Status.FAILED, Status.BROKEN], messageRegex: anywhere(INFRASTRUCTURE) },
  { name: TIMEOUT_CATEGORY, matchedStatuses: [Status.FAILED, Status.BROKEN], messageRegex: anywhere(TIMEOUT) },
  { name: ASSERTION_CATEGORY, matchedStatuses: [Status.FAILED] },
];
