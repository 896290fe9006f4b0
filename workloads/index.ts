// Public entry `servewright/workloads`: trace loading, replay and the run summary, for
// scripts that replay a trace without the `workload` fixture.
export { replay, type ReplayOptions, type ReplayOutcome, type ProgressSnapshot } from './replay.ts';
export { loadTrace, TraceError, type LoadTraceOptions } from './trace/load.ts';
export { MODES, PRIORITIES, type Trace, type TraceRequest, type TraceIssue, type Mode, type Priority, type Endpoint } from './trace/types.ts';
export { summarize, type RunSummary, type GroupSummary } from './metrics/summary.ts';
export type { RequestResult } from './send/result.ts';
