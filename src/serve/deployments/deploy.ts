/**
 * `slipway deploy`: resolve the model URI, smoke-test the version in this process with the same
 * runtime the server uses, and only then record the rollout (which following servers pick up and
 * smoke-test again where they run). A failed smoke test changes nothing and is audited.
 */
import { invalid, SlipwayError } from '../../errors.js';
import { resolveModelUri } from '../../registry/index.js';
import type { Store } from '../../store/index.js';
import { resolveArtifact, runsUsingData } from '../../tracking/index.js';
import type { CanaryLimits, ModelRef, SmokeRef, Strategy } from './deployment-spec.js';
import { auditRefusedRollout, type Deployment, startRollout } from './deployments.js';
import { loadVersion } from './load-version.js';
import { parseSmokeCases, readSmokeFile, runSmokeTest, type SmokeCases, type SmokeResult } from './smoke-test.js';

/** Where the evaluate stage keeps the rows it evaluated a model on, with its predictions. */
export const SMOKE_SAMPLE_ARTIFACT = 'evaluation/smoke-sample.json';

export interface DeployOptions {
  /** models:/NAME/VERSION, models:/NAME@ALIAS, ... */
  readonly uri: string;
  readonly strategy?: Strategy;
  readonly percent?: number;
  readonly keyHeader?: string;
  readonly limits?: Partial<CanaryLimits>;
  /** A smoke test file; by default the model's evaluation sample. */
  readonly smokeFile?: string;
  /** Deploy without a smoke test (recorded in the audit reason). */
  readonly skipSmoke?: boolean;
  readonly reason?: string;
}

export interface DeployResult {
  readonly deployment: Deployment;
  readonly ref: ModelRef;
  readonly smoke: (SmokeResult & { readonly source: SmokeRef['source'] }) | undefined;
}

export async function deploy(store: Store, name: string, options: DeployOptions): Promise<DeployResult> {
  const mv = await resolveModelUri(store, options.uri);
  if (mv.blob.kind !== 'file') throw invalid(`${options.uri} is a folder; serving needs a single .onnx file version`);
  const ref: ModelRef = { model: mv.name, version: mv.version };
  let smokeRef: SmokeRef | null = null;
  let smoke: DeployResult['smoke'];
  if (!options.skipSmoke) {
    const source: SmokeRef['source'] = options.smokeFile ? 'file' : 'evaluation';
    const cases = options.smokeFile ? await readSmokeFile(options.smokeFile) : await evaluationSample(store, mv.blob.hash);
    if (!cases) {
      throw invalid(`no smoke test for ${ref.model} version ${ref.version}: no evaluation of it stored ${SMOKE_SAMPLE_ARTIFACT}. Pass --smoke FILE, or --skip-smoke to deploy untested.`);
    }
    const model = await loadVersion(store, ref, false);
    let result: SmokeResult;
    try {
      result = await runSmokeTest(model, cases);
    } finally {
      await model.close();
    }
    smoke = { ...result, source };
    if (!result.passed) {
      const why = `smoke test failed on ${result.mismatches} of ${result.rows} rows: ${result.failures.join('; ')}`;
      await auditRefusedRollout(store, name, ref, why);
      throw new SlipwayError('CHECK_FAILED', `${ref.model} version ${ref.version} not deployed to '${name}': ${why}`);
    }
    const blob = await store.objects.put(JSON.stringify(cases));
    smokeRef = { hash: blob.hash, source, rows: result.rows, ref };
  }
  const reason = options.reason ?? (options.skipSmoke ? 'deployed without a smoke test' : undefined);
  const deployment = await startRollout(store, name, {
    ref, strategy: options.strategy ?? 'bluegreen', smoke: smokeRef,
    ...(options.percent === undefined ? {} : { percent: options.percent }),
    ...(options.keyHeader ? { keyHeader: options.keyHeader } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
    ...(reason ? { reason } : {}),
  });
  return { deployment, ref, smoke };
}

/** The newest evaluation sample stored by a run that read these model bytes. */
export async function evaluationSample(store: Store, modelHash: string): Promise<SmokeCases | undefined> {
  const runs = (await runsUsingData(store, modelHash)).filter((r) => r.context === 'input').reverse();
  for (const run of runs) {
    let ref;
    try {
      ref = await resolveArtifact(store, run.run_id, SMOKE_SAMPLE_ARTIFACT);
    } catch (err) {
      if ((err as SlipwayError).code === 'RESOURCE_DOES_NOT_EXIST') continue;
      throw err;
    }
    if (ref.kind !== 'file') continue;
    return parseSmokeCases((await store.objects.get(ref.hash)).toString('utf8'), `${SMOKE_SAMPLE_ARTIFACT} of run ${run.run_id}`);
  }
  return undefined;
}
