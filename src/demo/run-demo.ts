import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { listAudit } from '../audit/index.js';
import { loadPipeline } from '../config/index.js';
import { registerValidateStage } from '../data/index.js';
import { registerEvaluateStages } from '../evaluate/index.js';
import { registerTrainStage } from '../train/index.js';
import { packageRoot } from '../package-root.js';
import { checkout, metricsDiff, type PipelineReport, runPipeline } from '../pipeline/index.js';
import { approveVersion, getVersionByAlias, modelCard, modelHistory, promote } from '../registry/index.js';
import { openStore, type Store } from '../store/index.js';
import { runServingSteps } from './serving-steps.js';
import { runMonitoringSteps } from './monitoring-steps.js';
import { runServerSteps } from './server-steps.js';

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
  /** The monitor run's HTML report (drift, accuracy, alerts) after the world moved. */
  readonly monitorReport: string;
}

const MODEL = 'adult-income';

/**
 * The end-to-end loop that exists today, on a fresh copy of examples/adult-income: validate the data,
 * split, train a gradient-boosted model, evaluate it (with fairness), gate it against production,
 * register it with its lineage; a second person approves it into @production; a worse model is
 * stopped by the gate; the run cache brings the good one back; a corrupted batch is stopped by
 * validation. Throws if any step does not do what it says, so `npm run demo` exits non-zero.
 */
export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const home = resolve(options.home ?? '.slipway-demo');
  const project = join(home, 'adult-income');
  const say = options.narrate === false ? () => {} : (s: string) => process.stdout.write(`${s}\n`);
  registerValidateStage();
  registerTrainStage();
  registerEvaluateStages();
  // The demo is self-contained: it tracks in its own store even where a shell points at a server.
  const trackingUri = process.env.SLIPWAY_TRACKING_URI;
  if (trackingUri !== undefined) {
    say(`(SLIPWAY_TRACKING_URI is set; the demo ignores it and tracks in its own store)`);
    delete process.env.SLIPWAY_TRACKING_URI;
  }
  try {
    return await runDemoLoop(project, home, say);
  } finally {
    if (trackingUri !== undefined) process.env.SLIPWAY_TRACKING_URI = trackingUri;
  }
}

async function runDemoLoop(project: string, home: string, say: (s: string) => void): Promise<DemoResult> {
  await rm(project, { recursive: true, force: true });
  const example = join(packageRoot(), 'examples', 'adult-income');
  await cp(example, project, { recursive: true, filter: (src) => !/[/\\](\.slipway|data|model|metrics|plots|gate)$/.test(src.slice(example.length)) && !src.endsWith('slipway.lock') });
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

    const first = await run('1. slipway run', {}, { validate: 'ran', prepare: 'ran', train: 'ran', evaluate: 'ran', gate: 'ran', register: 'ran' });
    const parent1 = first.parentRunId as string;
    say("   validate: 20 expectations met; the raw data's '?' values were read as nulls and reported (workclass 1,836, occupation 1,843, native_country 583), within 'mostly: 0.9'");
    const v1 = await getVersionByAlias(store, MODEL, 'staging');
    say(`   gate passed with no model in production yet (change rules skipped); registered ${MODEL} v${v1.version} (sha256 ${v1.blob.hash.slice(0, 12)}) as @staging; @production waits for an approval`);
    await run('2. slipway run again, nothing changed', {}, { validate: 'skipped', prepare: 'skipped', train: 'skipped', evaluate: 'skipped', gate: 'ran', register: 'skipped' });

    const selfApproval = await approveVersion(store, MODEL, v1.version, { target: 'production' }).then(() => 'allowed', (e: Error) => e.message);
    if (selfApproval === 'allowed') throw new Error('self-approval was allowed');
    say(`3. self-approval refused: "${selfApproval}"`);
    const reviewer: Store = { ...store, actor: 'demo-reviewer' };
    await approveVersion(reviewer, MODEL, v1.version, { target: 'production', comment: 'holdout metrics and fairness checked' });
    await promote(reviewer, MODEL, v1.version, 'production', { reason: 'gate passed, approved', policy: { requireApproval: true } });
    say(`   demo-reviewer approved v${v1.version}; @production -> v${v1.version}`);

    const worse = await run('4. slipway run --set train.max_iter=5 (a worse model)', { 'train.max_iter': 5 }, { train: 'ran', evaluate: 'ran', gate: 'failed', register: 'not-run' });
    const parent2 = worse.parentRunId as string;
    say(`   the gate stopped it: ${(worse.stages.find((x) => x.stage === 'gate')?.error ?? '').slice(0, 160)}...`);
    if ((await getVersionByAlias(store, MODEL, 'production')).version !== v1.version) throw new Error('a worse model reached production');
    say(`   a worse model never ships: @production is still v${v1.version}`);
    await run('5. slipway run (back to the committed params)', {}, { train: 'restored', evaluate: 'restored', gate: 'ran', register: 'skipped' });

    // A bad batch: ages out of range, an unknown income label, occupation mostly missing.
    const rawPath = join(project, 'raw', 'adult-census-income.csv');
    const original = await readFile(rawPath, 'utf8');
    await writeFile(rawPath, corruptBatch(original));
    const bad = await run('6. a corrupted batch arrives; slipway run', {}, { validate: 'failed', prepare: 'not-run', train: 'not-run', gate: 'not-run' });
    say(`   the pipeline stopped before training: ${(bad.stages.find((x) => x.stage === 'validate')?.error ?? '').slice(0, 170)}...`);
    await writeFile(rawPath, original);
    await run('   the good batch is back; slipway run', {}, { validate: 'skipped', prepare: 'skipped', train: 'skipped' });

    const diff = await metricsDiff(store, await loadPipeline(join(project, 'slipway.yaml')), parent1, parent2);
    say('7. metrics diff, first run vs the worse model:');
    for (const r of diff.filter((x) => ['accuracy', 'roc_auc', 'log_loss', 'fairness.sex.demographic_parity_ratio'].includes(x.key))) say(`     ${r.path} ${r.key}: ${fmt(r.old)} -> ${fmt(r.new)}`);

    const card = await modelCard(store, MODEL, v1.version);
    await writeFile(join(project, 'model-card.md'), card);
    say(`8. model card of v${v1.version} (lineage, metrics, fairness, gates, approvals): ${join(project, 'model-card.md')}`);
    const champion = { version: v1.version };
    await rm(join(project, 'model'), { recursive: true, force: true });
    const restored = await checkout(store, project);
    if (!restored.some((r) => r.path === 'model/model.onnx' && r.action === 'restored')) throw new Error('checkout did not restore the model');
    say(`9. Deleted model/ and ran slipway checkout: ${restored.filter((r) => r.action === 'restored').map((r) => r.path).join(', ')} restored from the store`);

    say(`10. Alias history of ${MODEL}:`);
    for (const h of await modelHistory(store, MODEL)) say(`     @${h.target} -> v${h.version ?? '-'} (was ${h.previous_version ?? '-'}) by ${h.actor}: ${h.reason}`);
    say('11. Latest audit entries:');
    for (const a of await listAudit(store.db, { action: 'model', limit: 6 })) say(`     #${a.id} ${a.actor} ${a.action} ${a.subject_type}:${a.subject_id}`);
    const served = await runServingSteps({ store, project, model: MODEL, say, run }, 12);
    const monitored = await runMonitoringSteps({ store, project, model: MODEL, say }, served);
    const next = await runServerSteps({ store, model: MODEL, say }, monitored.step);
    await runBikeSharing(home, say, next);
    const rel = relative(process.cwd(), project).startsWith('..') ? project : relative(process.cwd(), project) || '.';
    say('\nWhere everything is:');
    say(`  model cards          ${join(project, 'model-card.md')} (slipway models card adult-income N)`);
    say(`  monitor report       ${monitored.report} (slipway monitor adult-income-live --html FILE)`);
    say(`  evaluation reports   artifacts evaluation/report.html of each evaluate run (slipway runs list; slipway artifacts get RUN evaluation/report.html)`);
    say(`  validation reports   the validate stage's run artifacts (slipway runs list --filter "tags.\`slipway.stage\` = 'validate'")`);
    say(`  deployments          slipway deployments show adult-income (revision history)`);
    say(`  audit trail          slipway audit list (${(await listAudit(store.db, { limit: 1000 })).length} entries: promotions, approvals, deployments, rollbacks, alerts)`);
    say(`  store                ${join(project, '.slipway')} (SQLite metadata + content-addressed objects)`);
    say(`\nDone. Explore: cd ${rel} && npx slipway status && npx slipway deployments show adult-income && npx slipway alerts && npx slipway audit list`);
    return { home, project, pipelineRuns: [parent1, parent2], model: MODEL, champion: champion.version, monitorReport: monitored.report };
  } finally {
    await store.close();
  }
}

/** The regression example through the same loop; its policy promotes on a passed gate alone. */
async function runBikeSharing(home: string, say: (s: string) => void, step: number): Promise<void> {
  const project = join(home, 'bike-sharing');
  await rm(project, { recursive: true, force: true });
  const example = join(packageRoot(), 'examples', 'bike-sharing');
  await cp(example, project, { recursive: true, filter: (src) => !/[/\\](\.slipway|data|model|metrics|gate)$/.test(src.slice(example.length)) && !src.endsWith('slipway.lock') });
  const store = await openStore({ cwd: project, actor: 'demo-trainer' });
  try {
    const report = await runPipeline(store, await loadPipeline(join(project, 'slipway.yaml')), {});
    check(report, { validate: 'ran', prepare: 'ran', train: 'ran', evaluate: 'ran', gate: 'ran', register: 'ran' }, `${step}. bike sharing`);
    const metrics = JSON.parse(await readFile(join(project, 'metrics', 'eval.json'), 'utf8')) as Record<string, number>;
    const production = await getVersionByAlias(store, 'bike-sharing', 'production');
    say(`${step}. bike-sharing regression (${project}): R² ${fmt(metrics.r2)}, RMSE ${fmt(metrics.rmse)}; gate passed, v${production.version} promoted to @production (no approval required by its policy)`);
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
