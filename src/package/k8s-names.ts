import { invalid } from '../errors.js';

/** Longest Kubernetes object name or label value (a DNS label). */
const MAX_LABEL = 63;

/**
 * A name valid for every object `slipway package` writes: lowercase, `[a-z0-9-]`, at most 63
 * characters, starting with a letter and ending with a letter or digit. Services need that stricter
 * DNS-1035 form (a leading digit is refused), so one rule serves Deployment, Service, HPA and
 * InferenceService alike.
 *
 * @example
 *   kubernetesName('Churn_Model v2') // 'churn-model-v2'
 *   kubernetesName('2024-fraud')     // 'model-2024-fraud'
 */
export function kubernetesName(raw: string): string {
  let name = raw.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/-+/g, '-').replace(/^-+|-+$/g, '');
  if (name === '') {
    throw invalid(`'${raw}' has no letters or digits to make a Kubernetes name from; give one with [a-z0-9-].`, { name: raw });
  }
  if (!/^[a-z]/.test(name)) name = `model-${name}`;
  return name.slice(0, MAX_LABEL).replace(/-+$/, '');
}

/**
 * A label value for `raw` (which keeps its exact form in an annotation): `[A-Za-z0-9._-]`, at most 63
 * characters, alphanumeric at both ends; empty when nothing usable is left (an empty value is valid).
 */
export function labelValue(raw: string): string {
  return raw
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .slice(0, MAX_LABEL)
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
}
