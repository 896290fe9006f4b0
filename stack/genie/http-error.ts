import { HttpError } from '../../protocol/http/http-error.ts';
import { TensorError, type TensorErrorKind } from '../../protocol/tensor/tensor.ts';

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
