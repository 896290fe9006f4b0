// Public entry `servewright/scenarios`: the fault-tolerance checks as functions of a started
// stack and a client, for a team's own specs on its own profile.
export * from './migration.ts';
export * from './cancellation.ts';
export * from './requests.ts';
export * from './decode-fallback.ts';
export * from './service-restart.ts';
export * from './skip-check.ts';
