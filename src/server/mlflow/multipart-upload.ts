import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { SlipwayError } from '../../errors.js';
import { isSha256Hex, type Store } from '../../store/index.js';
import { putArtifact } from '../../tracking/index.js';
import { MlflowApiError } from './mlflow-errors.js';

/** S3's bounds, which MLflow's client also follows: parts are numbered 1..10,000. */
export const MAX_PARTS = 10_000;
/** How long part URLs stay usable after the upload is created (a presigned S3 URL's role). */
export const PART_URL_TTL_MS = 24 * 60 * 60 * 1000;

const SESSION_KIND = 'slipway.multipart-upload/v1';

/** What an upload id stands for; stored as a blob whose hash is the upload id. */
export interface UploadSession {
  readonly kind: typeof SESSION_KIND;
  readonly run_id: string;
  readonly experiment_id: string;
  /** The artifact path the parts will form, relative to the run's artifact root. */
  readonly path: string;
  readonly num_parts: number;
  /** Epoch ms after which parts are refused. */
  readonly expires: number;
  /** Makes every session (and so its id) unique and unguessable: the id is the part URLs' only credential. */
  readonly nonce: string;
}

/**
 * Multipart uploads kept in the object store itself, so they survive restarts and work with several
 * server processes on one store: the session is a blob named by its hash (the upload id), and each
 * part is a blob whose bytes start with a header naming its upload and number. The header makes a
 * part's blob unique to its upload, so completing or aborting may delete it without touching
 * anything else, and a part from another upload (or any other blob) cannot be passed off as one.
 */
export class MultipartUploads {
  /**
   * Parts received by this process per upload, so an abort can delete them (the client does not list
   * them). Entries of uploads left unfinished are dropped once their part URLs expire.
   */
  private readonly received = new Map<string, { readonly expires: number; readonly parts: Set<string> }>();

  async create(store: Store, runId: string, experimentId: string, path: string, numParts: number): Promise<string> {
    if (!Number.isInteger(numParts) || numParts < 0 || numParts > MAX_PARTS) {
      throw new MlflowApiError('INVALID_PARAMETER_VALUE', `num_parts must be between 0 and ${MAX_PARTS}, got ${numParts}.`);
    }
    const now = store.now();
    for (const [id, entry] of this.received) if (entry.expires < now) this.received.delete(id);
    const session: UploadSession = {
      kind: SESSION_KIND, run_id: runId, experiment_id: experimentId, path, num_parts: numParts,
      expires: now + PART_URL_TTL_MS, nonce: randomBytes(16).toString('hex'),
    };
    return (await store.objects.put(JSON.stringify(session))).hash;
  }

  /** The session an upload id names; RESOURCE_DOES_NOT_EXIST for unknown, finished or aborted uploads. */
  async session(store: Store, uploadId: string): Promise<UploadSession> {
    const gone = new MlflowApiError('RESOURCE_DOES_NOT_EXIST', `No multipart upload ${uploadId}: it does not exist, or was completed or aborted.`);
    // The part route is public (its URL is the credential): never read a big blob whose hash someone passes as an id.
    if (!isSha256Hex(uploadId) || ((await store.objects.stat(uploadId))?.size ?? Infinity) > 4096) throw gone;
    let session: Partial<UploadSession>;
    try {
      session = JSON.parse((await store.objects.get(uploadId)).toString('utf8')) as Partial<UploadSession>;
    } catch {
      throw gone;
    }
    if (session?.kind !== SESSION_KIND) throw gone;
    return session as UploadSession;
  }

  /** Stores one part from `body`, streamed; returns its blob hash (the part's ETag). */
  async putPart(store: Store, uploadId: string, partNumber: number, body: AsyncIterable<Uint8Array>): Promise<string> {
    const session = await this.session(store, uploadId);
    if (store.now() > session.expires) throw new MlflowApiError('RESOURCE_DOES_NOT_EXIST', `Multipart upload ${uploadId} expired; start a new one.`);
    if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > session.num_parts) {
      throw new MlflowApiError('INVALID_PARAMETER_VALUE', `Part number must be between 1 and ${session.num_parts} for upload ${uploadId}, got ${partNumber}.`);
    }
    const header = partHeader(uploadId, partNumber);
    const blob = await store.objects.putStream(Readable.from((async function* () {
      yield header;
      yield* body;
    })()));
    let entry = this.received.get(uploadId);
    if (!entry) this.received.set(uploadId, (entry = { expires: session.expires, parts: new Set() }));
    entry.parts.add(blob.hash);
    return blob.hash;
  }

  /**
   * Joins the parts, in order, into the artifact (streamed, each part verified by hash and header),
   * then deletes the parts and the session.
   */
  async complete(store: Store, session: UploadSession, uploadId: string, parts: readonly { partNumber: number; etag: string }[]): Promise<void> {
    const sorted = [...parts].sort((a, b) => a.partNumber - b.partNumber);
    if (sorted.length !== session.num_parts || sorted.some((p, i) => p.partNumber !== i + 1)) {
      throw new MlflowApiError('INVALID_PARAMETER_VALUE', `Upload ${uploadId} has ${session.num_parts} parts: complete it with parts numbered 1..${session.num_parts}, each once (got ${sorted.map((p) => p.partNumber).join(', ') || 'none'}).`);
    }
    const hashes = sorted.map((p) => p.etag.replace(/^(?:W\/)?"|"$/g, ''));
    for (const [i, hash] of hashes.entries()) {
      if (!isSha256Hex(hash) || !(await store.objects.has(hash))) {
        throw new MlflowApiError('INVALID_PARAMETER_VALUE', `Part ${i + 1} of upload ${uploadId} has an unknown ETag ${JSON.stringify(sorted[i]?.etag)}: upload it again.`);
      }
    }
    await putArtifact(store, session.run_id, session.path, Readable.from(joinParts(store, uploadId, hashes)));
    await this.forget(store, uploadId, hashes);
  }

  /** Deletes the session and the parts this process received; parts received elsewhere stay until garbage collection. */
  async abort(store: Store, uploadId: string): Promise<void> {
    await this.forget(store, uploadId, []);
  }

  private async forget(store: Store, uploadId: string, hashes: readonly string[]): Promise<void> {
    const parts = new Set([...hashes, ...(this.received.get(uploadId)?.parts ?? [])]);
    this.received.delete(uploadId);
    await store.objects.delete(uploadId);
    for (const hash of parts) await store.objects.delete(hash);
  }
}

/** Bytes every part blob of `uploadId` starts with; they are not part of the artifact. */
function partHeader(uploadId: string, partNumber: number): Buffer {
  return Buffer.from(`slipway multipart part\n${uploadId}\n${partNumber}\n`, 'utf8');
}

async function* joinParts(store: Store, uploadId: string, hashes: readonly string[]): AsyncGenerator<Buffer> {
  for (const [i, hash] of hashes.entries()) {
    const header = partHeader(uploadId, i + 1);
    let matched = 0;
    for await (const chunk of await store.objects.openRead(hash)) {
      let bytes = chunk as Buffer;
      if (matched < header.length) {
        const n = Math.min(header.length - matched, bytes.length);
        if (!bytes.subarray(0, n).equals(header.subarray(matched, matched + n))) throw notAPart(uploadId, i + 1);
        matched += n;
        bytes = bytes.subarray(n);
      }
      if (bytes.length > 0) yield bytes;
    }
    if (matched < header.length) throw notAPart(uploadId, i + 1);
  }
}

const notAPart = (uploadId: string, partNumber: number) =>
  new SlipwayError('INVALID_PARAMETER_VALUE', `The ETag given for part ${partNumber} of upload ${uploadId} names a blob that is not that part: upload it again.`);
