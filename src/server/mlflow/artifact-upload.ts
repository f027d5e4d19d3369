import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { putArtifact } from '../../tracking/index.js';
import type { ServerContext } from '../types.js';
import { pathAfter, proxyTarget, safeArtifactPath } from './artifact-paths.js';
import { activeRunOfTarget, requireFilePath, requireRunTarget } from './artifact-runs.js';
import type { MultipartUploads } from './multipart-upload.js';

/**
 * The routes whose body is a file: PUT `<prefix>artifacts/<path>` (MLflow's upload) and PUT
 * `<prefix>mpu/part/<upload_id>/<n>` (a part of a multipart upload). They live in their own
 * encapsulated context whose only body parser hands over the raw request stream, whatever the
 * content type (the client labels a JSON file application/json, and it must not be parsed), so
 * the body goes straight into the object store, hashed on the way, never held in memory. No body
 * limit applies here: the server's limit is for JSON requests.
 */
export function registerArtifactUploads(app: FastifyInstance, ctx: ServerContext, prefixes: readonly string[], uploads: MultipartUploads): void {
  void app.register(async (raw) => {
    raw.removeAllContentTypeParsers();
    raw.addContentTypeParser('*', (_request, payload, done) => done(null, payload));

    for (const prefix of prefixes) {
      const base = `${prefix}artifacts/`;
      raw.put(`${base}*`, { config: { permission: 'edit' } }, async (request, reply) => {
        const target = requireRunTarget(proxyTarget(safeArtifactPath(pathAfter(request.url, base))), 'INVALID_PARAMETER_VALUE');
        const path = requireFilePath(target);
        const store = ctx.storeFor(request.principal);
        await activeRunOfTarget(store, target);
        await putArtifact(store, target.runId, path, requestBody(request));
        return reply.type('application/json').send('{}');
      });

      // Public on purpose: MLflow's client PUTs parts to the URL it was given with no credentials (as to a
      // presigned S3 URL). The unguessable upload id in the URL is the credential; creating one needs 'edit'.
      raw.put<{ Params: { uploadId: string; partNumber: string } }>(`${prefix}mpu/part/:uploadId/:partNumber`, async (request, reply) => {
        const partNumber = /^\d{1,5}$/.test(request.params.partNumber) ? Number(request.params.partNumber) : Number.NaN;
        const hash = await uploads.putPart(ctx.storeFor(request.principal), request.params.uploadId, partNumber, requestBody(request));
        return reply.header('etag', `"${hash}"`).type('application/json').send('{}');
      });
    }
  });
}

/** The raw body; a request without one (Content-Length: 0, an empty file) is an empty stream. */
function requestBody(request: FastifyRequest): Readable {
  return request.body instanceof Readable ? request.body : Readable.from([]);
}
