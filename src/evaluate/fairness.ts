/**
 * Group fairness of a binary classifier's predicted labels, with Fairlearn's definitions
 * (fairlearn.metrics, method='between_groups', agg='worst_case'), one sensitive column at a time.
 * The positive outcome is classes[1] (for Adult income, '>50K').
 *
 * Edge cases, as Fairlearn computes them (checked against its source, not guessed):
 * - A group with no actual positives has TPR 0, not NaN: Fairlearn's true_positive_rate reads
 *   sklearn's confusion_matrix(normalize='true'), whose nan_to_num turns 0/0 into 0. Likewise FPR for
 *   a group with no actual negatives.
 * - Ratios are min / max over groups; when every group's rate is 0 that is 0/0 = NaN (null in reports),
 *   so a gate on it fails rather than passing a model that selects nobody.
 * - equalized_odds_ratio is Python's min() over [TPR ratio, FPR ratio], which keeps its first argument
 *   when the other is NaN: TPR ratio NaN → NaN; FPR ratio NaN (no false positive anywhere) → the TPR
 *   ratio. equalized_odds_difference is max(TPR difference, FPR difference) (never NaN).
 */
import { invalid } from '../errors.js';
import { groupRows } from './numeric.js';

export interface GroupRates {
  readonly group: string;
  /** Rows in the group. */
  readonly count: number;
  /** Rows whose true label is the positive class. */
  readonly positives: number;
  /** Share of the group predicted positive. */
  readonly selection_rate: number;
  /** Predicted positive among actual positives; 0 when the group has none (Fairlearn). */
  readonly true_positive_rate: number;
  /** Predicted positive among actual negatives; 0 when the group has none (Fairlearn). */
  readonly false_positive_rate: number;
}

export const FAIRNESS_METRICS = [
  'demographic_parity_difference',
  'demographic_parity_ratio',
  'equalized_odds_difference',
  'equalized_odds_ratio',
] as const;
export type FairnessMetric = (typeof FAIRNESS_METRICS)[number];

export interface FairnessResult {
  /** NaN where undefined (a ratio of all-zero rates). */
  readonly metrics: Record<FairnessMetric, number>;
  /** One row per distinct value of the column, in code point order. */
  readonly groups: GroupRates[];
}

export interface FairnessInput {
  readonly task: 'binary' | 'multiclass' | 'regression';
  readonly classes: readonly string[];
  readonly yTrue: readonly string[];
  readonly yPred: readonly string[];
  /** The sensitive column's value per row. */
  readonly groups: readonly string[];
  /** Column name, for error messages. */
  readonly column?: string;
}

export function fairnessMetrics(input: FairnessInput): FairnessResult {
  const { classes, yTrue, yPred, groups } = input;
  const name = input.column === undefined ? 'the sensitive column' : `sensitive column '${input.column}'`;
  if (input.task !== 'binary' || classes.length !== 2) {
    throw invalid(
      `fairness metrics (demographic parity, equalized odds) are defined for binary classification; ` +
        `this is a ${input.task} task${classes.length ? ` with classes [${classes.join(', ')}]` : ''}`,
    );
  }
  if (groups.length !== yTrue.length || yPred.length !== yTrue.length) {
    throw invalid(`${name} has ${groups.length} values, predictions ${yPred.length}, y_true ${yTrue.length}; all must match`);
  }
  if (yTrue.length === 0) throw invalid('cannot evaluate fairness on zero rows');
  const pos = classes[1] as string;
  const rates: GroupRates[] = [];
  for (const [group, rows] of groupRows(groups)) {
    let selected = 0;
    let tp = 0;
    let fp = 0;
    let positives = 0;
    for (const i of rows) {
      const actual = yTrue[i] === pos;
      const predicted = yPred[i] === pos;
      if (predicted) selected++;
      if (actual) positives++;
      if (actual && predicted) tp++;
      if (!actual && predicted) fp++;
    }
    const negatives = rows.length - positives;
    rates.push({
      group,
      count: rows.length,
      positives,
      selection_rate: selected / rows.length,
      true_positive_rate: positives === 0 ? 0 : tp / positives,
      false_positive_rate: negatives === 0 ? 0 : fp / negatives,
    });
  }
  const values = (key: 'selection_rate' | 'true_positive_rate' | 'false_positive_rate') => rates.map((r) => r[key]);
  const difference = (v: number[]) => Math.max(...v) - Math.min(...v);
  const ratio = (v: number[]) => Math.min(...v) / Math.max(...v);
  const tpr = values('true_positive_rate');
  const fpr = values('false_positive_rate');
  const tprRatio = ratio(tpr);
  const fprRatio = ratio(fpr);
  const tprDiff = difference(tpr);
  const fprDiff = difference(fpr);
  return {
    metrics: {
      demographic_parity_difference: difference(values('selection_rate')),
      demographic_parity_ratio: ratio(values('selection_rate')),
      // Python's max()/min() keep the first item unless a later one compares greater/smaller; JS
      // comparisons with NaN are false just the same, so these lines reproduce Fairlearn's results.
      equalized_odds_difference: fprDiff > tprDiff ? fprDiff : tprDiff,
      equalized_odds_ratio: fprRatio < tprRatio ? fprRatio : tprRatio,
    },
    groups: rates,
  };
}
