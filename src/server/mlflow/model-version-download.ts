import { SlipwayError } from '../../errors.js';
import { type ModelVersion, parseRunArtifactUri, resolveModelUri } from '../../registry/index.js';
import type { Store } from '../../store/index.js';
import { getRunInfo } from '../../tracking/index.js';

/** How many `models:/` sources are followed before giving up (a copy of a copy of a copy...). */
const MAX_HOPS = 8;

/**
 * Where a client downloads a version's files, through the server's artifact proxy: a `runs:/RUN/PATH`
 * source becomes the run's `mlflow-artifacts:/EXP/RUN/artifacts/PATH`; a `models:/` source (a copied
 * version) resolves to its original's location while the original still holds the same bytes (an alias
 * or stage in the URI may have moved since). Anything else, including a source whose run or original
 * is gone, is returned as registered, as MLflow returns the source it stored.
 */
export async function modelVersionDownloadUri(store: Store, v: ModelVersion): Promise<string> {
  let current = v;
  try {
    for (let hops = 0; hops < MAX_HOPS && /^models:/i.test(current.source); hops++) {
      const original = await resolveModelUri(store, current.source);
      if (original.blob.hash !== v.blob.hash) return v.source;
      current = original;
    }
    const ref = current.source.startsWith('runs:/') ? parseRunArtifactUri(current.source) : undefined;
    if (!ref) return /^models:/i.test(current.source) ? v.source : current.source;
    const run = await getRunInfo(store, ref.runId);
    return ref.path ? `${run.artifact_uri}/${ref.path}` : run.artifact_uri;
  } catch (err) {
    if (!(err instanceof SlipwayError) || err.code !== 'RESOURCE_DOES_NOT_EXIST') throw err;
    return v.source;
  }
}
