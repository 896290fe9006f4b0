// The OpenAI error body `{ error: { message, type, param, code } }` in the shape vLLM's
// server returns it (vllm/entrypoints/openai/protocol.py@0052bed36509c7a5a2d8e48265334e40cf2f5a0e,
// ErrorResponse), written by the frontend and the worker alike.

const ERROR_TYPES: Readonly<Record<number, string>> = {
  400: 'BadRequestError',
  404: 'NotFoundError',
  405: 'MethodNotAllowed',
  413: 'PayloadTooLargeError',
  429: 'RateLimitError',
  502: 'BadGatewayError',
  503: 'ServiceUnavailableError',
};

export function errorType(status: number): string {
  return ERROR_TYPES[status] ?? (status >= 500 ? 'InternalServerError' : 'BadRequestError');
}

export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: number };
}

export function errorBody(status: number, message: string, param: string | null = null, type = errorType(status)): OpenAIErrorBody {
  return { error: { message, type, param, code: status } };
}
