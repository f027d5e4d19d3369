import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { listAudit } from '../audit/index.js';
import { packageRoot } from '../package-root.js';
import { approveVersion, createModelVersion, createRegisteredModel, hasRegisteredModel, modelHistory, setAlias } from '../registry/index.js';
import { type Store, openStore, sha256File } from '../store/index.js';
import {
  createExperiment, createRun, getExperimentByName, logArtifact, logBatch, logInputs, searchRuns, updateRun,
} from '../tracking/index.js';
import { evaluate, parseAdult, split, train } from './tiny-logistic.js';

export interface DemoOptions {
  /** Where the demo's store lives. @default ./.slipway-demo */
  home?: string;
  /** Print narration. @default true */
  narrate?: boolean;
}

export interface DemoResult {
  readonly home: string;
  readonly runIds: string[];
  readonly model: string;
  readonly champion: string;
}

const FEATURES = ['age', 'education_num', 'capital_gain', 'capital_loss', 'hours_per_week'];
const MODEL = 'adult-income';

/**
 * The end-to-end flow that exists today: track two real training runs on the Adult census data, store
 * their models as artifacts, register both, gate the better one by its holdout accuracy, approve it as
 * someone else, point @champion at it, and show the lineage and audit trail. Throws if any step does
 * not do what it says, so `npm run demo` exits non-zero.
 */
export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const home = resolve(options.home ?? '.slipway-demo');
  const say = options.narrate === false ? () => {} : (s: string) => process.stdout.write(`${s}\n`);
  const dataPath = join(packageRoot(), 'examples', 'data', 'adult-census-income.csv');
  const store = await openStore({ location: { home, databaseUrl: `sqlite:${join(home, 'slipway.db')}`, artifacts: join(home, 'objects') }, actor: 'demo-trainer' });
  const work = await mkdtemp(join(tmpdir(), 'slipway-demo-'));
  try {
    say(`Store: ${home} (SQLite + content-addressed objects)`);
    const experiment = await getExperimentByName(store, 'adult-income').catch(() => createExperiment(store, 'adult-income'));
    say(`1. Experiment '${experiment.name}' (id ${experiment.experiment_id})`);

    const data = parseAdult(await readFile(dataPath, 'utf8'), FEATURES);
    const digest = (await sha256File(dataPath)).hash;
    const { train: trainSet, test } = split(data, 42);
    say(`2. Data: ${data.rows} rows of Adult census income, sha256 ${digest.slice(0, 12)}; ${trainSet.rows} train / ${test.rows} holdout`);

    const runIds: string[] = [];
    for (const lr of [0.5, 0.05]) {
      const run = await createRun(store, { experimentId: experiment.experiment_id, runName: `logistic-lr-${lr}`, ...gitCommit() });
      runIds.push(run.info.run_id);
      const params = { learning_rate: lr, epochs: 8, batch_size: 256, seed: 7, features: FEATURES.join(',') };
      await logBatch(store, run.info.run_id, { params: Object.entries(params).map(([key, v]) => ({ key, value: String(v) })) });
      await logInputs(store, run.info.run_id, [{ name: 'adult-census-income.csv', digest, context: 'training', source: 'examples/data/adult-census-income.csv' }]);
      const model = await train(trainSet, { epochs: params.epochs, learningRate: lr, batchSize: params.batch_size, seed: params.seed }, (m) =>
        logBatch(store, run.info.run_id, { metrics: [{ key: 'train_loss', value: m.loss, step: m.epoch }, { key: 'train_accuracy', value: m.accuracy, step: m.epoch }] }),
      );
      const holdout = evaluate(model, test);
      await logBatch(store, run.info.run_id, { metrics: [{ key: 'test_accuracy', value: holdout.accuracy }, { key: 'test_log_loss', value: holdout.loss }] });
      const modelDir = join(work, `model-${lr}`, 'model');
      await mkdir(modelDir, { recursive: true });
      await writeFile(join(modelDir, 'model.json'), `${JSON.stringify(model, null, 2)}\n`);
      await logArtifact(store, run.info.run_id, modelDir);
      await updateRun(store, run.info.run_id, { status: 'FINISHED' });
      say(`3. Run ${run.info.run_name} (${run.info.run_id.slice(0, 8)}): ${params.epochs} epochs logged per step; holdout accuracy ${holdout.accuracy.toFixed(4)}, log loss ${holdout.loss.toFixed(4)}`);
    }

    const best = await searchRuns(store, { experimentIds: [experiment.experiment_id], filter: `metrics.test_accuracy > 0.7 and params.epochs = '8'`, orderBy: ['metrics.test_accuracy DESC'], maxResults: 1 });
    const winner = best.runs[0];
    if (!winner) throw new Error('search found no run with test_accuracy > 0.7: training did not learn');
    say(`4. Search "metrics.test_accuracy > 0.7" ordered by accuracy: best run ${winner.info.run_name}`);

    if (!(await hasRegisteredModel(store, MODEL))) await createRegisteredModel(store, MODEL, { description: 'Predicts income >50K from census attributes' });
    const versions = [];
    for (const id of runIds) versions.push(await createModelVersion(store, MODEL, { source: `runs:/${id}/model` }));
    const champion = versions[runIds.indexOf(winner.info.run_id)];
    if (!champion) throw new Error('the best run has no registered version');
    say(`5. Registered ${MODEL} versions ${versions.map((v) => v.version).join(', ')} (each pinned by sha256 of its files)`);

    await setAlias(store, MODEL, 'staging', champion.version, { reason: 'best holdout accuracy' });
    const selfApproval = await approveVersion(store, MODEL, champion.version).then(() => 'allowed', (e) => (e as Error).message);
    if (selfApproval === 'allowed') throw new Error('self-approval was allowed');
    say(`6. @staging -> v${champion.version}; self-approval refused: "${selfApproval}"`);
    const reviewer: Store = { ...store, actor: 'demo-reviewer' };
    await approveVersion(reviewer, MODEL, champion.version, { target: 'champion', comment: 'holdout accuracy checked' });
    await setAlias(reviewer, MODEL, 'champion', champion.version, { reason: 'approved by demo-reviewer' });
    say(`7. demo-reviewer approved v${champion.version}; @champion -> v${champion.version}`);

    const history = await modelHistory(store, MODEL);
    say(`8. Alias history of ${MODEL}:`);
    for (const h of history.slice(-4)) say(`     ${new Date(h.time).toISOString()} @${h.target} -> v${h.version ?? '-'} (was ${h.previous_version ?? '-'}) by ${h.actor}: ${h.reason}`);
    const audit = await listAudit(store.db, { limit: 5 });
    say('9. Latest audit entries:');
    for (const a of audit) say(`     #${a.id} ${a.actor} ${a.action} ${a.subject_type}:${a.subject_id}`);
    say(`\nDone. Explore with: SLIPWAY_HOME=${home} npx slipway runs list --order-by "metrics.test_accuracy DESC"`);
    return { home, runIds, model: MODEL, champion: champion.version };
  } finally {
    await rm(work, { recursive: true, force: true });
    await store.close();
  }
}

function gitCommit(): { sourceGitCommit?: string } {
  try {
    const sha = execFileSync('git', ['rev-parse', 'HEAD'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    return /^[0-9a-f]{40}$/.test(sha) ? { sourceGitCommit: sha } : {};
  } catch {
    return {};
  }
}
