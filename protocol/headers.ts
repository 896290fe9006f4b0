// Every HTTP header name on the wire between clients, the frontend and workers. Header
// names are lower case because Node's IncomingMessage lowercases them.

/** Request header: the client's id for a request; the frontend and workers log it. */
export const REQUEST_ID_HEADER = 'x-request-id';
/** Response header and body field naming the worker that served a request. */
export const WORKER_ID_HEADER = 'x-servewright-worker-id';
/** Response header with the time a request waited in the frontend's queue, in ms. */
export const QUEUE_MS_HEADER = 'x-servewright-queue-ms';
/** Request header that forces the worker to answer with this HTTP status (failure injection). */
export const FORCE_ERROR_HEADER = 'x-servewright-force-error';

/** Request header of a trace row's priority class, sent by the replay engine. */
export const PRIORITY_HEADER = 'x-priority';
/** Request header `{"workload_id": string, "criticality": 1..5}` read by workload-aware routing. */
export const WORKLOAD_CONTEXT_HEADER = 'x-workload-context';
/** Autellix program/thread identity headers (the body's `nvext` fields are the alternative). */
export const PROGRAM_ID_HEADER = 'x-program-id';
export const THREAD_ID_HEADER = 'x-thread-id';
/** Comma-separated thread ids. */
export const PARENT_THREAD_IDS_HEADER = 'x-parent-thread-ids';

/** Criticality of a request whose workload context names none (or that has no context). */
export const DEFAULT_CRITICALITY = 3;
