import { pipeline, type Readable, Transform } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { openArtifact } from '../../tracking/index.js';
import type { ServerContext } from '../types.js';
import { artifactHeaders } from './artifact-headers.js';
import { pathAfter, proxyTarget, safeArtifactPath } from './artifact-paths.js';
import { requireFilePath, requireRunTarget, runOfTarget } from './artifact-runs.js';
import { openModelVersionFile } from './model-version-files.js';
import { readParams, requiredString } from './request-params.js';

/**
 * GET `<prefix>artifacts/<path>` (the client's download), `/get-artifact?run_id=&path=` and
 * `/model-versions/get-artifact?name=&version=&path=` (the web UI's). All stream the blob.
 */
export function registerArtifactDownloads(app: FastifyInstance, ctx: ServerContext, prefixes: readonly string[]): void {
  for (const prefix of prefixes) {
    const base = `${prefix}artifacts/`;
    app.get(`${base}*`, { config: { permission: 'read' } }, async (request, reply) => {
      const target = requireRunTarget(proxyTarget(safeArtifactPath(pathAfter(request.url, base))), 'RESOURCE_DOES_NOT_EXIST');
      const store = ctx.storeFor(request.principal);
      await runOfTarget(store, target);
      const path = requireFilePath(target);
      return sendArtifact(reply, path, await openArtifact(store, target.runId, path));
    });
  }

  app.get('/get-artifact', { config: { permission: 'read' } }, async (request, reply) => {
    const params = readParams(request);
    const runId = requiredString(params, 'run_id');
    const path = safeArtifactPath(requiredString(params, 'path'));
    return sendArtifact(reply, path, await openArtifact(ctx.storeFor(request.principal), runId, path));
  });

  app.get('/model-versions/get-artifact', { config: { permission: 'read' } }, async (request, reply) => {
    const params = readParams(request);
    const name = requiredString(params, 'name');
    const version = requiredString(params, 'version');
    const path = safeArtifactPath(requiredString(params, 'path'));
    return sendArtifact(reply, path, await openModelVersionFile(ctx.storeFor(request.principal), name, version, path));
  });
}

/** Streams a verified blob with its length, type and attachment headers. */
function sendArtifact(reply: FastifyReply, path: string, file: { stream: Readable; size: number }): FastifyReply {
  return reply.headers(artifactHeaders(path, file.size)).send(holdLastChunk(file.stream));
}

/**
 * The blob stream checks the hash only at its end. Holding each chunk back until the next one
 * arrives means the last bytes leave only once that check passed; a corrupt blob then ends the
 * response short of its Content-Length, which every HTTP client reports as an error instead of
 * keeping a complete-looking file with wrong bytes.
 */
export function holdLastChunk(source: Readable): Readable {
  let held: Buffer | undefined;
  const out = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      const previous = held;
      held = chunk;
      callback(null, previous);
    },
    flush(callback) {
      callback(null, held);
    },
  });
  // A source error destroys `out` before flush, so the held chunk is never sent; a client hang-up closes the blob.
  pipeline(source, out, () => {});
  return out;
}
