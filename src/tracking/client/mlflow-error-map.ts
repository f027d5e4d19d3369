import { type ErrorCode, SlipwayError } from '../../errors.js';

/**
 * The SlipwayError code each MLflow `error_code` stands for: the inverse of the server's mapping, so
 * a remote failure exits the CLI with the code the same failure has locally (2 for bad input or a
 * missing run, 1 for a refused policy, 3 for the server's own failures).
 */
const TO_CORE: Readonly<Record<string, ErrorCode>> = {
  INVALID_PARAMETER_VALUE: 'INVALID_PARAMETER_VALUE',
  BAD_REQUEST: 'INVALID_PARAMETER_VALUE',
  MALFORMED_REQUEST: 'INVALID_PARAMETER_VALUE',
  RESOURCE_DOES_NOT_EXIST: 'RESOURCE_DOES_NOT_EXIST',
  RESOURCE_ALREADY_EXISTS: 'RESOURCE_ALREADY_EXISTS',
  RESOURCE_CONFLICT: 'RESOURCE_CONFLICT',
  PERMISSION_DENIED: 'PERMISSION_DENIED',
  // The server answers a failed check (CHECK_FAILED) as INVALID_STATE.
  INVALID_STATE: 'CHECK_FAILED',
  INTERNAL_ERROR: 'INTERNAL_ERROR',
};

export interface FailedResponse {
  readonly server: string;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly body: string;
  readonly attempts: number;
}

/** A non-2xx answer as a SlipwayError whose message says what the server said, and where. */
export function errorFromResponse(r: FailedResponse): SlipwayError {
  const where = `${r.method} ${r.path} on ${r.server}`;
  const context = { server: r.server, route: r.path, status: r.status };
  const parsed = parseErrorBody(r.body);
  if (!parsed) {
    const code: ErrorCode = r.status >= 500 || r.status === 429 ? 'INTERNAL_ERROR' : 'INVALID_PARAMETER_VALUE';
    const after = r.attempts > 1 ? ` after ${r.attempts} attempts` : '';
    return new SlipwayError(code, `The tracking server answered ${where} with HTTP ${r.status}${after}: '${r.body.slice(0, 200)}'. Is SLIPWAY_TRACKING_URI a Slipway server?`, context);
  }
  const ctx = { ...context, errorCode: parsed.errorCode };
  switch (parsed.errorCode) {
    case 'UNAUTHENTICATED':
      return new SlipwayError('INVALID_PARAMETER_VALUE', `The tracking server refused ${where}: ${parsed.message}. Set SLIPWAY_TRACKING_TOKEN (or MLFLOW_TRACKING_TOKEN) to a token of that server.`, ctx);
    case 'ENDPOINT_NOT_FOUND':
      return new SlipwayError('INVALID_PARAMETER_VALUE', `The tracking server has no route for ${where}: ${parsed.message}. Is SLIPWAY_TRACKING_URI a Slipway server of this version?`, ctx);
    case 'REQUEST_LIMIT_EXCEEDED': {
      // 429 is the server being busy (transient, after retries); 413 is this request being too large.
      const code: ErrorCode = r.status === 429 ? 'INTERNAL_ERROR' : 'INVALID_PARAMETER_VALUE';
      return new SlipwayError(code, `${parsed.message} (${where}${r.status === 429 ? `, still refused after ${r.attempts} attempts` : ''})`, ctx);
    }
    default: {
      const code = TO_CORE[parsed.errorCode] ?? (r.status >= 500 ? 'INTERNAL_ERROR' : 'INVALID_PARAMETER_VALUE');
      return new SlipwayError(code, `${parsed.message} (${where})`, ctx);
    }
  }
}

function parseErrorBody(body: string): { errorCode: string; message: string } | undefined {
  try {
    const v = JSON.parse(body) as { error_code?: unknown; message?: unknown };
    if (typeof v.error_code !== 'string') return undefined;
    return { errorCode: v.error_code, message: typeof v.message === 'string' ? v.message.replace(/\.$/, '') : v.error_code };
  } catch {
    return undefined;
  }
}
