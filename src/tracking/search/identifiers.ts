/**
 * What names the search grammar knows: entity prefixes, run attributes and dataset fields, with the
 * aliases MLflow accepts (mlflow/utils/search_utils.py, mlflow/entities/run_info.py). Shared by the
 * filter parser and the order_by parser so both accept exactly the same identifiers.
 */

export type Entity = 'metric' | 'param' | 'tag' | 'attribute' | 'dataset';

/** Prefixes are case-sensitive in MLflow (`Metrics.acc` is refused there), so they are here too. */
const PREFIXES: Readonly<Record<string, Entity>> = {
  metric: 'metric',
  metrics: 'metric',
  param: 'param',
  params: 'param',
  parameter: 'param',
  parameters: 'param',
  tag: 'tag',
  tags: 'tag',
  attribute: 'attribute',
  attributes: 'attribute',
  attr: 'attribute',
  run: 'attribute',
  dataset: 'dataset',
  datasets: 'dataset',
};

export const NUMERIC_ATTRIBUTES: readonly string[] = ['start_time', 'end_time'];
/** MLflow's searchable string attributes, plus lifecycle_stage (readable here, so filterable too). */
export const STRING_ATTRIBUTES: readonly string[] = [
  'run_id',
  'run_name',
  'user_id',
  'status',
  'artifact_uri',
  'lifecycle_stage',
];
/** MLflow's alternate spellings (SearchUtils.translate_key_alias). */
const ATTRIBUTE_ALIASES: Readonly<Record<string, string>> = {
  created: 'start_time',
  Created: 'start_time',
  'run name': 'run_name',
  'Run name': 'run_name',
  'Run Name': 'run_name',
};
export const DATASET_KEYS: readonly string[] = ['name', 'digest', 'context'];

export type Resolved = { ok: true; entity: Entity; key: string } | { ok: false; problem: string };

/**
 * Resolves `head.key` (or a bare `head`, which MLflow reads as an attribute) to an entity and its
 * canonical key. Attribute aliases are translated here so later stages see one spelling.
 */
export function resolveIdentifier(head: string, key: string | undefined): Resolved {
  if (key === undefined) return resolveAttribute(head);
  const entity = Object.hasOwn(PREFIXES, head) ? PREFIXES[head] : undefined;
  if (!entity) {
    return {
      ok: false,
      problem: `unknown entity '${head}' in '${head}.${key}' (use metrics., params., tags., attributes. or datasets.)`,
    };
  }
  if (entity === 'attribute') return resolveAttribute(key);
  if (entity === 'dataset' && !DATASET_KEYS.includes(key)) {
    return { ok: false, problem: `unknown dataset field '${key}' (use ${DATASET_KEYS.join(', ')})` };
  }
  return { ok: true, entity, key };
}

function resolveAttribute(key: string): Resolved {
  const canonical = Object.hasOwn(ATTRIBUTE_ALIASES, key) ? (ATTRIBUTE_ALIASES[key] as string) : key;
  if (NUMERIC_ATTRIBUTES.includes(canonical) || STRING_ATTRIBUTES.includes(canonical)) {
    return { ok: true, entity: 'attribute', key: canonical };
  }
  const valid = [...STRING_ATTRIBUTES, ...NUMERIC_ATTRIBUTES].join(', ');
  return { ok: false, problem: `unknown attribute '${key}' (use ${valid})` };
}

/** True for entities compared as numbers: metrics and the time attributes. */
export function isNumeric(entity: Entity, key: string): boolean {
  return entity === 'metric' || (entity === 'attribute' && NUMERIC_ATTRIBUTES.includes(key));
}
