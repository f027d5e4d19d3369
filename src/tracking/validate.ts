import { invalid } from '../errors.js';
import { RUN_ID_PATTERN } from '../store/index.js';
import { LIMITS } from './types.js';

/** Input checks shared by every entry point, with MLflow's limits and wording where MLflow has one. */

export function checkKey(kind: string, key: unknown): string {
  if (typeof key !== 'string' || key.length === 0) throw invalid(`Missing value for required parameter '${kind} key'.`);
  if (key.length > LIMITS.key) {
    throw invalid(`${kind} key '${key.slice(0, 40)}…' had length ${key.length}, which exceeded length limit of ${LIMITS.key}`);
  }
  // MLflow's rule: names may contain alphanumerics, underscores, dashes, periods, spaces and slashes;
  // no '..' or leading '/' so a key can never be read as a path.
  if (!/^[\w\-. /]+$/.test(key) || key.includes('..') || key.startsWith('/')) {
    throw invalid(
      `Invalid ${kind.toLowerCase()} name: '${key}'. Names may only contain alphanumerics, underscores (_), ` +
        'dashes (-), periods (.), spaces ( ), and slashes (/).',
    );
  }
  return key;
}

export function checkValueLength(kind: string, key: string, value: string, limit: number): string {
  if (value.length > limit) {
    throw invalid(`${kind} value for '${key}' had length ${value.length}, which exceeded length limit of ${limit}`);
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
