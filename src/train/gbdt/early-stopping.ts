/**
 * Early stopping as scikit-learn's HistGradientBoosting does it with scoring='loss': hold out a seeded
 * validation_fraction of the training rows (stratified by class for classification), score the loss on
 * it after every iteration, and stop once none of the last n_iter_no_change scores improved on the one
 * before them by more than tol. Trees grown up to the stop are kept (as scikit-learn).
 */
import { permutation, type Rng } from '../random.js';

export interface HoldOut {
  readonly train: Uint32Array;
  readonly validation: Uint32Array;
}

/**
 * ceil(fraction·rows) validation rows for regression; per class round(fraction·count) for
 * classification, but never a class's last training row.
 */
export function holdOut(y: Float64Array, rows: number, classes: number, fraction: number, rng: Rng): HoldOut {
  const perm = permutation(rows, rng);
  const isVal = new Uint8Array(rows);
  if (classes === 0) {
    const nVal = Math.min(rows - 1, Math.ceil(fraction * rows));
    for (let i = 0; i < nVal; i++) isVal[perm[i] as number] = 1;
  } else {
    const counts = new Float64Array(classes);
    for (let i = 0; i < rows; i++) counts[y[i] as number] = (counts[y[i] as number] as number) + 1;
    const quota = Array.from(counts, (c) => Math.min(Math.max(c - 1, 0), Math.round(fraction * c)));
    for (let i = 0; i < rows; i++) {
      const r = perm[i] as number;
      const c = y[r] as number;
      if ((quota[c] as number) > 0) {
        quota[c] = (quota[c] as number) - 1;
        isVal[r] = 1;
      }
    }
  }
  const train: number[] = [];
  const validation: number[] = [];
  for (let r = 0; r < rows; r++) (isVal[r] ? validation : train).push(r);
  return { train: Uint32Array.from(train), validation: Uint32Array.from(validation) };
}

/** `losses[0]` is the baseline's loss, then one per iteration (lower is better). */
export function shouldStop(losses: readonly number[], nIterNoChange: number, tol: number): boolean {
  const ref = nIterNoChange + 1;
  if (losses.length < ref) return false;
  const reference = losses[losses.length - ref] as number;
  for (let i = losses.length - ref + 1; i < losses.length; i++) {
    if ((losses[i] as number) < reference - tol) return false;
  }
  return true;
}
