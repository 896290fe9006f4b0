import { test } from '../../../fixtures/index.ts';

test('does nothing: only its global setup matters', () => undefined);
