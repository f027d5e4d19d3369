import type { ModelVersion, RegisteredModel } from '../../registry/index.js';

/**
 * Registry entities as MLflow 2.x's server writes them (model_registry.proto through its JSON printer):
 * snake_case, timestamps as numbers, `version` as a string, and proto2 presence, so unset optional
 * fields and empty repeated fields are left out. Slipway's own fields (the version's blob) are not part
 * of the protocol and stay out.
 */

type Json = Record<string, unknown>;

/**
 * MLflow's server fills `description`, `source` and `run_id` even when empty (the request's defaults
 * are stored), leaves `status_message` out unless set, and never sends a model version's `run_link`
 * when there is none; Slipway records no run links.
 */
export function modelVersionJson(v: ModelVersion): Json {
  return {
    name: v.name,
    version: v.version,
    creation_timestamp: v.creation_timestamp,
    last_updated_timestamp: v.last_updated_timestamp,
    ...(v.user_id ? { user_id: v.user_id } : {}),
    current_stage: v.current_stage,
    description: v.description,
    source: v.source,
    run_id: v.run_id,
    status: v.status,
    ...(v.status_message ? { status_message: v.status_message } : {}),
    ...(v.tags.length ? { tags: v.tags.map((t) => ({ key: t.key, value: t.value })) } : {}),
    ...(v.aliases.length ? { aliases: [...v.aliases] } : {}),
  };
}

/** MLflow sends a model's description only when non-empty and never its user_id. */
export function registeredModelJson(m: RegisteredModel): Json {
  return {
    name: m.name,
    creation_timestamp: m.creation_timestamp,
    last_updated_timestamp: m.last_updated_timestamp,
    ...(m.description ? { description: m.description } : {}),
    ...(m.latest_versions.length ? { latest_versions: m.latest_versions.map(modelVersionJson) } : {}),
    ...(m.tags.length ? { tags: m.tags.map((t) => ({ key: t.key, value: t.value })) } : {}),
    ...(m.aliases.length ? { aliases: m.aliases.map((a) => ({ alias: a.alias, version: a.version })) } : {}),
  };
}
