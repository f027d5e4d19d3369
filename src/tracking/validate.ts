import { invalid } from '../errors.js';
import { RUN_ID_PATTERN } from '../store/index.js';
import { LIMITS } from './types.js';

/** Input checks shared by every entry point, with MLflow's limits and wording where MLflow has one. */

export function checkKey(kind: string, key: unknown): string {
  if (typeof key !== 'string' || key.length === 0) throw invalid(`Missing value for required parameter '${kind} key'.`);
  // MLflow's rule and wording: names may contain (Unicode) alphanumerics, underscores, dashes, periods, spaces and
  // slashes, and must read the same as a normalised relative path, so a key can never name another file.
  const noun = kind === 'Param' ? 'parameter' : kind.toLowerCase();
  if (!/^[\p{L}\p{N}_\-. /]*$/u.test(key)) {
    throw invalid(
      `Invalid ${noun} name: '${key}'. Names may only contain alphanumerics, underscores (_), ` +
        'dashes (-), periods (.), spaces ( ), and slashes (/).',
    );
  }
  const norm = normalizePosixPath(key);
  if (norm !== key || norm === '.' || norm.startsWith('..') || norm.startsWith('/')) {
    throw invalid(
      `Invalid ${noun} name: '${key}'. Names may be treated as files in certain cases, and must not resolve to ` +
        `other names when treated as such. This name would resolve to '${norm}'`,
    );
  }
  if (key.length > LIMITS.key) {
    throw invalid(`${kind} key '${key.slice(0, 250)}' had length ${key.length}, which exceeded length limit of ${LIMITS.key}`);
  }
  return key;
}

/** Python's posixpath.normpath: collapses '//' and '.', resolves 'x/..', drops a trailing '/'. */
function normalizePosixPath(path: string): string {
  const absolute = path.startsWith('/');
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..' && out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else if (part !== '..' || !absolute) out.push(part);
  }
  const joined = out.join('/');
  return absolute ? `/${joined}` : joined || '.';
}

export function checkValueLength(kind: string, _key: string, value: string, limit: number): string {
  if (value.length > limit) {
    throw invalid(`${kind} value '${value.slice(0, 250)}' had length ${value.length}, which exceeded length limit of ${limit}`);
  }
  return value;
}

export function checkRunId(runId: unknown): string {
  if (typeof runId !== 'string' || !RUN_ID_PATTERN.test(runId)) {
    throw invalid(`Invalid run id '${String(runId)}': expected 32 lowercase hex characters.`);
  }
  return runId;
}

export function checkFiniteInteger(what: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw invalid(`${what} must be an integer, got ${JSON.stringify(v)}.`);
  return v;
}

export function checkExperimentName(name: unknown): string {
  if (typeof name !== 'string' || name.trim() === '') throw invalid('Experiment name must be a non-empty string.');
  if (name.length > LIMITS.experimentName) {
    throw invalid(`Experiment name had length ${name.length}, which exceeded length limit of ${LIMITS.experimentName}`);
  }
  return name;
}
