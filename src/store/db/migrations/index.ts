import type { Kysely, Migration } from 'kysely';
import type { DialectName } from '../dialect.js';
import { initial } from './001-initial.js';
import { defaultExperiment } from './002-default-experiment.js';
import { versionCounter } from './003-version-counter.js';
import { runCache } from './004-run-cache.js';
import { blessings } from './005-blessings.js';
import { serving } from './006-serving.js';
import { monitoring } from './007-monitoring.js';
import { auth } from './008-auth.js';
import { webhooks } from './009-webhooks.js';

/**
 * Every schema version, in order. Names sort lexically, which is the order Kysely applies them in;
 * never rename or edit a released migration: add the next one.
 */
export function migrations(dialect: DialectName): Record<string, Migration> {
  return {
    '001-initial': initial(dialect),
    '002-default-experiment': defaultExperiment(),
    '003-version-counter': versionCounter(dialect),
    '004-run-cache': runCache(),
    '005-blessings': blessings(dialect),
    '006-serving': serving(dialect),
    '007-monitoring': monitoring(dialect),
    '008-auth': auth(),
    '009-webhooks': webhooks(dialect),
  };
}

export type AnyDb = Kysely<unknown>;
