export type { Store, OpenStoreOptions } from './open-store.js';
export { openStore, defaultActor } from './open-store.js';
export type { StoreLocation } from './locate.js';
export { locateStore, findProjectHome } from './locate.js';
export type { MetadataDb, OpenDatabaseOptions } from './db/open-database.js';
export { openDatabase } from './db/open-database.js';
export type { DialectName } from './db/dialect.js';
export type { Database, ModelVersionsTable, RunsTable } from './db/schema.js';
export { bulkInsert } from './db/bulk-insert.js';
export { newRunId, newRunName, RUN_ID_PATTERN } from './ids.js';
export type { BlobRef, DirectoryRef, ManifestEntry, ObjectStore } from './objects/index.js';
export {
  comparePaths, fsyncDir, isSha256Hex, LocalObjectStore, mapLimit, openObjectStore, randomName, serializeManifest, sha256Bytes,
  sha256File, unsafePathReason,
} from './objects/index.js';
