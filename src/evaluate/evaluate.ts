/**
 * One evaluation of a model's predictions on labelled rows: overall metrics, confusion matrix,
 * calibration and ROC curves, per-slice metrics and per-column fairness, as one JSON-able report.
 * Pure computation; the caller brings predictions (src/train's Predictions fits `PredictionsInput`).
 *
 * Fairness metrics also appear flattened in `metrics` as `fairness.<column>.<metric>` (e.g.
 * `fairness.sex.demographic_parity_ratio`), so a gate rule can name them like any other metric.
 */
import { invalid } from '../errors.js';
import { type ClassificationInput, classificationMetrics } from './classification-metrics.js';
import { FAIRNESS_METRICS, type FairnessMetric, type GroupRates, fairnessMetrics } from './fairness.js';
import { finiteOrNull } from './numeric.js';
import { type CalibrationCurve } from './probability-metrics.js';
import { regressionMetrics } from './regression-metrics.js';
import { type SliceResult, pick, pickRows, sliceMetrics } from './slices.js';

export type EvaluationTask = 'binary' | 'multiclass' | 'regression';

/** Structurally src/train's Predictions. */
export interface PredictionsInput {
  readonly labels?: readonly string[] | undefined;
  /** Row-major [rows × classes] in `classes` order. */
  readonly probabilities?: ArrayLike<number> | undefined;
  readonly values?: ArrayLike<number> | undefined;
}

export interface EvaluateInput {
  readonly task: EvaluationTask;
  /** Classification: the model's classes in probability-column order (sorted); classes[1] is positive. */
  readonly classes?: readonly string[] | undefined;
  /** Classification: true labels (numbers are compared as their string form); regression: numbers. */
  readonly yTrue: readonly (string | number)[] | ArrayLike<number>;
  readonly predictions: PredictionsInput;
  /** Sensitive column name → value per row (binary classification only). */
  readonly sensitive?: Readonly<Record<string, readonly string[]>> | undefined;
  /** Slice column name → value per row. */
  readonly slices?: Readonly<Record<string, readonly string[]>> | undefined;
}

export interface FairnessReport {
  readonly metrics: Record<FairnessMetric, number | null>;
  readonly groups: GroupRates[];
}

export interface EvaluationReport {
  readonly format: 'slipway.evaluation/v1';
  readonly task: EvaluationTask;
  readonly rows: number;
  readonly classes?: string[];
  /** Binary: classes[1], the class precision, recall, F1, ROC AUC and fairness are about. */
  readonly positive_class?: string;
  /** Metric name → value; null where undefined on this data (JSON has no NaN). */
  readonly metrics: Record<string, number | null>;
  readonly confusion_matrix?: { readonly labels: string[]; readonly matrix: number[][] };
  readonly calibration?: CalibrationCurve & { readonly n_bins: number };
  /** Thinned to at most ROC_POINTS points for display; roc_auc is computed on the full curve. */
  readonly roc_curve?: { readonly fpr: number[]; readonly tpr: number[] };
  readonly slices?: SliceResult[];
  readonly fairness?: Record<string, FairnessReport>;
}

export const ROC_POINTS = 201;

export const fairnessMetricName = (column: string, metric: FairnessMetric): string => `fairness.${column}.${metric}`;

export function evaluatePredictions(input: EvaluateInput): EvaluationReport {
  const rows = input.yTrue.length;
  if (input.task === 'regression') {
    if (input.sensitive && Object.keys(input.sensitive).length > 0) {
      throw invalid('fairness metrics (demographic parity, equalized odds) need binary classification, not regression');
    }
    const yTrue = numericTargets(input.yTrue);
    const values = input.predictions.values;
    if (!values) throw invalid('regression predictions carry no values');
    const metrics = regressionMetrics(yTrue, values);
    const slices = input.slices && sliceMetrics(input.slices, rows, (ix) => regressionMetrics(pick(yTrue, ix), pick(values, ix)));
    return { format: 'slipway.evaluation/v1', task: 'regression', rows, metrics: nullable(metrics), ...(slices && { slices }) };
  }

  const classes = [...(input.classes ?? [])];
  if (input.task === 'binary' && classes.length !== 2) {
    throw invalid(`a binary task needs exactly two classes, got [${classes.join(', ')}]`);
  }
  const yTrue = Array.from(input.yTrue as ArrayLike<string | number>, String);
  const { labels, probabilities } = input.predictions;
  if (!labels) throw invalid('classification predictions carry no labels');
  const base: ClassificationInput = { classes, yTrue, yPred: labels, probabilities };
  const overall = classificationMetrics(base, { curves: true });
  const metrics = nullable(overall.metrics);

  let fairness: Record<string, FairnessReport> | undefined;
  for (const [column, groups] of Object.entries(input.sensitive ?? {})) {
    const f = fairnessMetrics({ task: input.task, classes, yTrue, yPred: labels, groups, column });
    fairness ??= {};
    fairness[column] = { metrics: nullable(f.metrics), groups: f.groups };
    for (const m of FAIRNESS_METRICS) metrics[fairnessMetricName(column, m)] = finiteOrNull(f.metrics[m]);
  }

  const k = classes.length;
  const slices =
    input.slices &&
    sliceMetrics(input.slices, rows, (ix) => {
      const sub: ClassificationInput = {
        classes,
        yTrue: pick(yTrue, ix),
        yPred: pick(labels, ix),
        probabilities: probabilities && pickRows(probabilities, k, ix),
      };
      return classificationMetrics(sub).metrics;
    });

  return {
    format: 'slipway.evaluation/v1',
    task: input.task,
    rows,
    classes,
    ...(k === 2 && { positive_class: classes[1] }),
    metrics,
    confusion_matrix: { labels: classes, matrix: overall.confusionMatrix },
    ...(overall.calibration && { calibration: { n_bins: 10, ...overall.calibration } }),
    ...(overall.roc && { roc_curve: thin(overall.roc.fpr, overall.roc.tpr) }),
    ...(slices && { slices }),
    ...(fairness && { fairness }),
  };
}

function nullable<K extends string>(m: Record<K, number>): Record<K, number | null> {
  return Object.fromEntries(Object.entries<number>(m).map(([k, v]) => [k, finiteOrNull(v)])) as Record<K, number | null>;
}

function numericTargets(y: readonly (string | number)[] | ArrayLike<number>): Float64Array {
  const out = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    const n = typeof v === 'number' ? v : Number(v);
    if (!Number.isFinite(n) || (typeof v === 'string' && v.trim() === '')) {
      throw invalid(`y_true row ${i} is '${String(v)}'; a regression target must be a finite number`, { row: i });
    }
    out[i] = n;
  }
  return out;
}

/** Evenly spaced points of the curve, always keeping both ends, so a 1M-row ROC stays a small report. */
function thin(fpr: number[], tpr: number[]): { fpr: number[]; tpr: number[] } {
  if (fpr.length <= ROC_POINTS) return { fpr, tpr };
  const idx = Array.from({ length: ROC_POINTS }, (_, i) => Math.round((i * (fpr.length - 1)) / (ROC_POINTS - 1)));
  return { fpr: idx.map((i) => fpr[i] as number), tpr: idx.map((i) => tpr[i] as number) };
}
