import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { listAudit } from '../audit/index.js';
import { loadPipeline } from '../config/index.js';
import { registerValidateStage } from '../data/index.js';
import { packageRoot } from '../package-root.js';
import { checkout, metricsDiff, type PipelineReport, runPipeline } from '../pipeline/index.js';
import {
  approveVersion, createModelVersion, createRegisteredModel, hasRegisteredModel, modelHistory, setAlias,
} from '../registry/index.js';
import { openStore, type Store } from '../store/index.js';
import { getMetricHistory, getRunInfo, listChildRuns, searchRuns } from '../tracking/index.js';

export interface DemoOptions {
  /** Where the demo's project copy and its store live. @default ./.slipway-demo */
  home?: string;
  /** Print narration. @default true */
  narrate?: boolean;
}

export interface DemoResult {
  readonly home: string;
  readonly project: string;
  readonly pipelineRuns: string[];
  readonly model: string;
  readonly champion: string;
}

const MODEL = 'adult-income';

/**
 * The end-to-end flow that exists today, on a fresh copy of examples/adult-income: run its pipeline
 * (prepare → train → evaluate), show that nothing re-runs when nothing changed, try another learning
 * rate with --set, get the first model back from the run cache, compare the runs, register the best
 * model with its lineage, approve it as someone else and move @champion. Throws if any step does not
 * do what it says, so `npm run demo` exits non-zero.
 */
export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const home = resolve(options.home ?? '.slipway-demo');
  const project = join(home, 'adult-income');
  const say = options.narrate === false ? () => {} : (s: string) => process.stdout.write(`${s}\n`);
  registerValidateStage();
  await rm(project, { recursive: true, force: true });
  const example = join(packageRoot(), 'examples', 'adult-income');
  await cp(example, project, { recursive: true, filter: (src) => !/[/\\](\.slipway|data|model|metrics|plots)$/.test(src.slice(example.length)) && !src.endsWith('slipway.lock') });
  const store = await openStore({ cwd: project, actor: 'demo-trainer' });
  try {
    say(`Project: ${project} (a copy of examples/adult-income; store in .slipway/, SQLite + content-addressed objects)`);
    const run = async (label: string, overrides: Record<string, unknown> = {}, expect: Record<string, string>) => {
      const spec = await loadPipeline(join(project, 'slipway.yaml'), { overrides });
      const t = performance.now();
      const report = await runPipeline(store, spec, { overrides: Object.fromEntries(Object.entries(overrides).map(([k, v]) => [k, String(v)])) });
      const ms = performance.now() - t;
      check(report, expect, label);
      say(`${label}: ${report.stages.map((s) => `${s.stage} ${s.outcome}`).join(', ')} (${ms.toFixed(0)} ms)`);
      return report;
    };

    const first = await run('1. slipway run', {}, { validate: 'ran', prepare: 'ran', train: 'ran', evaluate: 'ran' });
    const validation = first.stages.find((s) => s.stage === 'validate');
    say(`   validate: 20 expectations met; the raw data's '?' values were read as nulls and reported (workclass 1,836, occupation 1,843, native_country 583), within the suite's 'mostly: 0.9'; report stored on run ${validation?.runId?.slice(0, 8)}`);
    const parent1 = first.parentRunId as string;
    await run('2. slipway run again, nothing changed', {}, { validate: 'skipped', prepare: 'skipped', train: 'skipped', evaluate: 'skipped' });
    const second = await run('3. slipway run --set train.learning_rate=0.05', { 'train.learning_rate': 0.05 }, { prepare: 'skipped', train: 'ran', evaluate: 'ran' });
    const parent2 = second.parentRunId as string;
    await run('4. slipway run (learning rate back to 0.5)', {}, { prepare: 'skipped', train: 'restored', evaluate: 'restored' });

    // A bad batch: ages out of range, an unknown income label, occupation mostly missing.
    const rawPath = join(project, 'raw', 'adult-census-income.csv');
    const original = await readFile(rawPath, 'utf8');
    await writeFile(rawPath, corruptBatch(original));
    const bad = await run('5. a corrupted batch arrives; slipway run', {}, { validate: 'failed', prepare: 'not-run', train: 'not-run', evaluate: 'not-run' });
    say(`   the pipeline stopped before training: ${bad.stages.find((s) => s.stage === 'validate')?.error ?? ''}`);
    await writeFile(rawPath, original);
    await run('   the good batch is back; slipway run', {}, { validate: 'skipped', prepare: 'skipped', train: 'skipped', evaluate: 'skipped' });

    const diff = await metricsDiff(store, await loadPipeline(join(project, 'slipway.yaml')), parent1, parent2);
    say('6. metrics diff between the two pipeline runs:');
    for (const r of diff) say(`     ${r.path} ${r.key}: ${fmt(r.old)} -> ${fmt(r.new)}`);

    const experimentId = (await getRunInfo(store, parent1)).experiment_id;
    const { runs } = await searchRuns(store, {
      experimentIds: [experimentId], filter: "tags.`slipway.stage` = 'evaluate' and metrics.test_accuracy > 0.8",
      orderBy: ['metrics.test_accuracy DESC'], maxResults: 1,
    });
    const best = runs[0];
    if (!best) throw new Error('no evaluate run reached test_accuracy > 0.8');
    const bestParent = best.info.parent_run_id as string;
    const trainRun = (await listChildRuns(store, bestParent)).find((r) => r.run_name === 'train');
    if (!trainRun) throw new Error('the best pipeline run has no train stage run');
    const curve = await getMetricHistory(store, trainRun.run_id, 'train_loss');
    say(`7. Best holdout accuracy ${fmt(best.data.metrics.find((m) => m.key === 'test_accuracy')?.value ?? null)} (pipeline run ${bestParent.slice(0, 8)}); its train stage logged train_loss at ${curve.length} steps`);

    if (!(await hasRegisteredModel(store, MODEL))) await createRegisteredModel(store, MODEL, { description: 'Predicts income >50K from census attributes' });
    const mv = await createModelVersion(store, MODEL, { source: join(project, 'model'), runId: trainRun.run_id, description: 'logistic regression, lr 0.5' });
    say(`8. Registered ${MODEL} v${mv.version}: sha256 ${mv.blob.hash.slice(0, 12)}, lineage run ${trainRun.run_id.slice(0, 8)} (its inputs: data and params by hash)`);

    await setAlias(store, MODEL, 'staging', mv.version, { reason: 'best holdout accuracy' });
    const selfApproval = await approveVersion(store, MODEL, mv.version).then(() => 'allowed', (e: Error) => e.message);
    if (selfApproval === 'allowed') throw new Error('self-approval was allowed');
    say(`9. @staging -> v${mv.version}; self-approval refused: "${selfApproval}"`);
    const reviewer: Store = { ...store, actor: 'demo-reviewer' };
    await approveVersion(reviewer, MODEL, mv.version, { target: 'champion', comment: 'holdout accuracy checked' });
    await setAlias(reviewer, MODEL, 'champion', mv.version, { reason: 'approved by demo-reviewer' });
    say(`10. demo-reviewer approved v${mv.version}; @champion -> v${mv.version}`);

    await rm(join(project, 'model'), { recursive: true, force: true });
    const restored = await checkout(store, project);
    if (!restored.some((r) => r.path === 'model' && r.action === 'restored')) throw new Error('checkout did not restore the model folder');
    say(`11. Deleted model/ and ran slipway checkout: ${restored.filter((r) => r.action === 'restored').map((r) => r.path).join(', ')} restored from the store`);

    say(`12. Alias history of ${MODEL}:`);
    for (const h of await modelHistory(store, MODEL)) say(`     @${h.target} -> v${h.version ?? '-'} (was ${h.previous_version ?? '-'}) by ${h.actor}: ${h.reason}`);
    say('13. Latest audit entries:');
    for (const a of await listAudit(store.db, { limit: 4 })) say(`     #${a.id} ${a.actor} ${a.action} ${a.subject_type}:${a.subject_id}`);
    const rel = relative(process.cwd(), project).startsWith('..') ? project : relative(process.cwd(), project) || '.';
    say(`\nDone. Explore: cd ${rel} && npx slipway status && npx slipway runs list --order-by "metrics.test_accuracy DESC"`);
    return { home, project, pipelineRuns: [parent1, parent2], model: MODEL, champion: mv.version };
  } finally {
    await store.close();
  }
}

/** Every 10th row gets an impossible age, every 50th an unknown income label, and most occupations go missing. */
function corruptBatch(csv: string): string {
  const lines = csv.split('\n');
  return lines
    .map((line, i) => {
      if (i === 0 || line === '') return line;
      const cells = line.split(',');
      if (i % 10 === 0) cells[0] = '-4';
      if (i % 50 === 0) cells[14] = 'unknown';
      if (i % 3 !== 0) cells[6] = '?';
      return cells.join(',');
    })
    .join('\n');
}

function check(report: PipelineReport, expect: Record<string, string>, label: string): void {
  for (const [stage, outcome] of Object.entries(expect)) {
    const got = report.stages.find((s) => s.stage === stage);
    if (got?.outcome !== outcome) {
      throw new Error(`${label}: expected stage ${stage} to be ${outcome}, got ${got?.outcome ?? 'nothing'}${got?.error ? ` (${got.error})` : ''}`);
    }
  }
}

const fmt = (v: string | number | null | undefined) => (typeof v === 'number' ? v.toFixed(4) : (v ?? '-'));
