import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { getStageKind, registerStageKind } from '../config/index.js';
import { readTable } from '../data/index.js';
import { SlipwayError } from '../errors.js';
import { getStageRunner, registerStageRunner, type StageRunContext } from '../pipeline/index.js';
import { aliasPolicyFromConfig } from '../registry/index.js';
import { sha256File } from '../store/index.js';
import { renderEvaluationHtml } from './evaluation-html.js';
import { evaluateModel } from './evaluate-model.js';
import { formatGateResult } from './gate.js';
import { gateRuleSchema, parseAliasUri } from './gate-schema.js';
import { loadModel } from './model-source.js';
import { runGate } from './run-gate.js';
import { evaluationSmokeSample } from './smoke-sample.js';
import { stageRegistry } from './stage-registry.js';
import { SMOKE_SAMPLE_ARTIFACT } from '../serve/index.js';

const columns = z.array(z.string()).default([]);
const evaluateArgs = z.strictObject({
  model: z.string().min(1), data: z.string().min(1), target: z.string().optional(), sensitive: columns, slices: columns,
  /** Flat metrics JSON (a stage metrics file). */
  out: z.string().default('metrics/evaluation.json'),
});
const gateArgs = z.strictObject({
  model: z.string().min(1), data: z.string().min(1), target: z.string().optional(), sensitive: columns,
  /** The registered model this candidate would become a version of (names the default baseline). */
  name: z.string().min(1),
  baseline: z.string().optional(),
  /** The alias the verdict is for. @default the baseline's alias */
  for: z.string().optional(),
  rules: z.array(gateRuleSchema).min(1),
  out: z.string().default('gate/result.json'),
});
const registerArgs = z.strictObject({
  model: z.string().min(1), name: z.string().min(1), description: z.string().optional(),
  /** A gate stage's result file: a passed gate becomes the new version's blessing. */
  gate: z.string().optional(),
  /** Alias to point at the new version (no policy: e.g. staging). */
  alias: z.string().optional(),
  /** Alias to promote to when its policy allows (a blessing; an approval where slipway.yaml requires one). */
  promote_to: z.string().optional(),
});

/** `uses: evaluate | gate | register`: the evaluation half of the loop, as pipeline stages. */
export function registerEvaluateStages(): void {
  const kinds = [
    { name: 'evaluate', describe: 'score a model on labelled data (metrics, slices, fairness)', schema: evaluateArgs, paths: (a: Record<string, unknown>) => ({ deps: [String(a.model), String(a.data)], metrics: [String(a.out ?? 'metrics/evaluation.json')] }), run: runEvaluate },
    { name: 'gate', describe: 'compare a candidate with the model holding the baseline alias; fail the pipeline if it is not better', schema: gateArgs, paths: (a: Record<string, unknown>) => ({ deps: [String(a.model), String(a.data)], outs: [String(a.out ?? 'gate/result.json')] }), run: runGateStage },
    { name: 'register', describe: 'register the model with its lineage, record its gate, move aliases the policy allows', schema: registerArgs, paths: (a: Record<string, unknown>) => ({ deps: [String(a.model), ...(a.gate ? [String(a.gate)] : [])] }), run: runRegister },
  ];
  for (const k of kinds) {
    if (!getStageKind(k.name)) registerStageKind({ name: k.name, describe: k.describe, schema: k.schema, paths: k.paths, alwaysChanged: k.name === 'gate' });
    if (!getStageRunner(k.name)) registerStageRunner(k.name, k.run);
  }
}

const within = (ctx: StageRunContext, p: string) => join(ctx.spec.root, ctx.stage.wdir, p);

async function writeJson(path: string, value: unknown) {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(value, null, 2)}\n`);
}

async function runEvaluate(ctx: StageRunContext) {
  const a = evaluateArgs.parse(ctx.stage.uses?.with ?? {});
  const { model } = await loadModel(ctx.store, within(ctx, a.model));
  const table = await readTable(within(ctx, a.data));
  const report = evaluateModel(model, table, { ...(a.target ? { target: a.target } : {}), sensitive: a.sensitive, slices: a.slices });
  const metrics = Object.fromEntries(Object.entries(report.metrics).filter((e): e is [string, number] => typeof e[1] === 'number'));
  await writeJson(within(ctx, a.out), metrics);
  await ctx.tracking.putArtifact(ctx.runId, 'evaluation/report.json', `${JSON.stringify(report, null, 2)}\n`);
  await ctx.tracking.putArtifact(ctx.runId, 'evaluation/report.html', renderEvaluationHtml(report, `${a.model} on ${a.data}`, { generatedAt: new Date() }));
  // What `slipway deploy` smoke-tests this model against by default.
  await ctx.tracking.putArtifact(ctx.runId, SMOKE_SAMPLE_ARTIFACT, JSON.stringify(evaluationSmokeSample(model, table)));
  ctx.log(`${report.rows} rows: ${Object.entries(metrics).slice(0, 6).map(([k, v]) => `${k} ${Number(v.toPrecision(4))}`).join(', ')}`);
  return { metrics };
}

async function runGateStage(ctx: StageRunContext) {
  const a = gateArgs.parse(ctx.stage.uses?.with ?? {});
  const candidate = await loadModel(ctx.store, within(ctx, a.model));
  const baseline = a.baseline ?? `models:/${a.name}@production`;
  const modelSha = (await sha256File(within(ctx, a.model))).hash;
  const registry = stageRegistry(ctx);
  const run = await runGate(ctx.store, candidate, await readTable(within(ctx, a.data)), { rules: a.rules, baseline }, {
    baseline, candidateSha256: modelSha, loadModel: (ref) => registry.loadModel(ref), ...(a.for ? { forAlias: a.for } : {}), ...(a.target ? { target: a.target } : {}), sensitive: a.sensitive, runId: ctx.runId,
  });
  const result = {
    passed: run.result.passed, for: a.for ?? parseAliasUri(baseline).alias, baseline: run.baseline ? { uri: baseline, version: run.baseline.version } : null,
    model_sha256: modelSha, rules: run.result.rules, failures: run.result.failures,
  };
  await writeJson(within(ctx, a.out), result);
  for (const line of formatGateResult(run.result).split('\n')) ctx.log(line);
  const metrics = { 'gate.passed': run.result.passed ? 1 : 0, 'gate.failures': run.result.failures.length };
  if (!run.result.passed) {
    throw new SlipwayError('CHECK_FAILED', `gate against ${baseline}${run.baseline ? ` (version ${run.baseline.version})` : ''} failed: ${run.result.failures.join('; ')}`, { metrics });
  }
  return { metrics };
}

async function runRegister(ctx: StageRunContext) {
  const a = registerArgs.parse(ctx.stage.uses?.with ?? {});
  const path = within(ctx, a.model);
  const digest = (await sha256File(path)).hash;
  // The registry that goes with the pipeline's tracking: the local store's, or the tracking server's.
  const registry = stageRegistry(ctx);
  // Lineage: the run whose outputs include exactly these bytes is the run that trained them.
  const producer = (await ctx.tracking.runsUsingData(digest)).filter((r) => r.context === 'output').at(-1)?.run_id;
  // The same bytes are the same version: re-running a pipeline does not mint duplicates.
  const existing = await registry.findVersionByHash(a.name, digest);
  await registry.ensureModel(a.name);
  const mv = existing ?? (await registry.registerFile(a.name, path, {
    sha256: digest, stageRunId: ctx.runId, ...(producer ? { producerRunId: producer } : {}), ...(a.description ? { description: a.description } : {}),
  }));
  ctx.log(`${existing ? 'already registered as' : 'registered'} ${a.name} version ${mv.version} (sha256 ${mv.blob.hash.slice(0, 12)}${producer ? `, trained by run ${producer.slice(0, 8)}` : ''})`);
  if (a.gate && !existing) {
    const gate = JSON.parse(await readFile(within(ctx, a.gate), 'utf8')) as { passed: boolean; for: string; baseline: { version: string } | null; rules: unknown; model_sha256?: string };
    if (gate.model_sha256 && gate.model_sha256 !== digest) throw new SlipwayError('CHECK_FAILED', `the gate result ${a.gate} is for other bytes than ${a.model}; re-run the gate.`);
    await registry.recordBlessing(a.name, mv.version, { target: gate.for, baselineVersion: gate.baseline?.version ?? null, passed: gate.passed, rules: gate.rules, runId: ctx.runId });
    ctx.log(`recorded its gate for @${gate.for}: ${gate.passed ? 'passed' : 'failed'}`);
  }
  if (a.alias) {
    await registry.setAlias(a.name, a.alias, mv.version, `registered by pipeline ${ctx.spec.name}`);
    ctx.log(`@${a.alias} -> version ${mv.version}`);
  }
  if (a.promote_to && !mv.aliases.includes(a.promote_to)) {
    const policy = aliasPolicyFromConfig(ctx.spec.extra.registry, a.promote_to, ctx.spec.file);
    try {
      await registry.promote(a.name, mv.version, a.promote_to, { reason: `gate passed in pipeline ${ctx.spec.name}`, policy });
      ctx.log(`promoted to @${a.promote_to}`);
    } catch (err) {
      // A policy that wants a human is not a pipeline failure: the version waits for its approval.
      if ((err as SlipwayError).code !== 'PERMISSION_DENIED') throw err;
      ctx.log(`not promoted to @${a.promote_to} yet: ${(err as Error).message}`);
    }
  }
  return { metrics: { 'register.version': Number(mv.version) } };
}
