import { invalid, notFound } from '../errors.js';
import type { Store } from '../store/index.js';
import { getVersionByAlias } from './aliases.js';
import { getModelVersion } from './versions.js';
import { checkStage } from './versions.js';
import type { ModelVersion } from './types.js';

/** A parsed `models:/` URI. */
export type ModelUri =
  | { readonly name: string; readonly kind: 'version'; readonly version: string }
  | { readonly name: string; readonly kind: 'alias'; readonly alias: string }
  | { readonly name: string; readonly kind: 'latest' }
  | { readonly name: string; readonly kind: 'stage'; readonly stage: string };

/** `models:/NAME/VERSION`, `models:/NAME@ALIAS`, `models:/NAME/latest`, `models:/NAME/<Stage>` as MLflow writes them. */
export function parseModelUri(uri: string): ModelUri {
  const m = /^models:\/([^/@]+)(?:@([\w-]+)|\/([^/]+))$/.exec(uri);
  if (!m?.[1]) throw invalid(`Invalid model URI '${uri}': expected models:/NAME/VERSION or models:/NAME@ALIAS.`);
  let name: string;
  try {
    name = decodeURIComponent(m[1]);
  } catch {
    throw invalid(`Invalid model URI '${uri}': the name has a malformed %-escape.`);
  }
  if (m[2]) return { name, kind: 'alias', alias: m[2] };
  const part = m[3] ?? '';
  if (/^\d+$/.test(part)) return { name, kind: 'version', version: part };
  if (part.toLowerCase() === 'latest') return { name, kind: 'latest' };
  return { name, kind: 'stage', stage: checkStage(part) };
}

export async function resolveModelUri(store: Store, uri: string): Promise<ModelVersion> {
  const parsed = parseModelUri(uri);
  switch (parsed.kind) {
    case 'version':
      return getModelVersion(store, parsed.name, parsed.version);
    case 'alias':
      return getVersionByAlias(store, parsed.name, parsed.alias);
    case 'latest':
    case 'stage': {
      let q = store.db.selectFrom('model_versions').select('version').where('name', '=', parsed.name);
      if (parsed.kind === 'stage') q = q.where('current_stage', '=', parsed.stage);
      const row = await q.orderBy('version', 'desc').executeTakeFirst();
      if (!row) throw notFound(`No version of model '${parsed.name}' matches ${uri}.`);
      return getModelVersion(store, parsed.name, row.version);
    }
  }
}
