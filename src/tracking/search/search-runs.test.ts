import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, type TestDatabase } from '../../../test/backends.js';
import { SlipwayError } from '../../errors.js';
import type { Database } from '../../store/db/schema.js';
import { type SearchRunsQuery, searchRunIds } from './search-runs.js';

/**
 * Seeded runs (experiment 0 unless said otherwise), default order start_time DESC: r5 r4 r3 r2 r1.
 *
 *        name     user status    start end   acc   loss  lr      model  team     datasets
 *   r1   alpha    ann  FINISHED  1000  2000  0.9   0.1   '0.1'   'XGB'  vision   train.csv/h1/training
 *   r2   beta     bob  FAILED    2000  -     0.5   NaN   '0.01'  'xgb'  Vision   eval.csv/h2/evaluation
 *   r3   Alpha-2  ann  RUNNING   3000  -     0.7   -     '0.1'   -      -        both of the above
 *   r4   gamma    cy   FINISHED  4000  5000  -     0.3   -       'lgbm' nlp      -
 *   r5   delta    dee  FINISHED  5000  6000  -1    0     '1e-3'  -      -        -
 *   r6   deleted  dee  FINISHED  6000  -     0.95  (lifecycle_stage deleted)
 *   r7   other    dee  FINISHED  7000  -     0.99  (experiment "other")
 */
type Row = [string, string, string, string, number, number | null, string, number];
/** id, name, user, status, start, end, lifecycle stage, experiment. */
// biome-ignore format: a table reads better one row per line
const RUNS: Row[] = [
  ['r1', 'alpha', 'ann', 'FINISHED', 1000, 2000, 'active', 0],
  ['r2', 'beta', 'bob', 'FAILED', 2000, null, 'active', 0],
  ['r3', 'Alpha-2', 'ann', 'RUNNING', 3000, null, 'active', 0],
  ['r4', 'gamma', 'cy', 'FINISHED', 4000, 5000, 'active', 0],
  ['r5', 'delta', 'dee', 'FINISHED', 5000, 6000, 'active', 0],
  ['r6', 'deleted', 'dee', 'FINISHED', 6000, null, 'deleted', 0],
  ['r7', 'other', 'dee', 'FINISHED', 7000, null, 'active', 1],
];
// biome-ignore format: a table
const METRICS: Array<[string, string, number]> = [
  ['r1', 'acc', 0.9], ['r1', 'loss', 0.1], ['r2', 'acc', 0.5], ['r2', 'loss', Number.NaN], ['r3', 'acc', 0.7],
  ['r4', 'loss', 0.3], ['r5', 'acc', -1], ['r5', 'loss', 0], ['r6', 'acc', 0.95], ['r7', 'acc', 0.99],
];
// biome-ignore format: a table
const PARAMS: Array<[string, string, string]> = [
  ['r1', 'lr', '0.1'], ['r1', 'model', 'XGB'], ['r1', 'pat', 'axbyc'], ['r2', 'lr', '0.01'], ['r2', 'model', 'xgb'],
  ['r3', 'lr', '0.1'], ['r3', 'pat', 'a*b?[c]'], ['r4', 'model', 'lgbm'], ['r4', 'pct', '100%'], ['r5', 'lr', '1e-3'],
  ['r5', 'pct', '1000'],
];
// biome-ignore format: a table
const TAGS: Array<[string, string, string]> = [['r1', 'team', 'vision'], ['r2', 'team', 'Vision'], ['r4', 'team', 'nlp']];
/** run, name, hash (MLflow's digest), role (MLflow's context). */
// biome-ignore format: a table
const DATASETS: Array<[string, string, string, string]> = [
  ['r1', 'train.csv', 'h1', 'training'], ['r2', 'eval.csv', 'h2', 'evaluation'],
  ['r3', 'train.csv', 'h1', 'training'], ['r3', 'eval.csv', 'h2', 'evaluation'],
];

async function seed(db: Kysely<Database>): Promise<void> {
  await sql`INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
            VALUES (1, 'other', 'x', 'active', 0, 0)`.execute(db);
  const none = { source_git_commit: null, parent_run_id: null, deleted_time: null };
  const runs = RUNS.map(([run_uuid, name, user_id, status, start_time, end_time, lifecycle_stage, experiment_id]) => {
    const artifact_uri = `mlflow-artifacts:/${experiment_id}/${run_uuid}/artifacts`;
    return { run_uuid, name, user_id, status, start_time, end_time, lifecycle_stage, experiment_id, artifact_uri, ...none };
  });
  await db.insertInto('runs').values(runs).execute();
  // NaN is stored as the store does: value 0 with is_nan 1.
  const metrics = METRICS.map(([run_uuid, key, v]) => {
    return { run_uuid, key, value: Number.isNaN(v) ? 0 : v, step: 0, timestamp: 0, is_nan: Number.isNaN(v) ? 1 : 0 };
  });
  await db.insertInto('latest_metrics').values(metrics).execute();
  const keyValue = ([run_uuid, key, value]: [string, string, string]) => ({ run_uuid, key, value });
  await db.insertInto('params').values(PARAMS.map(keyValue)).execute();
  await db.insertInto('tags').values(TAGS.map(keyValue)).execute();
  const datasets = DATASETS.map(([run_uuid, name, hash, role]) => ({ run_uuid, name, hash, role, source: 's', size: null }));
  await db.insertInto('input_datasets').values(datasets).execute();
}

async function rowCounts(db: Kysely<Database>): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of ['experiments', 'runs', 'params', 'tags', 'latest_metrics', 'input_datasets'] as const) {
    const row = await db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirstOrThrow();
    counts[table] = Number(row.n);
  }
  return counts;
}

for (const backend of BACKENDS) {
  describe.skipIf(!backend.available)(`searchRunIds on ${backend.name}`, () => {
    let t: TestDatabase;
    let db: Kysely<Database>;
    const ids = async (filter: string, more: Partial<SearchRunsQuery> = {}) =>
      (await searchRunIds(db, { experimentIds: ['0'], filter, ...more })).runIds;
    const order = (orderBy: string[], filter = '') => ids(filter, { orderBy });

    beforeAll(async () => {
      t = await backend.create();
      db = t.opened.db;
      await seed(db);
    });
    afterAll(async () => {
      await t?.dispose();
    });

    it('returns active runs of the experiments, newest first, by default', async () => {
      expect(await ids('')).toEqual(['r5', 'r4', 'r3', 'r2', 'r1']);
      expect(await ids('', { experimentIds: ['0', '1'] })).toEqual(['r7', 'r5', 'r4', 'r3', 'r2', 'r1']);
      expect(await ids('', { experimentIds: [] })).toEqual([]);
      expect(await ids('', { experimentIds: ['nope'] })).toEqual([]);
    });

    it('filters on metrics with every operator; NaN matches only !=', async () => {
      expect(await ids('metrics.acc > 0.6')).toEqual(['r3', 'r1']);
      expect(await ids('metrics.acc >= 0.7')).toEqual(['r3', 'r1']);
      expect(await ids('metrics.acc < 0.6')).toEqual(['r5', 'r2']);
      expect(await ids('metrics.acc <= 0.5')).toEqual(['r5', 'r2']);
      expect(await ids('metrics.acc = 0.5')).toEqual(['r2']);
      expect(await ids('metrics.acc != 0.5')).toEqual(['r5', 'r3', 'r1']);
      expect(await ids('metric.acc > -2')).toEqual(['r5', 'r3', 'r2', 'r1']);
      expect(await ids('metrics.loss = 0')).toEqual(['r5']);
      expect(await ids('metrics.loss < 1')).toEqual(['r5', 'r4', 'r1']);
      expect(await ids('metrics.loss != 0')).toEqual(['r4', 'r2', 'r1']);
      expect(await ids('metrics.acc > 0.4 and metrics.acc < 0.8')).toEqual(['r3', 'r2']);
      expect(await ids('metrics.acc < 1e300')).toEqual(['r5', 'r3', 'r2', 'r1']);
    });

    it('filters on params: = and != exact, LIKE case-sensitive, ILIKE not', async () => {
      expect(await ids("params.lr = '0.1'")).toEqual(['r3', 'r1']);
      expect(await ids("params.lr != '0.1'")).toEqual(['r5', 'r2']);
      expect(await ids("params.model = 'xgb'")).toEqual(['r2']);
      expect(await ids("params.model LIKE 'x%'")).toEqual(['r2']);
      expect(await ids("params.model LIKE '%GB'")).toEqual(['r1']);
      expect(await ids("params.model ILIKE 'x%'")).toEqual(['r2', 'r1']);
      expect(await ids("param.model ilike '%G_'")).toEqual(['r2', 'r1']);
      expect(await ids("params.lr LIKE '0._'")).toEqual(['r3', 'r1']);
      expect(await ids("params.pct LIKE '100%'")).toEqual(['r5', 'r4']);
      expect(await ids("params.pct LIKE '100\\%'")).toEqual(['r4']);
      expect(await ids("params.pat LIKE 'a*b%'")).toEqual(['r3']);
      expect(await ids("params.pat LIKE 'a*b?[c]'")).toEqual(['r3']);
      expect(await ids("params.pat ILIKE 'A_B%'")).toEqual(['r3', 'r1']);
    });

    it('filters on tags, with tags.mlflow.runName reading the run name', async () => {
      expect(await ids("tags.team = 'vision'")).toEqual(['r1']);
      expect(await ids("tags.team ILIKE 'VISION'")).toEqual(['r2', 'r1']);
      expect(await ids("tags.team LIKE 'V%'")).toEqual(['r2']);
      expect(await ids("tags.team != 'nlp'")).toEqual(['r2', 'r1']);
      expect(await ids("tags.mlflow.runName = 'alpha'")).toEqual(['r1']);
      expect(await ids("tags.`mlflow.runName` LIKE 'Alpha%'")).toEqual(['r3']);
      expect(await ids('tags."mlflow.runName" ILIKE \'alpha%\'')).toEqual(['r3', 'r1']);
    });

    it('filters on attributes', async () => {
      expect(await ids("attributes.status IN ('FINISHED', 'FAILED')")).toEqual(['r5', 'r4', 'r2', 'r1']);
      expect(await ids("attributes.status NOT IN ('FINISHED')")).toEqual(['r3', 'r2']);
      expect(await ids("attributes.run_name LIKE 'Alpha%'")).toEqual(['r3']);
      expect(await ids("run.run_name ILIKE 'alpha%'")).toEqual(['r3', 'r1']);
      expect(await ids("attributes.`Run Name` = 'beta'")).toEqual(['r2']);
      expect(await ids('attributes.start_time > 2000')).toEqual(['r5', 'r4', 'r3']);
      expect(await ids('attributes.start_time > 2500.5')).toEqual(['r5', 'r4', 'r3']);
      expect(await ids('attributes.start_time < 1e300')).toEqual(['r5', 'r4', 'r3', 'r2', 'r1']);
      expect(await ids('created <= 2000')).toEqual(['r2', 'r1']);
      expect(await ids('attributes.end_time < 5500')).toEqual(['r4', 'r1']);
      expect(await ids("attributes.run_id = 'r2'")).toEqual(['r2']);
      expect(await ids("attributes.run_id IN ('r1', 'r4', 'R5')")).toEqual(['r4', 'r1']);
      expect(await ids("attr.user_id = 'ann'")).toEqual(['r3', 'r1']);
      expect(await ids("attributes.artifact_uri LIKE '%/r4/%'")).toEqual(['r4']);
    });

    it('filters on datasets (digest is the hash, context the role)', async () => {
      expect(await ids("datasets.name = 'train.csv'")).toEqual(['r3', 'r1']);
      expect(await ids("datasets.digest = 'h2'")).toEqual(['r3', 'r2']);
      expect(await ids("dataset.context = 'evaluation'")).toEqual(['r3', 'r2']);
      expect(await ids("datasets.name IN ('eval.csv')")).toEqual(['r3', 'r2']);
      expect(await ids("datasets.name NOT IN ('eval.csv')")).toEqual(['r3', 'r1']);
      expect(await ids("datasets.context LIKE 'train%'")).toEqual(['r3', 'r1']);
      expect(await ids("datasets.context ILIKE 'TRAIN%'")).toEqual(['r3', 'r1']);
    });

    it('combines clauses with AND', async () => {
      expect(await ids("metrics.acc > 0 AND params.lr = '0.1' and tags.team ILIKE 'vision'")).toEqual(['r1']);
      expect(await ids("params.lr = '0.1' AND datasets.context = 'evaluation' AND attributes.status = 'RUNNING'")).toEqual([
        'r3',
      ]);
    });

    it('orders by metrics with NaN after numbers and missing keys last, in both directions', async () => {
      expect(await order(['metrics.acc DESC'])).toEqual(['r1', 'r3', 'r2', 'r5', 'r4']);
      expect(await order(['metrics.acc ASC'])).toEqual(['r5', 'r2', 'r3', 'r1', 'r4']);
      expect(await order(['metrics.loss'])).toEqual(['r5', 'r1', 'r4', 'r2', 'r3']);
      expect(await order(['metrics.loss DESC'])).toEqual(['r4', 'r1', 'r5', 'r2', 'r3']);
      expect(await order(['metrics.acc DESC'], 'metrics.acc > 0')).toEqual(['r1', 'r3', 'r2']);
      expect(await order(['metrics.loss DESC'], 'metrics.loss != 0.3')).toEqual(['r1', 'r5', 'r2']);
    });

    it('orders by params, tags and attributes, ties by start_time DESC then run id', async () => {
      expect(await order(['params.lr ASC'])).toEqual(['r2', 'r3', 'r1', 'r5', 'r4']);
      expect(await order(['params.lr DESC'])).toEqual(['r5', 'r3', 'r1', 'r2', 'r4']);
      expect(await order(['tags.team'])).toEqual(['r2', 'r4', 'r1', 'r5', 'r3']);
      expect(await order(['tags.team DESC'], "tags.team != 'x'")).toEqual(['r1', 'r4', 'r2']);
      expect(await order(['attributes.start_time ASC'])).toEqual(['r1', 'r2', 'r3', 'r4', 'r5']);
      expect(await order(['attributes.end_time DESC'])).toEqual(['r5', 'r4', 'r1', 'r3', 'r2']);
      expect(await order(['attributes.end_time'])).toEqual(['r1', 'r4', 'r5', 'r3', 'r2']);
      expect(await order(['attributes.run_name'])).toEqual(['r3', 'r1', 'r2', 'r5', 'r4']);
      expect(await order(['tags.mlflow.runName DESC'])).toEqual(['r4', 'r5', 'r2', 'r1', 'r3']);
      expect(await order(['attributes.user_id', 'metrics.acc DESC'])).toEqual(['r1', 'r3', 'r2', 'r4', 'r5']);
      expect(await order(['params.model DESC', 'attributes.start_time ASC'])).toEqual(['r2', 'r4', 'r1', 'r3', 'r5']);
    });

    it('pages with tokens, without duplicates or gaps', async () => {
      for (const orderBy of [[], ['metrics.acc DESC'], ['params.lr']]) {
        const all = await ids('', { orderBy });
        const seen: string[] = [];
        let pageToken: string | undefined;
        let pages = 0;
        do {
          const page = await searchRunIds(db, { experimentIds: ['0'], orderBy, maxResults: 2, pageToken });
          expect(page.runIds.length).toBeLessThanOrEqual(2);
          seen.push(...page.runIds);
          pageToken = page.nextPageToken;
          pages++;
        } while (pageToken);
        expect(pages).toBe(3);
        expect(seen).toEqual(all);
      }
      const exact = await searchRunIds(db, { experimentIds: ['0'], maxResults: 5 });
      expect(exact).toEqual({ runIds: ['r5', 'r4', 'r3', 'r2', 'r1'] });
    });

    it('honours run_view_type', async () => {
      expect(await ids('', { runViewType: 'ACTIVE_ONLY' })).toEqual(['r5', 'r4', 'r3', 'r2', 'r1']);
      expect(await ids('', { runViewType: 'DELETED_ONLY' })).toEqual(['r6']);
      expect(await ids('', { runViewType: 'ALL' })).toEqual(['r6', 'r5', 'r4', 'r3', 'r2', 'r1']);
      expect(await ids('metrics.acc > 0.9', { runViewType: 'ALL' })).toEqual(['r6']);
    });

    it('refuses bad arguments with INVALID_PARAMETER_VALUE', async () => {
      const bad: Array<Partial<SearchRunsQuery>> = [
        { maxResults: 50_001 },
        { maxResults: 0 },
        { maxResults: 1.5 },
        { pageToken: 'garbage!' },
        { filter: 'metrics.a > 1 OR metrics.b < 1' },
        { orderBy: ['metrics.a sideways'] },
        { runViewType: 'SOME' as never },
      ];
      for (const more of bad) {
        const err = await searchRunIds(db, { experimentIds: ['0'], ...more }).catch((e: unknown) => e);
        expect(err, JSON.stringify(more)).toBeInstanceOf(SlipwayError);
        expect((err as SlipwayError).code).toBe('INVALID_PARAMETER_VALUE');
      }
      expect((await searchRunIds(db, { experimentIds: ['0'], maxResults: 50_000 })).runIds).toHaveLength(5);
    });

    it('treats injection attempts in values and keys as plain data', async () => {
      const before = await rowCounts(db);
      const attempts = [
        "params.lr = '0.1'' OR 1=1 --'",
        "params.lr = \"0.1' OR '1'='1\"",
        "params.`lr' OR 1=1; DROP TABLE runs; --` = 'x'",
        'tags."a"" OR ""1""=""1" = \'x\'',
        "metrics.`acc'; DELETE FROM runs; --` > 0",
        "datasets.name = 'x''); DROP TABLE input_datasets; --'",
        "attributes.status IN ('x'') OR 1=1 --')",
        "params.lr LIKE '%'' OR ''1''=''1'",
      ];
      for (const filter of attempts) expect(await ids(filter), filter).toEqual([]);
      const ordered = await order(['metrics.`acc"; DROP TABLE runs; --` DESC', "params.`x') --`"]);
      expect(ordered).toEqual(['r5', 'r4', 'r3', 'r2', 'r1']);
      expect(await rowCounts(db)).toEqual(before);
      expect(await ids('')).toEqual(['r5', 'r4', 'r3', 'r2', 'r1']);
    });

    it.runIf(backend.name === 'sqlite')('keeps LIKE and ILIKE meanings whatever case_sensitive_like says', async () => {
      for (const setting of ['ON', 'OFF']) {
        await sql.raw(`PRAGMA case_sensitive_like = ${setting}`).execute(db);
        expect(await ids("params.model LIKE 'x%'")).toEqual(['r2']);
        expect(await ids("params.model ILIKE 'x%'")).toEqual(['r2', 'r1']);
      }
    });
  });
}
