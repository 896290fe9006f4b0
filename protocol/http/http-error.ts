/** A failure that becomes an HTTP answer with this status and message (frontend, worker, Genie). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}
