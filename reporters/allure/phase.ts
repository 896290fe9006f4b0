import { test } from '@playwright/test';

/** The phases of a scenario; each becomes a top-level step in Playwright and Allure reports. */
export const PHASES = ['bring-up', 'traffic', 'fault', 'assertions'] as const;
export type Phase = (typeof PHASES)[number];

export function phase<T>(name: Phase, body: () => T | Promise<T>): Promise<T> {
  return test.step(name, body);
}
