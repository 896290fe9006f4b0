// Names shared by the frontend and workers. A namespace isolates one test's stack
// from every other stack that uses the same NATS and etcd.

export const workersPrefix = (ns: string): string => `/${ns}/workers/`;
export const workerKey = (ns: string, workerId: string): string => `${workersPrefix(ns)}${workerId}`;

export const generateSubject = (ns: string, workerId: string): string => `${ns}.worker.${workerId}.generate`;
export const controlSubject = (ns: string, workerId: string): string => `${ns}.worker.${workerId}.control`;
export const kvEventsSubject = (ns: string): string => `${ns}.kv_events`;
