import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../backends.js';
import { createTestServer, type TestServer } from './server-fixture.js';
import { API, badParam, missingParam, mlflowError, newExperiment, newRun, ok, runNotFound } from './mlflow-tracking-fixture.js';
import { putArtifact } from '../../src/tracking/index.js';

const invalid = (message: string) => mlflowError('INVALID_PARAMETER_VALUE', message);

for (const backend of BACKENDS) {
  describe.skipIf(!backend.available)(`MLflow search routes (${backend.name})`, () => {
    let s: TestServer;
    let exp: string;
    /** Five runs: acc 0.5..0.9 by index, lr alternating, one tagged, started one second apart. */
    const runs: string[] = [];
    beforeAll(async () => {
      s = await createTestServer(backend);
      exp = await newExperiment(s, 'search-runs');
      for (let i = 0; i < 5; i++) {
        const id = await newRun(s, exp, { run_name: `r${i}`, start_time: 1_700_000_000_000 + i * 1000 });
        ok(await s.call('POST', `${API}runs/log-batch`, {
          run_id: id,
          metrics: [{ key: 'acc', value: 0.5 + i / 10, timestamp: 1, step: 0 }],
          params: [{ key: 'lr', value: i % 2 ? '0.1' : '0.01' }],
          tags: i === 3 ? [{ key: 'best', value: 'yes' }] : [],
        }));
        runs.push(id);
      }
    });
    afterAll(async () => s.dispose());

    const search = (body: Record<string, unknown>) => s.call('POST', `${API}runs/search`, { experiment_ids: [exp], ...body });
    const ids = (body: { runs?: { info: { run_id: string } }[] }) => (body.runs ?? []).map((r) => r.info.run_id);
    const at = (...i: number[]) => i.map((n) => runs[n]);

    it('finds runs by metric, param, tag and attribute, in the order asked, answering whole runs', async () => {
      const r = ok(await search({ filter: "metrics.acc > 0.55 and params.lr = '0.1'", order_by: ['metrics.acc DESC'] }));
      expect(ids(r.body)).toEqual(at(3, 1));
      expect(r.body.next_page_token).toBeUndefined();
      expect(r.body.runs[0]).toMatchObject({
        info: { run_id: runs[3], run_uuid: runs[3], run_name: 'r3', experiment_id: exp, status: 'RUNNING' },
        data: { metrics: [{ key: 'acc', value: 0.8, timestamp: 1, step: 0 }], params: [{ key: 'lr', value: '0.1' }] },
        inputs: {},
      });
      expect(ids(ok(await search({ filter: "tags.best = 'yes'" })).body)).toEqual(at(3));
      expect(ids(ok(await search({ filter: "attributes.run_name LIKE 'r%' AND attributes.start_time >= 1700000003000" })).body)).toEqual(at(4, 3));
      // Default order: newest start first.
      expect(ids(ok(await search({})).body)).toEqual(at(4, 3, 2, 1, 0));
      expect(ids(ok(await search({ order_by: ['params.lr ASC', 'attributes.start_time ASC'] })).body)).toEqual(at(0, 2, 4, 1, 3));
      expect(ok(await search({ filter: 'metrics.acc > 5' })).body).toEqual({});
    });

    it('pages with max_results and page_token until the last page, which has no token', async () => {
      const seen: string[] = [];
      let token: string | undefined;
      const pages: number[] = [];
      do {
        const r = ok(await search({ max_results: 2, order_by: ['metrics.acc ASC'], ...(token ? { page_token: token } : {}) }));
        seen.push(...ids(r.body));
        pages.push(ids(r.body).length);
        token = r.body.next_page_token;
      } while (token);
      expect(pages).toEqual([2, 2, 1]);
      expect(seen).toEqual(at(0, 1, 2, 3, 4));
    });

    it('refuses OR, max_results over 50,000, bad tokens and bad view types', async () => {
      expect(await search({ filter: "metrics.acc > 0.5 OR params.lr = '0.1'" })).toMatchObject({
        status: 400,
        body: invalid(`Invalid filter "metrics.acc > 0.5 OR params.lr = '0.1'": OR is not supported (clauses can only be joined with AND) at position 18`),
      });
      expect(await search({ max_results: 50_001 })).toMatchObject({ status: 400, body: badParam('max_results', '50001', 'int') });
      ok(await search({ max_results: 50_000 }));
      expect(await search({ page_token: 'not a token' })).toMatchObject({ status: 400, body: invalid("Invalid page_token 'not a token': not base64") });
      expect(await search({ run_view_type: 'SOME' })).toMatchObject({ status: 400, body: badParam('run_view_type', 'SOME', 'str') });
      // A lone order_by string counts as a list of one, as a GET's single value does.
      expect(ids(ok(await search({ order_by: 'metrics.acc' })).body)).toEqual(at(0, 1, 2, 3, 4));
    });

    it('speaks the rest of the grammar: IN lists, quoted keys, ILIKE, datasets', async () => {
      expect(ids(ok(await search({ filter: `attributes.run_id IN ('${runs[1]}', '${runs[2]}')` })).body)).toEqual(at(2, 1));
      expect(ids(ok(await search({ filter: "run_name NOT IN ('r0', 'r1', 'r2')" })).body)).toEqual(at(4, 3));
      expect(ids(ok(await search({ filter: 'metrics.`acc` >= 0.9' })).body)).toEqual(at(4));
      expect(ids(ok(await search({ filter: 'params."lr" = \'0.01\' and tags.`mlflow.runName` ILIKE \'R%\'' })).body)).toEqual(at(4, 2, 0));
      // In an experiment of their own, so the five runs above stay the only ones in theirs.
      const dataExp = await newExperiment(s, 'search-datasets');
      const [plain, run] = [await newRun(s, dataExp), await newRun(s, dataExp)];
      const dataset = { name: 'train.csv', digest: 'abcdef12', source_type: 'local', source: '/data/train.csv' };
      ok(await s.call('POST', `${API}runs/log-inputs`, { run_id: run, datasets: [{ tags: [{ key: 'mlflow.data.context', value: 'training' }], dataset }] }));
      const inData = await s.call('POST', `${API}runs/search`, { experiment_ids: [dataExp], filter: "datasets.digest = 'abcdef12' AND datasets.context = 'training'" });
      expect(ids(ok(inData).body)).toEqual([run]);
      expect(ids(ok(await s.call('POST', `${API}runs/search`, { experiment_ids: [dataExp] })).body)).toEqual([run, plain]);
    });

    it('searches deleted runs with run_view_type, by name or number', async () => {
      const extra = await newRun(s, exp, { run_name: 'gone', start_time: 1_600_000_000_000 });
      ok(await s.call('POST', `${API}runs/delete`, { run_id: extra }));
      expect(ids(ok(await search({ run_view_type: 'DELETED_ONLY' })).body)).toEqual([extra]);
      expect(ids(ok(await search({ run_view_type: 2 })).body)).toEqual([extra]);
      expect(ids(ok(await search({ run_view_type: 'ALL' })).body)).toEqual([...at(4, 3, 2, 1, 0), extra]);
      expect(ids(ok(await search({})).body)).not.toContain(extra);
      // Without experiment_ids there is nothing to search, as in MLflow.
      expect(ok(await s.call('POST', `${API}runs/search`, {})).body).toEqual({});
    });

    it('answers a metric\'s full history in step order, paged by max_results and page_token', async () => {
      const run = await newRun(s, exp, { run_name: 'curve' });
      const points = [3, 1, 4, 0, 2].map((step) => ({ key: 'loss', value: 1 / (step + 1), timestamp: 100 + step, step }));
      ok(await s.call('POST', `${API}runs/log-batch`, { run_id: run, metrics: points }));
      const all = ok(await s.call('GET', `${API}metrics/get-history`, { run_id: run, metric_key: 'loss' })).body;
      expect(all).toEqual({ metrics: [0, 1, 2, 3, 4].map((step) => ({ key: 'loss', value: 1 / (step + 1), timestamp: 100 + step, step })) });
      const first = ok(await s.call('GET', `${API}metrics/get-history`, { run_id: run, metric_key: 'loss', max_results: 3 })).body;
      expect(first.metrics.map((m: { step: number }) => m.step)).toEqual([0, 1, 2]);
      const second = ok(await s.call('GET', `${API}metrics/get-history`, { run_id: run, metric_key: 'loss', max_results: 3, page_token: first.next_page_token })).body;
      expect(second).toEqual({ metrics: all.metrics.slice(3) });
      expect(ok(await s.call('GET', `${API}metrics/get-history`, { run_id: run, metric_key: 'none' })).body).toEqual({});
      expect(await s.call('GET', `${API}metrics/get-history`, { run_id: run })).toMatchObject({ status: 400, body: missingParam('metric_key') });
      const unknown = 'b'.repeat(32);
      expect(await s.call('GET', `${API}metrics/get-history`, { run_id: unknown, metric_key: 'loss' })).toMatchObject({ status: 404, body: runNotFound(unknown) });
      expect(await s.call('GET', `${API}metrics/get-history`, { run_id: run, metric_key: 'loss', page_token: 'zz' })).toMatchObject({
        status: 400, body: invalid("Invalid page_token 'zz': not a token from a previous metrics/get-history call"),
      });
    });

    it('lists a run\'s artifacts one level at a time under its artifact URI', async () => {
      const run = await newRun(s, exp);
      await putArtifact(s.ts.store, run, 'model/MLmodel', 'flavors: {}\n');
      await putArtifact(s.ts.store, run, 'model/data/weights.bin', Buffer.alloc(2048, 1));
      await putArtifact(s.ts.store, run, 'config.json', '{"a": 1}');
      await putArtifact(s.ts.store, run, 'empty.txt', '');
      const root = `mlflow-artifacts:/${exp}/${run}/artifacts`;
      const list = (params: Record<string, unknown>) => s.call('GET', `${API}artifacts/list`, { run_id: run, ...params });
      expect(ok(await list({})).body).toEqual({
        root_uri: root,
        files: [
          { path: 'config.json', is_dir: false, file_size: 8 },
          { path: 'empty.txt', is_dir: false },
          { path: 'model', is_dir: true },
        ],
      });
      expect(ok(await list({ path: 'model' })).body).toEqual({
        root_uri: root,
        files: [{ path: 'model/MLmodel', is_dir: false, file_size: 12 }, { path: 'model/data', is_dir: true }],
      });
      expect(ok(await list({ path: 'nothing-here' })).body).toEqual({ root_uri: root });
      for (const path of ['../x', '/etc', 'a/../../b', 'a\\b', 'x#y']) {
        expect(await list({ path })).toMatchObject({ status: 400, body: invalid('Invalid path') });
      }
      const unknown = 'c'.repeat(32);
      expect(await s.call('GET', `${API}artifacts/list`, { run_id: unknown })).toMatchObject({ status: 404, body: runNotFound(unknown) });
    });
  });

  describe.skipIf(!backend.available)(`MLflow experiments search (${backend.name})`, () => {
    let s: TestServer;
    const ids: Record<string, string> = {};
    beforeAll(async () => {
      s = await createTestServer(backend);
      for (const name of ['e-alpha', 'e-beta', 'e-Gamma', 'other']) ids[name] = await newExperiment(s, name);
      ok(await s.call('POST', `${API}experiments/set-experiment-tag`, { experiment_id: ids['e-beta'], key: 'team', value: 'risk' }));
      ok(await s.call('POST', `${API}experiments/delete`, { experiment_id: ids.other }));
    });
    afterAll(async () => s.dispose());

    const names = (body: { experiments?: { name: string }[] }) => (body.experiments ?? []).map((e) => e.name);
    const post = (body: Record<string, unknown>) => s.call('POST', `${API}experiments/search`, { max_results: 1000, ...body });

    it('filters by name and tags, newest first by default, and answers GET and POST alike', async () => {
      const r = ok(await post({ filter: "name LIKE 'e-%'" }));
      expect(names(r.body)).toEqual(['e-Gamma', 'e-beta', 'e-alpha']);
      expect(r.body.experiments[1]).toEqual({
        experiment_id: ids['e-beta'], name: 'e-beta', artifact_location: `mlflow-artifacts:/${ids['e-beta']}`, lifecycle_stage: 'active',
        last_update_time: r.body.experiments[1].last_update_time, creation_time: r.body.experiments[1].creation_time,
        tags: [{ key: 'team', value: 'risk' }],
      });
      expect(ok(await s.call('GET', `${API}experiments/search`, { max_results: 1000, filter: "name LIKE 'e-%'" })).body).toEqual(r.body);
      expect(names(ok(await post({ filter: "name ILIKE 'E-G%'" })).body)).toEqual(['e-Gamma']);
      expect(names(ok(await post({ filter: "name LIKE 'E-G%'" })).body)).toEqual([]);
      expect(names(ok(await post({ filter: "tags.team = 'risk'" })).body)).toEqual(['e-beta']);
      expect(names(ok(await post({ filter: "name != 'e-beta' AND name LIKE 'e-%'" })).body)).toEqual(['e-Gamma', 'e-alpha']);
      const created = r.body.experiments[1].creation_time as number;
      expect(names(ok(await post({ filter: `creation_time > ${created} AND name LIKE 'e-%'` })).body)).toEqual(['e-Gamma']);
    });

    it('orders by name or id, pages with a token, and shows deleted experiments by view_type', async () => {
      expect(names(ok(await post({ filter: "name LIKE 'e-%'", order_by: ['name ASC'] })).body)).toEqual(['e-Gamma', 'e-alpha', 'e-beta']);
      expect(names(ok(await post({ filter: "name LIKE 'e-%'", order_by: ['experiment_id DESC'] })).body)).toEqual(['e-Gamma', 'e-beta', 'e-alpha']);
      const first = ok(await post({ filter: "name LIKE 'e-%'", order_by: ['name'], max_results: 2 })).body;
      expect(names(first)).toEqual(['e-Gamma', 'e-alpha']);
      const second = ok(await post({ filter: "name LIKE 'e-%'", order_by: ['name'], max_results: 2, page_token: first.next_page_token })).body;
      expect(second).toEqual({ experiments: [expect.objectContaining({ name: 'e-beta' })] });
      expect(names(ok(await post({ view_type: 'DELETED_ONLY' })).body)).toEqual(['other']);
      expect(names(ok(await s.call('GET', `${API}experiments/search`, { view_type: 3, filter: "name != 'Default'", order_by: 'name DESC' })).body)).toEqual([
        'other', 'e-beta', 'e-alpha', 'e-Gamma',
      ]);
    });

    it('refuses bad max_results, filters and order_by clauses', async () => {
      expect(await post({ max_results: 0 })).toMatchObject({ status: 400, body: invalid('Invalid value for max_results. It must be a positive integer, but got 0') });
      expect(await post({ max_results: 50_001 })).toMatchObject({ status: 400, body: invalid('Invalid value for max_results. It must be at most 50000, but got 50001') });
      expect(await post({ filter: "name = 'a' OR name = 'b'" })).toMatchObject({
        status: 400, body: invalid(`Invalid filter "name = 'a' OR name = 'b'": OR is not supported (clauses can only be joined with AND) at position 11`),
      });
      expect(await post({ filter: "owner = 'x'" })).toMatchObject({
        status: 400, body: invalid(`Invalid filter "owner = 'x'": invalid attribute key 'owner' (valid keys are name, creation_time, last_update_time) at position 0`),
      });
      expect(await post({ filter: 'creation_time > abc' })).toMatchObject({
        status: 400, body: invalid("Invalid filter \"creation_time > abc\": expected a number for attribute 'creation_time', got 'abc' at position 16"),
      });
      expect(await post({ order_by: ['tags.team'] })).toMatchObject({
        status: 400, body: invalid('Invalid order_by clause "tags.team": cannot order experiments by tag \'team\' (use name, experiment_id, creation_time, last_update_time) at position 0'),
      });
      expect(await post({ view_type: 'NONE' })).toMatchObject({ status: 400, body: badParam('view_type', 'NONE', 'str') });
    });
  });
}
