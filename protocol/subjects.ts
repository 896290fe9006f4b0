// Names shared by the frontend and workers. A namespace isolates one test's stack
// from every other stack that uses the same NATS and etcd.

export const workersPrefix = (ns: string): string => `/${ns}/workers/`;
export const workerKey = (ns: string, workerId: string): string => `${workersPrefix(ns)}${workerId}`;

export const generateSubject = (ns: string, workerId: string): string => `${ns}.worker.${workerId}.generate`;
export const controlSubject = (ns: string, workerId: string): string => `${ns}.worker.${workerId}.control`;
export const kvEventsSubject = (ns: string): string => `${ns}.kv_events`;

/** Response header and body field naming the worker that served a request. */
export const WORKER_ID_HEADER = 'x-servewright-worker-id';
/** Response header with the time a request waited in the frontend's queue, in ms. */
export const QUEUE_MS_HEADER = 'x-servewright-queue-ms';
/** Request header that forces the worker to answer with this HTTP status (failure injection). */
export const FORCE_ERROR_HEADER = 'x-servewright-force-error';
