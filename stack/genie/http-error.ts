import { TensorError, type TensorErrorKind } from '../../protocol/tensor/tensor.ts';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

const STATUS_BY_KIND: Record<TensorErrorKind, number> = {
  malformed: 400,
  'unknown-op': 400,
  'bad-graph': 400,
  shape: 422,
};

export function toHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  if (err instanceof TensorError) return new HttpError(STATUS_BY_KIND[err.kind], err.message);
  return new HttpError(500, `internal error: ${(err as Error)?.message ?? String(err)}`);
}
