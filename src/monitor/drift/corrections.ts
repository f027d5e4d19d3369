/**
 * Multiple-testing corrections for the p-value tests of one report: Bonferroni (p·m, capped at 1) and
 * Benjamini–Hochberg (the step-up false-discovery-rate q-values, p_(i)·m/i made monotone from the top
 * and capped at 1). A column drifts when its adjusted p-value passes its threshold, so Bonferroni is the
 * same as comparing the raw p-value with threshold/m, and BH the same as the step-up procedure at that
 * threshold.
 */
export type Correction = 'bonferroni' | 'bh';

export const CORRECTIONS: readonly Correction[] = ['bonferroni', 'bh'];

export function adjustPValues(pValues: readonly number[], method: Correction): number[] {
  const m = pValues.length;
  if (method === 'bonferroni') return pValues.map((p) => Math.min(1, p * m));
  const order = pValues.map((p, i) => [p, i] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out = new Array<number>(m).fill(1);
  let running = 1;
  for (let rank = m; rank >= 1; rank--) {
    const [p, i] = order[rank - 1] as readonly [number, number];
    running = Math.min(running, (p * m) / rank);
    out[i] = Math.min(1, running);
  }
  return out;
}
