import { SlipwayError, type ErrorCode } from '../../errors.js';

/** The `error_code` strings MLflow's server sends, and their HTTP statuses (mlflow/protos/databricks.proto). */
export type MlflowErrorCode =
  | 'INVALID_PARAMETER_VALUE' | 'BAD_REQUEST' | 'RESOURCE_ALREADY_EXISTS' | 'RESOURCE_DOES_NOT_EXIST' | 'ENDPOINT_NOT_FOUND'
  | 'MALFORMED_REQUEST' | 'UNAUTHENTICATED' | 'PERMISSION_DENIED' | 'RESOURCE_CONFLICT' | 'REQUEST_LIMIT_EXCEEDED' | 'INTERNAL_ERROR' | 'INVALID_STATE';

const STATUS: Readonly<Record<MlflowErrorCode, number>> = {
  INVALID_PARAMETER_VALUE: 400, BAD_REQUEST: 400, MALFORMED_REQUEST: 400, RESOURCE_ALREADY_EXISTS: 400, INVALID_STATE: 400,
  RESOURCE_DOES_NOT_EXIST: 404, ENDPOINT_NOT_FOUND: 404,
  UNAUTHENTICATED: 401, PERMISSION_DENIED: 403, RESOURCE_CONFLICT: 409, REQUEST_LIMIT_EXCEEDED: 429, INTERNAL_ERROR: 500,
};

/** An error answered as MLflow answers it: `{"error_code", "message"}` with the code's status. */
export class MlflowApiError extends Error {
  override readonly name = 'MlflowApiError';
  constructor(readonly errorCode: MlflowErrorCode, message: string) {
    super(message);
  }
  get status(): number {
    return STATUS[this.errorCode];
  }
}

const FROM_CORE: Readonly<Record<ErrorCode, MlflowErrorCode>> = {
  INVALID_PARAMETER_VALUE: 'INVALID_PARAMETER_VALUE',
  RESOURCE_DOES_NOT_EXIST: 'RESOURCE_DOES_NOT_EXIST',
  RESOURCE_ALREADY_EXISTS: 'RESOURCE_ALREADY_EXISTS',
  RESOURCE_CONFLICT: 'RESOURCE_CONFLICT',
  PERMISSION_DENIED: 'PERMISSION_DENIED',
  CHECK_FAILED: 'INVALID_STATE',
  DATA_CORRUPTION: 'INTERNAL_ERROR',
  INTERNAL_ERROR: 'INTERNAL_ERROR',
};

/** Any thrown value → MLflow's error body and status. Unknown errors are 500 without their stack. */
export function toMlflowError(err: unknown): { status: number; body: { error_code: MlflowErrorCode; message: string } } {
  if (err instanceof MlflowApiError) return { status: err.status, body: { error_code: err.errorCode, message: err.message } };
  if (err instanceof SlipwayError) {
    const code = FROM_CORE[err.code];
    return { status: STATUS[code], body: { error_code: code, message: err.message } };
  }
  const fastify = err as { statusCode?: number; code?: string; message?: string };
  if (fastify.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return { status: 413, body: { error_code: 'REQUEST_LIMIT_EXCEEDED', message: fastify.message ?? 'request body too large' } };
  if (typeof fastify.statusCode === 'number' && fastify.statusCode >= 400 && fastify.statusCode < 500) {
    return { status: fastify.statusCode, body: { error_code: 'BAD_REQUEST', message: fastify.message ?? 'bad request' } };
  }
  return { status: 500, body: { error_code: 'INTERNAL_ERROR', message: 'internal server error; the server log has the details' } };
}

export const mlflowStatus = (code: MlflowErrorCode): number => STATUS[code];
