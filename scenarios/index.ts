// Public entry `servewright/scenarios`: the fault-tolerance checks as functions of a started
// stack and a client, for a team's own specs on its own profile.
export { warmUp, migrations, survivesWorkerDeath, failsWhenEveryWorkerDies, failsWithoutMigration, survivesPrefillWorkerDeath, type MigrationCase } from './migration.ts';
export { cancelInSequence, cancelOnClientTimeout, cancelDuringDecode, cancelDuringPrefill, type CancellationCase } from './cancellation.ts';
export { SHORT_PROMPT, LONG_PROMPT, requestBody, send, open, type Api } from './requests.ts';
export { SKIPPED_CHECK, skipCheck } from './skip-check.ts';
