export { type FileDigest, digestFile, READ_CHUNK_BYTES } from './digest-file.js';
export { hashPath, manifestHash, type PathHash } from './hash-path.js';
export { type FileStamp, HashState, type HashStateCounters, type HashStateOptions } from './hash-state.js';
export { materialize, type MaterializeResult, type OutRef, storeOut } from './link-out.js';
