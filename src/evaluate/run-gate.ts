import type { Table } from '../data/index.js';
import { type RecordBlessingInput, recordBlessing } from '../registry/index.js';
import type { Store } from '../store/index.js';
import { type EvaluateModelOptions, evaluateModel } from './evaluate-model.js';
import type { EvaluationReport } from './evaluate.js';
import { evaluateGate, type GateResult, type MetricValues } from './gate.js';
import { type GateConfig, parseAliasUri } from './gate-schema.js';
import { type LoadedModel, loadModel } from './model-source.js';

export interface GateRun {
  readonly result: GateResult;
  readonly candidate: EvaluationReport;
  /** Undefined when nothing holds the baseline alias yet (change rules are then skipped). */
  readonly baseline: { readonly ref: string; readonly version: string; readonly report: EvaluationReport } | undefined;
  readonly baselineRef: string;
  /** Recorded when the candidate is a registered version. */
  readonly blessingId: number | undefined;
}

/**
 * The gate: evaluates the candidate AND the current holder of the baseline alias on the same rows
 * (so the comparison is fair), applies the rules, and records the verdict on the candidate version as
 * a blessing (or a failed gate) for `target` — the alias it wants to hold.
 */
export async function runGate(
  store: Store | undefined, candidate: LoadedModel, table: Table, config: GateConfig,
  options: EvaluateModelOptions & {
    baseline?: string; forAlias?: string; runId?: string; candidateSha256?: string;
    /** How a `models:/` baseline is loaded: a pipeline tracking on a server loads it from there. @default from `store` */
    loadModel?: (ref: string) => Promise<LoadedModel>;
    /** Where the verdict is recorded: a gate run against a server records it there. @default the registry of `store` */
    recordBlessing?: (name: string, version: string, input: RecordBlessingInput) => Promise<void>;
  } = {},
): Promise<GateRun> {
  const name = candidate.version?.name ?? candidate.model.target;
  const baselineRef = options.baseline ?? config.baseline ?? `models:/${name}@production`;
  const target = options.forAlias ?? parseAliasUri(baselineRef).alias;
  const candidateReport = evaluateModel(candidate.model, table, options);
  const baselineModel = await (options.loadModel ?? ((ref: string) => loadModel(requireStore(store), ref)))(baselineRef).catch((err: { code?: string }) => {
    if (err?.code === 'RESOURCE_DOES_NOT_EXIST') return undefined;
    throw err;
  });
  // A candidate compared with itself proves nothing: treat "the candidate already holds the alias" as no baseline.
  const sameVersion = (baselineModel?.version && candidate.version && baselineModel.version.name === candidate.version.name && baselineModel.version.version === candidate.version.version)
    || (options.candidateSha256 !== undefined && baselineModel?.version?.blob.hash === options.candidateSha256);
  const baselineReport = baselineModel && !sameVersion ? evaluateModel(baselineModel.model, table, options) : undefined;
  const result = evaluateGate(config.rules, metricValues(candidateReport), baselineReport ? metricValues(baselineReport) : undefined);
  let blessing: { id: number } | undefined;
  if (candidate.version) {
    const input: RecordBlessingInput = {
      target, baselineVersion: baselineReport ? (baselineModel?.version?.version ?? null) : null, passed: result.passed, rules: result.rules,
      runId: options.runId ?? null,
    };
    if (options.recordBlessing) await options.recordBlessing(candidate.version.name, candidate.version.version, input);
    else blessing = await recordBlessing(requireStore(store), candidate.version.name, candidate.version.version, input);
  }
  return {
    result, candidate: candidateReport, baselineRef, blessingId: blessing?.id,
    baseline: baselineReport && baselineModel?.version ? { ref: baselineRef, version: baselineModel.version.version, report: baselineReport } : undefined,
  };
}

function metricValues(report: EvaluationReport): MetricValues {
  return report.metrics as MetricValues;
}

function requireStore(store: Store | undefined): Store {
  if (!store) throw new Error('runGate needs a store unless loadModel and recordBlessing are given');
  return store;
}
