import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { getStageKind, registerStageKind } from '../config/index.js';
import { buildReference, readTable, referenceArtifacts } from '../data/index.js';
import { getStageRunner, registerStageRunner, type StageRunContext } from '../pipeline/index.js';
import { writeModelOnnx } from './model-file.js';
import { trainModelWithInfo } from './train.js';

const trainArgs = z.strictObject({
  data: z.string().min(1),
  target: z.string().min(1),
  algorithm: z.enum(['linear', 'logistic', 'gbdt']),
  exclude: z.array(z.string()).default([]),
  params: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])).default({}),
  seed: z.number().int().default(0),
  /** Where the ONNX model is written (a stage out). */
  out: z.string().min(1).default('model/model.onnx'),
});

/**
 * `uses: train`: fits a built-in model on a data file and writes it as ONNX (an out, so it is cached,
 * versioned and restored like any other), also stored on the stage's run as `model/model.onnx`, with
 * the training data's reference for monitoring (`reference/profile.json`, `reference/sample.parquet`).
 */
export function registerTrainStage(): void {
  if (!getStageKind('train')) {
    registerStageKind({
      name: 'train', describe: 'fit a built-in model (linear, logistic, gbdt) and write it as ONNX', schema: trainArgs,
      paths: (args) => ({ deps: [String(args.data)], outs: [String(args.out ?? 'model/model.onnx')] }),
    });
  }
  if (!getStageRunner('train')) registerStageRunner('train', runTrainStage);
}

async function runTrainStage(ctx: StageRunContext) {
  const args = trainArgs.parse(ctx.stage.uses?.with ?? {});
  const wdir = join(ctx.spec.root, ctx.stage.wdir);
  const table = await readTable(join(wdir, args.data));
  const started = performance.now();
  const { model, info } = trainModelWithInfo(table, { target: args.target, algorithm: args.algorithm, exclude: args.exclude, params: args.params, seed: args.seed });
  const seconds = (performance.now() - started) / 1000;
  const out = join(wdir, args.out);
  await mkdir(dirname(out), { recursive: true });
  await writeModelOnnx(model, out);
  await ctx.tracking.logArtifact(ctx.runId, out, 'model');
  // Monitoring's reference: the training data's profile and a seeded sample, kept with the run that
  // trained the model, so drift checks never re-read the training file.
  const reference = buildReference(table, { seed: args.seed, columns: [...info.features, model.target] });
  for (const [path, data] of referenceArtifacts(reference)) await ctx.tracking.putArtifact(ctx.runId, path, data);
  ctx.log(`trained ${model.algorithm} (${model.task}) on ${info.rows} rows predicting '${model.target}' in ${seconds.toFixed(2)}s; wrote ${args.out}`);
  return { metrics: { 'train.rows': info.rows, 'train.seconds': seconds, ...(info.iterations !== undefined ? { 'train.iterations': info.iterations } : {}) } };
}
