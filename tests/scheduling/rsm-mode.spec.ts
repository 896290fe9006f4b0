// The Autellix suite's quick and full modes and the AUTELLIX_NUM_ENGINES override.

import { expect, test } from '@playwright/test';
import { NUM_ENGINES_ENV, rsmModes } from './support/rsm-mode.ts';

const tags = { tag: ['@e2e', '@scheduling'] };

test('quick runs the seed\'s 2 engines in the e2e tier, full its default 4 in the slow tier with longer scenarios', tags, () => {
  const [quick, full] = rsmModes({});
  expect(quick).toMatchObject({ name: 'quick', tier: '@e2e', numEngines: 2 });
  expect(full).toMatchObject({ name: 'full', tier: '@slow', numEngines: 4, chatTurns: 10, researchBranches: 5 });
  for (const key of ['chatTurns', 'researchBranches', 'sessionTurns', 'localityTurns', 'localityPrefixTokens'] as const) {
    expect(full![key], key).toBeGreaterThan(quick![key]);
  }
  expect(quick!.localityPrefixTokens).toBeGreaterThan(2_048);
});

test(`${NUM_ENGINES_ENV} sets the engines of both modes and rejects what is not an integer of at least 2`, tags, () => {
  expect(rsmModes({ [NUM_ENGINES_ENV]: '6' }).map((m) => m.numEngines)).toEqual([6, 6]);
  for (const bad of ['1', 'four', '2.5', '-3']) {
    expect(() => rsmModes({ [NUM_ENGINES_ENV]: bad })).toThrow(`${NUM_ENGINES_ENV}="${bad}": expected an integer of at least 2`);
  }
});
