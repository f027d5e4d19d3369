/**
 * The one error class of Slipway's core. Each error has a stable `code` (mapped to an exit code by the
 * CLI and to an HTTP status / MLflow error_code by the servers, never earlier) and optional context.
 *
 * @example
 *   throw new SlipwayError('INVALID_PARAMETER_VALUE', `Param 'lr' was already logged as '0.1'`, { key: 'lr' });
 */
export type ErrorCode =
  /** The caller sent something malformed or contradictory (exit 2, HTTP 400). */
  | 'INVALID_PARAMETER_VALUE'
  /** The thing named does not exist (exit 2, HTTP 404). */
  | 'RESOURCE_DOES_NOT_EXIST'
  /** The thing being created exists already (exit 2, HTTP 400 as MLflow does). */
  | 'RESOURCE_ALREADY_EXISTS'
  /** The request conflicts with the current state (exit 2, HTTP 409). */
  | 'RESOURCE_CONFLICT'
  /** A policy refused the action: missing blessing, self-approval (exit 1, HTTP 403). */
  | 'PERMISSION_DENIED'
  /** A check ran and failed: validation, gate, drift (exit 1). */
  | 'CHECK_FAILED'
  /** Stored data is not what it should be: a blob failed its hash, a database is newer than the code (exit 3). */
  | 'DATA_CORRUPTION'
  /** Anything unexpected (exit 3, HTTP 500). */
  | 'INTERNAL_ERROR';

export class SlipwayError extends Error {
  override readonly name = 'SlipwayError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly context: Readonly<Record<string, unknown>> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export const invalid = (message: string, context?: Record<string, unknown>) =>
  new SlipwayError('INVALID_PARAMETER_VALUE', message, context);
export const notFound = (message: string, context?: Record<string, unknown>) =>
  new SlipwayError('RESOURCE_DOES_NOT_EXIST', message, context);
export const alreadyExists = (message: string, context?: Record<string, unknown>) =>
  new SlipwayError('RESOURCE_ALREADY_EXISTS', message, context);

/** Exit codes of DESIGN.md: 0 ok, 1 a check failed, 2 usage or input error, 3 internal. */
export function exitCodeOf(err: unknown): 1 | 2 | 3 {
  if (!(err instanceof SlipwayError)) return 3;
  switch (err.code) {
    case 'CHECK_FAILED':
    case 'PERMISSION_DENIED':
      return 1;
    case 'DATA_CORRUPTION':
    case 'INTERNAL_ERROR':
      return 3;
    default:
      return 2;
  }
}
