import { notFound } from '../../errors.js';
import { MlflowApiError } from './mlflow-errors.js';
import { badValue, optionalArray, requiredString, type Params } from './request-params.js';

/** Registry request fields read as MLflow's registry store validates them. */

/**
 * The `version` field: a required string holding an integer. An integer that cannot name a version
 * (0, negative, too large) is answered as MLflow does, as a version that does not exist.
 */
export function requiredVersion(p: Params, modelName: string): string {
  const raw = requiredString(p, 'version');
  if (!/^\s*[-+]?\d+\s*$/.test(raw)) throw new MlflowApiError('INVALID_PARAMETER_VALUE', `Model version must be an integer, got '${raw}'`);
  const n = Number(raw.trim());
  if (!Number.isSafeInteger(n) || n < 1 || n > 999_999_999) throw notFound(`Model Version (name=${modelName}, version=${raw.trim()}) not found`);
  return String(n);
}

/** `tags: [{key, value}]`; a tag without a value has the empty string, as protobuf defaults it. */
export function readTags(p: Params): { key: string; value: string }[] | undefined {
  const tags = optionalArray(p, 'tags');
  if (!tags) return undefined;
  return tags.map((t) => {
    const tag = (typeof t === 'object' && t !== null ? t : {}) as { key?: unknown; value?: unknown };
    if (typeof tag.key !== 'string' || !(tag.value === undefined || tag.value === null || typeof tag.value === 'string')) throw badValue('tags', tags);
    return { key: tag.key, value: tag.value ?? '' };
  });
}

/**
 * MLflow's alias rule, with its messages: word characters and dashes, at most 255, and neither
 * 'latest' nor 'v<number>', which already mean something in `models:/` URIs.
 */
export function checkMlflowAlias(alias: string): string {
  const refuse = (message: string) => new MlflowApiError('INVALID_PARAMETER_VALUE', message);
  if (!/^[\p{L}\p{N}_-]*$/u.test(alias)) {
    throw refuse(`Invalid alias name: '${alias}'. Names may only contain alphanumerics, underscores (_), and dashes (-).`);
  }
  if (alias.length > 255) {
    throw refuse(`Registered model alias name '${alias.slice(0, 250)}' had length ${alias.length}, which exceeded length limit of 255`);
  }
  if (alias.toLowerCase() === 'latest') throw refuse("'latest' alias name (case insensitive) is reserved.");
  if (/^[vV]\d+$/.test(alias)) throw refuse(`Version alias name '${alias}' is reserved.`);
  return alias;
}
