/**
 * The few special functions the drift tests need beyond @stdlib's normal CDF: log-gamma, the
 * chi-squared upper tail (regularized upper incomplete gamma, kept accurate for tiny p-values) and
 * e^-q·K_ν(q), the scaled modified Bessel function of the second kind of the Cramér–von Mises
 * asymptotics. Each is accurate to ~1e-14 relative where the tests use it (checked against SciPy on
 * grids in the fixtures).
 */
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';

const HALF_LOG_2PI = 0.9189385332046728;

/** log Γ(x) for x > 0: Stirling's series after shifting x past 15 (error < 1e-15 relative). */
export function logGamma(x: number): number {
  if (!(x > 0)) return Number.NaN;
  let shift = 1;
  while (x < 15) {
    shift *= x;
    x += 1;
  }
  const r = 1 / x;
  const r2 = r * r;
  const series =
    r * (1 / 12 - r2 * (1 / 360 - r2 * (1 / 1260 - r2 * (1 / 1680 - r2 * (1 / 1188 - r2 * (691 / 360360 - r2 / 156))))));
  return (x - 0.5) * Math.log(x) - x + HALF_LOG_2PI + series - Math.log(shift);
}

/** Regularized upper incomplete gamma Q(a, x) = Γ(a, x)/Γ(a), as Cephes' igamc. */
export function gammaQ(a: number, x: number): number {
  if (Number.isNaN(a) || Number.isNaN(x) || x < 0 || a < 0) return Number.NaN;
  if (a === 0) return x > 0 ? 0 : Number.NaN;
  if (x === 0) return 1;
  if (x === Number.POSITIVE_INFINITY) return 0;
  if (x < a + 1) return 1 - lowerSeries(a, x);
  return upperFraction(a, x);
}

/** P(a, x) by its power series (x < a + 1). */
function lowerSeries(a: number, x: number): number {
  let term = 1 / a;
  let sum = term;
  for (let n = 1; n < 100_000; n++) {
    term *= x / (a + n);
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * 1e-17) break;
  }
  return sum * Math.exp(-x + a * Math.log(x) - logGamma(a));
}

/** Q(a, x) by Legendre's continued fraction, modified Lentz (x ≥ a + 1). */
function upperFraction(a: number, x: number): number {
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 100_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return Math.exp(-x + a * Math.log(x) - logGamma(a)) * h;
}

/** scipy.stats.chi2.sf(x, df): NaN for df ≤ 0, as SciPy. */
export function chi2Sf(x: number, df: number): number {
  if (!(df > 0)) return Number.NaN;
  if (x <= 0) return 1;
  return gammaQ(df / 2, x / 2);
}

/**
 * 1 − Φ(|z|) the way scipy.stats.norm.cdf reaches it (ndtr: 1 − ½·erfc(|z|/√2), then 1 − that), so a
 * two-sided p-value `2·(1 − Φ(|z|))` rounds as Evidently's does.
 */
export function normalUpperViaCdf(z: number): number {
  const a = Math.abs(z);
  const cdf = a < 1 ? normalCdf(a, 0, 1) : 1 - normalCdf(-a, 0, 1);
  return 1 - cdf;
}

/**
 * e^-q·K_ν(q) for q > 0 from K_ν(q) = ∫₀^∞ e^(−q·cosh t)·cosh(νt) dt by the trapezoid rule, which
 * converges geometrically for this integrand; the step follows the peak's width 1/√q.
 */
export function scaledBesselK(nu: number, q: number): number {
  if (!(q > 0)) return Number.NaN;
  const h = Math.min(0.05, 0.5 / Math.sqrt(q));
  let sum = 0.5 * Math.exp(-2 * q);
  for (let i = 1; i < 1_000_000; i++) {
    const t = i * h;
    sum += Math.exp(-q * (1 + Math.cosh(t))) * Math.cosh(nu * t);
    // Stop once a term is below e^-45 of the first (each later one is smaller still).
    if (q * (Math.cosh(t) - 1) - nu * t > 45) break;
  }
  return sum * h;
}
