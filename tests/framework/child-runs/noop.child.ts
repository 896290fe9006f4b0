import { test } from 'servewright';

test('does nothing: only its global setup matters', () => undefined);
