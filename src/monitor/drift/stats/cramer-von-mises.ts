/**
 * The two-sample Cramér–von Mises test as SciPy 1.10's `cramervonmises_2samp(ref, cur)` with
 * method='auto': statistic T from midranks in the pooled sample (Anderson 1962), the exact p-value when
 * both samples have at most 20 values (Xiao, Gordon & Yakovlev's frequency tables), else the limiting
 * distribution of the normalized statistic (Csörgő & Faraway's series, summed until a term is < 1e-7
 * as SciPy does).
 */
import { type PValueResult } from './chi-square.js';
import { pairwiseSum } from '../../../data/index.js';
import { scaledBesselK } from './special.js';

/** Both samples at or below this size get the exact p-value. */
export const CVM_MAX_EXACT_N = 20;

/** Both samples ascending with at least two values each (SciPy refuses fewer). */
export function cramerVonMises2Samp(a: ArrayLike<number>, b: ArrayLike<number>): PValueResult & { method: 'exact' | 'asymptotic' } {
  const nx = a.length;
  const ny = b.length;
  if (nx <= 1 || ny <= 1) throw new RangeError('cramerVonMises2Samp needs at least two values in each sample');
  const dx = new Float64Array(nx);
  const dy = new Float64Array(ny);
  let i = 0;
  let j = 0;
  while (i < nx || j < ny) {
    const v = j >= ny || (i < nx && (a[i] as number) <= (b[j] as number)) ? (a[i] as number) : (b[j] as number);
    const i0 = i;
    const j0 = j;
    while (i < nx && a[i] === v) i++;
    while (j < ny && b[j] === v) j++;
    // Ranks i0 + j0 + 1 … i + j share their average.
    const midrank = (i0 + j0 + 1 + i + j) / 2;
    for (let t = i0; t < i; t++) dx[t] = (midrank - (t + 1)) ** 2;
    for (let t = j0; t < j; t++) dy[t] = (midrank - (t + 1)) ** 2;
  }
  let u = nx * pairwiseSum(dx);
  u += ny * pairwiseSum(dy);
  const k = nx * ny;
  const N = nx + ny;
  const statistic = u / (k * N) - (4 * k - 1) / (6 * N);
  if (Math.max(nx, ny) <= CVM_MAX_EXACT_N) return { statistic, pValue: exactPValue(u, nx, ny), method: 'exact' };
  const et = (1 + 1 / N) / 6;
  let vt = (N + 1) * (4 * k * N - 3 * (nx ** 2 + ny ** 2) - 2 * k);
  vt = vt / (45 * N ** 2 * 4 * k);
  const tn = 1 / 6 + (statistic - et) / Math.sqrt(45 * vt);
  const pValue = tn < 0.003 ? 1 : Math.max(0, 1 - cdfCvmInf(tn));
  return { statistic, pValue, method: 'asymptotic' };
}

/** The limiting CDF of the Cramér–von Mises statistic (SciPy's _cdf_cvm_inf). */
export function cdfCvmInf(x: number): number {
  let total = 0;
  let ratio = Math.sqrt(Math.PI); // Γ(k + ½) / Γ(k + 1) at k = 0
  for (let k = 0; k < 10_000; k++) {
    const u = ratio / (Math.PI ** 1.5 * Math.sqrt(x));
    const y = 4 * k + 1;
    const q = y ** 2 / (16 * x);
    const z = u * Math.sqrt(y) * scaledBesselK(0.25, q);
    total += z;
    if (!(Math.abs(z) >= 1e-7)) break;
    ratio *= (k + 0.5) / (k + 1);
  }
  return total;
}

/** numpy's floor_divide for floats. */
function floorDivide(a: number, b: number): number {
  let mod = a % b;
  let div = (a - mod) / b;
  if (mod) {
    if (b < 0 !== mod < 0) {
      mod += b;
      div -= 1;
    }
  }
  if (!div) return 0 * Math.sign(a / b);
  let floordiv = Math.floor(div);
  if (div - floordiv > 0.5) floordiv += 1;
  return floordiv;
}

function binomial(n: number, k: number): number {
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
  return Math.round(c);
}

/**
 * Pr(U ≥ u) over all C(m + n, m) equally likely rank assignments: the frequency table of the path sums
 * Σ (a·v − b·u)² through the lattice, one map value → paths per column (SciPy's _pval_cvm_2samp_exact).
 */
function exactPValue(s: number, m: number, n: number): number {
  const g = gcdInt(m, n);
  const lcm = (m / g) * n;
  const a = lcm / m;
  const b = lcm / n;
  const mn = m * n;
  const zeta = floorDivide(lcm ** 2 * (m + n) * (6 * s - mn * (4 * mn - 1)), 6 * mn ** 2);
  // Each lattice column holds, per row v, the path sums reached (ascending) and how many paths reach each.
  type Cell = { vals: Float64Array; freqs: Float64Array };
  const empty: Cell = { vals: new Float64Array(0), freqs: new Float64Array(0) };
  let gs: Cell[] = [{ vals: Float64Array.of(0), freqs: Float64Array.of(1) }, ...Array.from({ length: m }, () => empty)];
  for (let u = 0; u <= n; u++) {
    const next: Cell[] = [];
    let tmp = empty;
    for (let v = 0; v <= m; v++) {
      tmp = mergeShift(tmp, gs[v] as Cell, (a * v - b * u) ** 2);
      next.push(tmp);
    }
    gs = next;
  }
  let hits = 0;
  const last = gs[m] as Cell;
  for (let i = 0; i < last.vals.length; i++) if ((last.vals[i] as number) >= zeta) hits += last.freqs[i] as number;
  return hits / binomial(m + n, m);
}

/** Union of two ascending value→frequency lists (frequencies of equal values added), every value + shift. */
function mergeShift(x: { vals: Float64Array; freqs: Float64Array }, y: { vals: Float64Array; freqs: Float64Array }, shift: number) {
  const vals = new Float64Array(x.vals.length + y.vals.length);
  const freqs = new Float64Array(vals.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < x.vals.length || j < y.vals.length) {
    const xv = i < x.vals.length ? (x.vals[i] as number) : Number.POSITIVE_INFINITY;
    const yv = j < y.vals.length ? (y.vals[j] as number) : Number.POSITIVE_INFINITY;
    if (xv <= yv) {
      vals[k] = xv + shift;
      freqs[k] = (x.freqs[i++] as number) + (xv === yv ? (y.freqs[j++] as number) : 0);
    } else {
      vals[k] = yv + shift;
      freqs[k] = y.freqs[j++] as number;
    }
    k++;
  }
  return { vals: vals.subarray(0, k), freqs: freqs.subarray(0, k) };
}

function gcdInt(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}
