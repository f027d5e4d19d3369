import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registryRoutes } from '../../src/server/mlflow/registry-routes.js';
import { BACKENDS } from '../backends.js';
import { createRegistryTestServer, type RegistryTestServer } from './mlflow-registry-fixture.js';

const HINT = ' See the API docs for more information about request parameters.';

/** MLflow 2.10's registry endpoints (model_registry.proto) and the least role each needs in Slipway. */
const EXPECTED = [
  ['POST', 'registered-models/create', 'edit'],
  ['POST', 'registered-models/rename', 'edit'],
  ['PATCH', 'registered-models/update', 'edit'],
  ['DELETE', 'registered-models/delete', 'edit'],
  ['GET', 'registered-models/get', 'read'],
  ['GET', 'registered-models/search', 'read'],
  ['POST', 'registered-models/get-latest-versions', 'read'],
  ['GET', 'registered-models/get-latest-versions', 'read'],
  ['POST', 'registered-models/set-tag', 'edit'],
  ['DELETE', 'registered-models/delete-tag', 'edit'],
  ['POST', 'model-versions/create', 'edit'],
  ['PATCH', 'model-versions/update', 'edit'],
  ['POST', 'model-versions/transition-stage', 'edit'],
  ['DELETE', 'model-versions/delete', 'edit'],
  ['GET', 'model-versions/get', 'read'],
  ['GET', 'model-versions/search', 'read'],
  ['GET', 'model-versions/get-download-uri', 'read'],
  ['POST', 'model-versions/set-tag', 'edit'],
  ['DELETE', 'model-versions/delete-tag', 'edit'],
  ['POST', 'registered-models/alias', 'edit'],
  ['DELETE', 'registered-models/alias', 'edit'],
  ['GET', 'registered-models/alias', 'read'],
] as const;

describe('the MLflow registry route table', () => {
  it('has every registry endpoint of MLflow 2.10 once, reads needing read and writes needing edit', () => {
    expect(registryRoutes.map((r) => [r.method, r.path, r.permission])).toEqual(EXPECTED);
  });
});

const sqlite = BACKENDS.find((b) => b.name === 'sqlite') ?? (BACKENDS[0] as (typeof BACKENDS)[number]);

describe('every registry route under both prefixes', () => {
  let s: RegistryTestServer;
  beforeAll(async () => {
    s = await createRegistryTestServer(sqlite);
  });
  afterAll(async () => s?.dispose());

  it.each(EXPECTED.flatMap(([method, path]) => ['/api/2.0/mlflow/', '/ajax-api/2.0/mlflow/'].map((prefix) => [method, prefix + path] as const)))(
    '%s %s is served and asks for its name as MLflow does (searches need none)',
    async (method, url) => {
      const r = await s.call(method, url, {});
      if (url.endsWith('/search')) expect(r).toMatchObject({ status: 200, body: {} });
      else expect(r).toMatchObject({ status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE', message: `Missing value for required parameter 'name'.${HINT}` } });
    },
  );
});
