import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { parse } from 'yaml';
import { readTable } from '../data/index.js';
import { invalid, SlipwayError } from '../errors.js';
import { evaluateModel, formatGateResult, loadModel, parseGateConfig, remoteStageRegistry, renderEvaluationHtml, runGate } from '../evaluate/index.js';
import { remoteTrackingClient, trackingTargetFromEnv } from '../tracking/index.js';
import { type Algorithm, readModelFromOnnx, type TrainedModel, trainModelWithInfo, writeModelOnnx } from '../train/index.js';
import { formatNumber, printJson, printLine, printTable } from './output.js';
import { collect, parseKeyValue } from './parse-args.js';
import { withOps, withStore } from './with-store.js';

const list = (v: string | undefined) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : []);

export function modelCommands(program: Command): void {
  program.command('train')
    .description('train a built-in model (preprocessing included) and write it as a standalone ONNX file')
    .requiredOption('--data <file>', 'training data (CSV, JSON Lines or Parquet)')
    .requiredOption('--target <column>', 'the column to predict')
    .requiredOption('--algorithm <name>', 'linear | logistic | gbdt')
    .requiredOption('--out <model.onnx>', 'where to write the model')
    .option('--exclude <columns>', 'comma-separated columns not to use as features')
    .option('--param <key=value>', 'hyperparameter (repeatable), e.g. max_iter=200', collect, [])
    .option('--seed <n>', 'random seed', '0')
    .option('--json', 'print JSON: {"out", "bytes", "algorithm", "task", "target", "classes"?, "params", "info"}')
    .action(async (o: { data: string; target: string; algorithm: string; out: string; exclude?: string; param: string[]; seed: string; json?: boolean }) => {
      if (!['linear', 'logistic', 'gbdt'].includes(o.algorithm)) throw invalid(`--algorithm must be linear, logistic or gbdt, got '${o.algorithm}'.`);
      const seed = Number(o.seed);
      if (!Number.isSafeInteger(seed)) throw invalid(`--seed expects an integer, got '${o.seed}'.`);
      const params = Object.fromEntries(o.param.map((p) => { const kv = parseKeyValue('--param', p); return [kv.key, kv.value]; }));
      const table = await readTable(o.data);
      const { model, info } = trainModelWithInfo(table, { target: o.target, algorithm: o.algorithm as Algorithm, exclude: list(o.exclude), params, seed });
      const { bytes } = await writeModelOnnx(model, o.out);
      if (o.json) return printJson({ out: o.out, bytes, algorithm: model.algorithm, task: model.task, target: model.target, ...(model.classes ? { classes: model.classes } : {}), params: model.params, info });
      printLine(`Trained ${model.algorithm} (${model.task}) on ${info.rows} rows predicting '${model.target}'; wrote ${o.out} (${bytes} bytes).`);
    });

  program.command('evaluate')
    .description('score a model on labelled data: metrics, confusion matrix, calibration, slices, fairness')
    .requiredOption('--model <file|uri>', 'a .onnx file or models:/NAME/VERSION | models:/NAME@ALIAS')
    .requiredOption('--data <file>', 'evaluation data')
    .option('--target <column>', "the label column (default: the model's target)")
    .option('--sensitive <columns>', 'comma-separated columns for fairness metrics (binary classification)')
    .option('--slice <columns>', 'comma-separated columns for per-value metrics')
    .option('--html <out>', 'also write a self-contained HTML report')
    .option('--json', 'print JSON: the evaluation report {format, task, rows, metrics, confusion_matrix?, calibration?, slices?, fairness?}')
    .action(async (o: { model: string; data: string; target?: string; sensitive?: string; slice?: string; html?: string; json?: boolean }) => {
      const loaded = await loadWithOptionalStore(o.model);
      const report = evaluateModel(loaded.model, await readTable(o.data), {
        ...(o.target ? { target: o.target } : {}), sensitive: list(o.sensitive), slices: list(o.slice),
      });
      if (o.html) await writeFile(o.html, renderEvaluationHtml(report, `${o.model} on ${o.data}`, { generatedAt: new Date() }));
      if (o.json) return printJson(report);
      printLine(`${o.model} on ${o.data}: ${report.rows} rows (${report.task})`);
      printTable(['METRIC', 'VALUE'], Object.entries(report.metrics).map(([k, v]) => [k, v === null ? '-' : formatNumber(v)]));
      if (o.html) printLine(`HTML report: ${o.html}`);
    });

  program.command('gate')
    .description('compare a candidate with the model holding the baseline alias, on the same data; record the verdict')
    .requiredOption('--candidate <file|uri>', 'the candidate: models:/NAME/VERSION (to record a blessing) or a .onnx file')
    .requiredOption('--data <file>', 'evaluation data (both models are scored on exactly these rows)')
    .requiredOption('--rules <file>', "gate rules (YAML: {baseline?: models:/NAME@ALIAS, rules: [{metric, threshold?, min_absolute_change?, min_relative_change?, greater_is_better?}]})")
    .option('--baseline <uri>', 'baseline alias URI (default: the rules file, else models:/NAME@production)')
    .option('--for <alias>', 'the alias this blessing is for (default: the baseline alias)')
    .option('--target <column>', "the label column (default: the model's target)")
    .option('--sensitive <columns>', 'comma-separated columns for fairness metrics (for fairness rules)')
    .option('--json', 'print JSON: {"passed", "baseline": {"uri", "version"} | null, "rules": [...], "failures": [...], "blessing_id"?}')
    .action(async (o: { candidate: string; data: string; rules: string; baseline?: string; for?: string; target?: string; sensitive?: string; json?: boolean }) => {
      const text = await readFile(o.rules, 'utf8').catch(() => {
        throw invalid(`Gate rules file ${o.rules} does not exist.`);
      });
      const raw = parse(text) as { gate?: unknown } | null;
      const config = parseGateConfig(raw && typeof raw === 'object' && 'gate' in raw ? raw.gate : raw, o.rules);
      const gateOptions = {
        ...(o.baseline ? { baseline: o.baseline } : {}), ...(o.for ? { forAlias: o.for } : {}), ...(o.target ? { target: o.target } : {}),
        sensitive: list(o.sensitive),
      };
      const target = trackingTargetFromEnv();
      // With a server, both models come from its registry and the verdict is recorded there.
      const run = target.kind === 'remote'
        ? await (async () => {
            const registry = remoteStageRegistry(target, remoteTrackingClient(target));
            return runGate(undefined, await registry.loadModel(o.candidate), await readTable(o.data), config, {
              ...gateOptions, loadModel: (ref) => registry.loadModel(ref), recordBlessing: (name, version, input) => registry.recordBlessing(name, version, input),
            });
          })()
        : await withStore(async (store) => runGate(store, await loadModel(store, o.candidate), await readTable(o.data), config, gateOptions));
      if (o.json) {
        printJson({
          passed: run.result.passed, baseline: run.baseline ? { uri: run.baseline.ref, version: run.baseline.version } : null,
          rules: run.result.rules, failures: run.result.failures, ...(run.blessingId !== undefined ? { blessing_id: run.blessingId } : {}),
        });
      } else {
        printLine(`Gate ${run.result.passed ? 'PASSED' : 'FAILED'}: ${o.candidate} against ${run.baseline ? `${run.baselineRef} (version ${run.baseline.version})` : `${run.baselineRef} (no model holds it yet: change rules skipped)`}`);
        printLine(formatGateResult(run.result));
      }
      if (!run.result.passed) throw new SlipwayError('CHECK_FAILED', `gate failed: ${run.result.failures.join('; ')}`);
    });
}

/** A file needs no store; a registry URI is read from the store, or from the server SLIPWAY_TRACKING_URI names. */
async function loadWithOptionalStore(ref: string): Promise<{ model: TrainedModel }> {
  if (!ref.startsWith('models:/')) return loadModel(undefined, ref);
  if (trackingTargetFromEnv().kind === 'local') return withStore((s) => loadModel(s, ref));
  return withOps(async (ops) => ({ model: readModelFromOnnx(await ops.modelBytes(await ops.resolveModel(ref))) }));
}
