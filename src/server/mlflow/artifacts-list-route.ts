import { invalid } from '../../errors.js';
import { getRunInfo, listArtifacts } from '../../tracking/index.js';
import type { MlflowRoute } from './mlflow-router.js';
import { optionalString } from './request-params.js';
import { fileInfoJson } from './tracking-json.js';
import { runIdParam } from './tracking-params.js';

/**
 * MLflow's path check for listing (mlflow/utils/uri.py validate_path_is_safe): no '#', no backslash,
 * no '..' segment, not absolute (POSIX or Windows), all answered with the same terse message.
 */
function checkSafePath(path: string): void {
  const unsafe =
    path.includes('#') || path.includes('\\') || path.split('/').includes('..') || path.startsWith('/') || /^[a-zA-Z]:/.test(path);
  if (unsafe) throw invalid('Invalid path');
}

/**
 * `GET artifacts/list`: the immediate children of `path` in a run's artifacts (the whole tree lives
 * in Slipway's store, behind the artifact proxy), with the run's artifact URI as `root_uri`.
 * MLflow does not page this listing either; `page_token` is accepted and ignored.
 */
export const artifactsListRoute: MlflowRoute = {
  method: 'GET', path: 'artifacts/list', permission: 'read',
  async handler({ params, store }) {
    const runId = runIdParam(params);
    const path = optionalString(params, 'path');
    if (path !== undefined) checkSafePath(path);
    const info = await getRunInfo(store, runId);
    const files = await listArtifacts(store, runId, path);
    return files.length > 0 ? { root_uri: info.artifact_uri, files: files.map(fileInfoJson) } : { root_uri: info.artifact_uri };
  },
};
