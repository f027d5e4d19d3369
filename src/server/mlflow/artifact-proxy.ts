import type { FastifyInstance } from 'fastify';
import { SlipwayError } from '../../errors.js';
import { deleteArtifact, listArtifacts } from '../../tracking/index.js';
import type { ServerContext } from '../types.js';
import { registerArtifactDownloads } from './artifact-download.js';
import { pathAfter, proxyTarget, safeArtifactPath } from './artifact-paths.js';
import { activeRunOfTarget, requireRunTarget, runOfTarget } from './artifact-runs.js';
import { registerArtifactUploads } from './artifact-upload.js';
import { MlflowApiError } from './mlflow-errors.js';
import { registerMultipartRoutes } from './multipart-routes.js';
import { MultipartUploads } from './multipart-upload.js';
import { optionalString, readParams } from './request-params.js';

/** Where MLflow serves its artifact service: the client's prefix and the web UI's. */
export const ARTIFACT_PREFIXES = ['/api/2.0/mlflow-artifacts/', '/ajax-api/2.0/mlflow-artifacts/'] as const;

/**
 * MLflow's artifact proxy (`/api/2.0/mlflow-artifacts/...`), `/get-artifact` and
 * `/model-versions/get-artifact`, over the runs' artifacts in Slipway's store. A proxy path is
 * `<experiment_id>/<run_id>/artifacts/<path>` (the runs' artifact_uri is
 * `mlflow-artifacts:/<experiment_id>/<run_id>/artifacts`); uploads and downloads stream.
 */
export function registerArtifactProxy(app: FastifyInstance, ctx: ServerContext): void {
  const uploads = new MultipartUploads();
  registerArtifactUploads(app, ctx, ARTIFACT_PREFIXES, uploads);
  registerArtifactDownloads(app, ctx, ARTIFACT_PREFIXES);
  registerMultipartRoutes(app, ctx, ARTIFACT_PREFIXES, uploads);

  for (const prefix of ARTIFACT_PREFIXES) {
    const base = `${prefix}artifacts/`;

    // Names are relative to the listed folder, as MLflow's proxy answers; a path holding nothing lists empty.
    app.get(`${prefix}artifacts`, { config: { permission: 'read' } }, async (request, reply) => {
      const given = optionalString(readParams(request), 'path');
      const target = proxyTarget(given === undefined ? '' : safeArtifactPath(given));
      const store = ctx.storeFor(request.principal);
      let files: { path: string; is_dir: boolean; file_size?: number }[] = [];
      if (target.kind === 'run') {
        const found = await runOfTarget(store, target).then(() => true, absentAsFalse);
        if (found) files = (await listArtifacts(store, target.runId, target.path)).map((e) => ({ path: basename(e.path), is_dir: e.is_dir, ...(e.is_dir ? {} : { file_size: e.file_size }) }));
      } else if (target.segments.length === 2) {
        // `<experiment_id>/<run_id>` holds the run's `artifacts` folder once something was logged.
        const [experimentId = '', runId = ''] = target.segments;
        const asRun = proxyTarget(`${experimentId}/${runId}/artifacts`);
        if (asRun.kind === 'run' && (await runOfTarget(store, asRun).then(() => true, absentAsFalse)) && (await listArtifacts(store, runId)).length > 0) {
          files = [{ path: 'artifacts', is_dir: true }];
        }
      }
      return reply.type('application/json').send(JSON.stringify(files.length ? { files } : {}));
    });

    // Deleting what is not there succeeds, as on MLflow's server; the run itself must exist and be active.
    app.delete(`${base}*`, { config: { permission: 'edit' } }, async (request, reply) => {
      const target = requireRunTarget(proxyTarget(safeArtifactPath(pathAfter(request.url, base))), 'INVALID_PARAMETER_VALUE');
      const store = ctx.storeFor(request.principal);
      await activeRunOfTarget(store, target);
      const paths = target.path === '' ? (await listArtifacts(store, target.runId)).map((e) => e.path) : [target.path];
      for (const path of paths) await deleteArtifact(store, target.runId, path).catch(absentAsFalse);
      return reply.type('application/json').send('{}');
    });
  }
}

function absentAsFalse(err: unknown): false {
  if (err instanceof SlipwayError && err.code === 'RESOURCE_DOES_NOT_EXIST') return false;
  if (err instanceof MlflowApiError && err.errorCode === 'RESOURCE_DOES_NOT_EXIST') return false;
  throw err;
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
