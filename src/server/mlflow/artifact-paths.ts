import { RUN_ID_PATTERN } from '../../store/index.js';
import { MlflowApiError } from './mlflow-errors.js';

/**
 * Where a proxy path points. The tracking routes give every run the artifact URI
 * `mlflow-artifacts:/<experiment_id>/<run_id>/artifacts`, so the client addresses a run's file as
 * `<experiment_id>/<run_id>/artifacts/<path>`; Slipway keeps artifacts per run, so anything else
 * (`other`) holds nothing.
 */
export type ProxyTarget =
  | { readonly kind: 'run'; readonly experimentId: string; readonly runId: string; readonly path: string }
  | { readonly kind: 'other'; readonly segments: readonly string[] };

/**
 * A client-given artifact path, decoded and checked as MLflow's `validate_path_is_safe` does, then
 * normalised ('/'-separated, no empty or '.' segments, no trailing slash; '' is the root).
 * Decoding repeats until the text stops changing, so `%252e%252e` is caught as '..' too: a path is
 * judged by what it finally names, not by how it was spelt.
 *
 * @throws MlflowApiError INVALID_PARAMETER_VALUE for '..', absolute paths, drive letters,
 *   backslashes, NUL and '#'.
 */
export function safeArtifactPath(raw: string): string {
  const path = decodeFully(raw);
  const why = unsafeReason(path);
  if (why) throw new MlflowApiError('INVALID_PARAMETER_VALUE', `Invalid artifact path ${JSON.stringify(path)}: ${why}.`);
  return path.split('/').filter((s) => s !== '' && s !== '.').join('/');
}

function unsafeReason(path: string): string | undefined {
  if (path.includes('\0')) return 'it contains a NUL byte';
  if (path.includes('\\')) return 'it contains a backslash';
  if (path.includes('#')) return "it contains a '#'";
  if (path.startsWith('/')) return 'it is absolute';
  if (/^[A-Za-z]:/.test(path)) return 'it starts with a drive letter';
  if (path.split('/').includes('..')) return "it has a '..' segment";
  return undefined;
}

/** Percent-decoding to a fixed point, keeping '%' sequences that are not valid UTF-8 as they are (as Python's unquote). */
function decodeFully(raw: string): string {
  let text = raw;
  for (let i = 0; i < 10; i++) {
    const next = text.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
      try {
        return decodeURIComponent(run);
      } catch {
        return run;
      }
    });
    if (next === text) return text;
    text = next;
  }
  throw new MlflowApiError('INVALID_PARAMETER_VALUE', 'Invalid artifact path: it is percent-encoded more than 10 times.');
}

/** Splits a safe, normalised path into a run's artifact path or something outside any run. */
export function proxyTarget(path: string): ProxyTarget {
  const segments = path === '' ? [] : path.split('/');
  const [experimentId, runId, anchor] = segments;
  if (experimentId !== undefined && /^\d+$/.test(experimentId) && runId !== undefined && RUN_ID_PATTERN.test(runId) && anchor === 'artifacts') {
    return { kind: 'run', experimentId, runId, path: segments.slice(3).join('/') };
  }
  return { kind: 'other', segments };
}

/**
 * The still-encoded path after `prefix` in a request URL, without the query string. Read from the raw
 * URL rather than the router's decoded parameter, so decoding (and so the safety check) happens once, here.
 */
export function pathAfter(url: string, prefix: string): string {
  const q = url.indexOf('?');
  const pathname = q === -1 ? url : url.slice(0, q);
  return pathname.startsWith(prefix) ? pathname.slice(prefix.length) : '';
}
