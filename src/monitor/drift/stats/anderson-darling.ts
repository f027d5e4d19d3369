/**
 * The k-sample Anderson–Darling test for two samples, as SciPy 1.10's `anderson_ksamp([ref, cur])`
 * (midrank version of Scholz & Stephens 1987): the normalized statistic and its p-value interpolated
 * from the critical-value table, which SciPy caps at 0.25 and floors at 0.001 (so the p-value is never
 * outside [0.001, 0.25]).
 */
import { pairwiseSum } from '../../../data/index.js';

export interface AndersonResult {
  readonly statistic: number;
  readonly pValue: number;
  /** Critical values at significance 25%, 10%, 5%, 2.5%, 1%, 0.5%, 0.1%. */
  readonly criticalValues: readonly number[];
}

const B0 = [0.675, 1.281, 1.645, 1.96, 2.326, 2.573, 3.085];
const B1 = [-0.245, 0.25, 0.678, 1.149, 1.822, 2.364, 3.615];
const B2 = [-0.105, -0.305, -0.362, -0.391, -0.396, -0.345, -0.154];
const SIG = [0.25, 0.1, 0.05, 0.025, 0.01, 0.005, 0.001];

/** Both samples ascending and non-empty; undefined when the pooled sample has fewer than two distinct values (SciPy raises). */
export function andersonDarling2Samp(a: ArrayLike<number>, b: ArrayLike<number>): AndersonResult | undefined {
  const n1 = a.length;
  const n2 = b.length;
  const N = n1 + n2;
  // Distinct pooled values with their counts in each sample.
  const za: number[] = [];
  const zb: number[] = [];
  let i = 0;
  let j = 0;
  while (i < n1 || j < n2) {
    const v = j >= n2 || (i < n1 && (a[i] as number) <= (b[j] as number)) ? (a[i] as number) : (b[j] as number);
    const i0 = i;
    const j0 = j;
    while (i < n1 && a[i] === v) i++;
    while (j < n2 && b[j] === v) j++;
    za.push(i - i0);
    zb.push(j - j0);
  }
  const k = za.length;
  if (k < 2) return undefined;
  const innerA = new Float64Array(k);
  const innerB = new Float64Array(k);
  let below = 0;
  let belowA = 0;
  let belowB = 0;
  for (let z = 0; z < k; z++) {
    const fa = za[z] as number;
    const fb = zb[z] as number;
    const lj = fa + fb;
    const Bj = below + lj / 2;
    const denom = Bj * (N - Bj) - (N * lj) / 4;
    const Ma = belowA + fa - fa / 2;
    const Mb = belowB + fb - fb / 2;
    innerA[z] = (((lj / N) * (N * Ma - Bj * n1) ** 2) / denom);
    innerB[z] = (((lj / N) * (N * Mb - Bj * n2) ** 2) / denom);
    below += lj;
    belowA += fa;
    belowB += fb;
  }
  let A2kN = 0;
  A2kN += pairwiseSum(innerA) / n1;
  A2kN += pairwiseSum(innerB) / n2;
  A2kN *= (N - 1) / N;

  const H = 1 / n1 + 1 / n2;
  // hs_cs = cumsum(1 / [N−1, N−2, …, 2]); h = hs_cs[-1] + 1; g = Σ hs_cs[i] / (i + 2).
  const ratios = new Float64Array(Math.max(0, N - 2));
  let cum = 0;
  for (let t = 0; t < N - 2; t++) {
    cum += 1 / (N - 1 - t);
    ratios[t] = cum / (t + 2);
  }
  const h = cum + 1;
  const g = pairwiseSum(ratios);
  const kk = 2;
  const qa = (4 * g - 6) * (kk - 1) + (10 - 6 * g) * H;
  const qb = (2 * g - 4) * kk ** 2 + 8 * h * kk + (2 * g - 14 * h - 4) * H - 8 * h + 4 * g - 6;
  const qc = (6 * h + 2 * g - 2) * kk ** 2 + (4 * h - 4 * g + 6) * kk + (2 * h - 6) * H + 4 * h;
  const qd = (2 * h + 6) * kk ** 2 - 4 * h * kk;
  const sigmasq = (qa * N ** 3 + qb * N ** 2 + qc * N + qd) / ((N - 1) * (N - 2) * (N - 3));
  const m = kk - 1;
  const statistic = (A2kN - m) / Math.sqrt(sigmasq);
  const critical = B0.map((b0, c) => b0 + (B1[c] as number) / Math.sqrt(m) + (B2[c] as number) / m);
  let pValue: number;
  if (statistic < Math.min(...critical)) pValue = Math.max(...SIG);
  else if (statistic > Math.max(...critical)) pValue = Math.min(...SIG);
  else {
    const coeffs = polyfit2(critical, SIG.map(Math.log));
    pValue = Math.exp((coeffs[0] * statistic + coeffs[1]) * statistic + coeffs[2]);
  }
  return { statistic, pValue, criticalValues: critical };
}

/**
 * Least-squares quadratic (numpy.polyfit(x, y, 2)): columns x², x, 1 scaled to unit norm as numpy
 * does, solved by Householder QR, coefficients unscaled; highest power first.
 */
function polyfit2(x: readonly number[], y: readonly number[]): [number, number, number] {
  const rows = x.length;
  const cols = 3;
  const A = x.map((v) => [v * v, v, 1]);
  const scale = [0, 1, 2].map((c) => Math.sqrt(A.reduce((s, r) => s + (r[c] as number) ** 2, 0)));
  for (const r of A) for (let c = 0; c < cols; c++) r[c] = (r[c] as number) / (scale[c] as number);
  const rhs = [...y];
  for (let c = 0; c < cols; c++) {
    let norm = 0;
    for (let r = c; r < rows; r++) norm += (A[r]?.[c] as number) ** 2;
    norm = Math.sqrt(norm);
    const top = A[c]?.[c] as number;
    const alpha = top > 0 ? -norm : norm;
    const v = new Array<number>(rows).fill(0);
    for (let r = c; r < rows; r++) v[r] = A[r]?.[c] as number;
    v[c] = (v[c] as number) - alpha;
    const vv = v.reduce((s, t) => s + t * t, 0);
    if (vv === 0) continue;
    for (let cc = c; cc < cols; cc++) {
      let dot = 0;
      for (let r = c; r < rows; r++) dot += (v[r] as number) * (A[r]?.[cc] as number);
      const f = (2 * dot) / vv;
      for (let r = c; r < rows; r++) (A[r] as number[])[cc] = (A[r]?.[cc] as number) - f * (v[r] as number);
    }
    let dot = 0;
    for (let r = c; r < rows; r++) dot += (v[r] as number) * (rhs[r] as number);
    const f = (2 * dot) / vv;
    for (let r = c; r < rows; r++) rhs[r] = (rhs[r] as number) - f * (v[r] as number);
  }
  const coef = [0, 0, 0];
  for (let c = cols - 1; c >= 0; c--) {
    let s = rhs[c] as number;
    for (let cc = c + 1; cc < cols; cc++) s -= (A[c]?.[cc] as number) * (coef[cc] as number);
    coef[c] = s / (A[c]?.[c] as number);
  }
  return [(coef[0] as number) / (scale[0] as number), (coef[1] as number) / (scale[1] as number), (coef[2] as number) / (scale[2] as number)];
}
