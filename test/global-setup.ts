import { sharedFolder } from '../src/shared-folder.js';

/**
 * Runs once before the suite. Says loudly when the PostgreSQL half of the backend conformance suites
 * will be skipped, so a green run on a laptop is never mistaken for a full one.
 */
export default function setup(): void {
  if (!process.env.SLIPWAY_TEST_POSTGRES_URL) {
    process.stderr.write(
      '\n[slipway tests] SLIPWAY_TEST_POSTGRES_URL is not set: the PostgreSQL half of the store suites is NOT run ' +
        '(only SQLite). CI sets it; locally: SLIPWAY_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres npm test\n\n',
    );
  }
  if (!sharedFolder()) {
    process.stderr.write(
      '[slipway tests] no shared/ folder beside the project (nor SLIPWAY_SHARED_DIR): the Kubernetes/KServe schema ' +
        'validation and the Great Expectations conformance suites are NOT run.\n',
    );
  }
  if (!process.env.SLIPWAY_TEST_REDIS_URL) {
    process.stderr.write('[slipway tests] SLIPWAY_TEST_REDIS_URL is not set: Redis-backed suites are NOT run.\n');
  }
}

