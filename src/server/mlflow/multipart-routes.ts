import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Store } from '../../store/index.js';
import type { ServerContext } from '../types.js';
import { pathAfter, proxyTarget, safeArtifactPath } from './artifact-paths.js';
import { activeRunOfTarget, type RunTarget } from './artifact-runs.js';
import { MlflowApiError } from './mlflow-errors.js';
import { MAX_PARTS, type MultipartUploads, type UploadSession } from './multipart-upload.js';
import { badValue, optionalArray, optionalInt, readParams, requiredString, type Params } from './request-params.js';

/**
 * The start of the message MLflow's client looks for to fall back from multipart to a single PUT
 * (`_UnsupportedMultipartUploadException.MESSAGE`).
 */
export const MULTIPART_UNSUPPORTED = 'Multipart upload is not supported for the current artifact repository';

/**
 * POST `<prefix>mpu/{create,complete,abort}/<folder>` with `{path: <client's local file>, ...}`: the
 * artifact is `<folder>/<basename of path>`, as on MLflow's server. Parts go to the URLs `create`
 * returns (see artifact-upload.ts), each answering with an ETag the client hands back to `complete`.
 *
 * MLflow 2.10's client leaves the run out of the folder (it sends `mpu/create/<folder in the run>`,
 * fixed in 2.11 by mlflow/mlflow#11284); such a path names no run, so it gets MLflow's own
 * "not supported" answer, on which that client falls back to a single streamed PUT that works.
 */
export function registerMultipartRoutes(app: FastifyInstance, ctx: ServerContext, prefixes: readonly string[], uploads: MultipartUploads): void {
  for (const prefix of prefixes) {
    const partsBase = `${prefix.replace(/^\/ajax-api\//, '/api/')}mpu/part/`;
    const actions = {
      create: async (call: Call) => {
        await activeRunOfTarget(call.store, call.folder);
        const numParts = optionalInt(call.params, 'num_parts') ?? 0;
        const uploadId = await uploads.create(call.store, call.folder.runId, call.folder.experimentId, call.path, numParts);
        const origin = `${call.request.protocol}://${call.request.host}`;
        const credentials = Array.from({ length: numParts }, (_, i) => ({ url: `${origin}${partsBase}${uploadId}/${i + 1}`, part_number: i + 1 }));
        return { upload_id: uploadId, credentials };
      },
      complete: async (call: Call) => {
        const uploadId = requiredString(call.params, 'upload_id');
        const session = sameTarget(await uploads.session(call.store, uploadId), call, uploadId);
        const parts = readParts(call.params);
        await activeRunOfTarget(call.store, call.folder);
        await uploads.complete(call.store, session, uploadId, parts);
        return {};
      },
      abort: async (call: Call) => {
        const uploadId = requiredString(call.params, 'upload_id');
        // Aborting an upload that is already gone succeeds: the client aborts after any failure, even a failed complete.
        const session = await uploads.session(call.store, uploadId).catch((err: unknown) => {
          if (err instanceof MlflowApiError && err.errorCode === 'RESOURCE_DOES_NOT_EXIST') return undefined;
          throw err;
        });
        if (session) {
          sameTarget(session, call, uploadId);
          await uploads.abort(call.store, uploadId);
        }
        return {};
      },
    };

    for (const [action, run] of Object.entries(actions)) {
      const base = `${prefix}mpu/${action}`;
      const handler = async (request: FastifyRequest, reply: FastifyReply) => {
        const target = proxyTarget(safeArtifactPath(pathAfter(request.url, `${base}/`)));
        const params = readParams(request);
        const path = clientFileName(requiredString(params, 'path'));
        if (target.kind !== 'run') return unsupported(reply, target.segments.join('/'));
        const call: Call = { request, params, store: ctx.storeFor(request.principal), folder: target, path: target.path === '' ? path : `${target.path}/${path}` };
        return reply.type('application/json').send(JSON.stringify(await run(call)));
      };
      app.post(base, { config: { permission: 'edit' } }, handler);
      app.post(`${base}/*`, { config: { permission: 'edit' } }, handler);
    }
  }
}

interface Call {
  readonly request: FastifyRequest;
  readonly params: Params;
  readonly store: Store;
  /** The run folder from the URL. */
  readonly folder: RunTarget;
  /** The artifact's path in the run: the folder plus the client file's name. */
  readonly path: string;
}

function unsupported(reply: FastifyReply, given: string): FastifyReply {
  const message = `${MULTIPART_UNSUPPORTED}: Slipway takes multipart uploads for a run's artifacts, at mpu/create/<experiment_id>/<run_id>/artifacts/<folder>, not at '${given}'. Upload the file with a single PUT instead.`;
  return reply.status(501).type('application/json').send(JSON.stringify({ error_code: 'NOT_IMPLEMENTED', message }));
}

/** The file name of the client's local path (a POSIX or Windows path), checked like any artifact path. */
function clientFileName(localPath: string): string {
  const name = localPath.slice(Math.max(localPath.lastIndexOf('/'), localPath.lastIndexOf('\\')) + 1);
  const safe = name === '' ? '' : safeArtifactPath(name);
  if (safe === '' || safe.includes('/')) throw new MlflowApiError('INVALID_PARAMETER_VALUE', `Invalid value for 'path': ${JSON.stringify(localPath)} does not end in a file name.`);
  return safe;
}

function sameTarget(session: UploadSession, call: Call, uploadId: string): UploadSession {
  if (session.run_id !== call.folder.runId || session.path !== call.path) {
    throw new MlflowApiError('INVALID_PARAMETER_VALUE', `Multipart upload ${uploadId} is for '${session.path}' of run ${session.run_id}, not '${call.path}' of run ${call.folder.runId}.`);
  }
  return session;
}

function readParts(params: Params): { partNumber: number; etag: string }[] {
  const parts = optionalArray(params, 'parts') ?? [];
  if (parts.length > MAX_PARTS) throw badValue('parts', `${parts.length} parts`);
  return parts.map((part) => {
    if (typeof part !== 'object' || part === null || Array.isArray(part)) throw badValue('parts', part);
    const p = part as Params;
    const etag = p.etag;
    if (typeof etag !== 'string') throw badValue('etag', etag);
    return { partNumber: optionalInt(p, 'part_number') ?? Number.NaN, etag };
  });
}
