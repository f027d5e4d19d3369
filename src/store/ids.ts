import { randomBytes, randomInt } from 'node:crypto';

/** A run id as MLflow makes them: 32 lowercase hex characters. */
export function newRunId(): string {
  return randomBytes(16).toString('hex');
}

export const RUN_ID_PATTERN = /^[0-9a-f]{32}$/;

const ADJECTIVES = [
  'amber', 'bold', 'brisk', 'calm', 'clever', 'crisp', 'daring', 'eager', 'fleet', 'gentle', 'glad',
  'keen', 'lucid', 'merry', 'nimble', 'quiet', 'rapid', 'sharp', 'steady', 'sunny', 'swift', 'tidy',
  'vivid', 'warm', 'wise', 'zesty',
];
const NOUNS = [
  'anchor', 'beacon', 'brook', 'cedar', 'comet', 'delta', 'ember', 'falcon', 'fjord', 'harbor', 'heron',
  'island', 'keel', 'lagoon', 'mast', 'otter', 'pier', 'quay', 'reef', 'sail', 'slip', 'tide', 'wake',
  'whale', 'yacht',
];

/** A readable default run name ("swift-heron-417"), like MLflow's, so lists are scannable. */
export function newRunName(): string {
  const a = ADJECTIVES[randomInt(ADJECTIVES.length)];
  const n = NOUNS[randomInt(NOUNS.length)];
  return `${a}-${n}-${randomInt(1000)}`;
}
