/**
 * The upper tail of the one-sided Kolmogorov–Smirnov statistic, Pr(D⁺_n ≥ x), by Birnbaum and Tingey's
 * finite sum, as SciPy 1.10's `scipy.special.smirnov` (Cephes kolmogorov.c) computes it:
 *
 *     Pr(D⁺_n ≥ x) = x · Σ_{v=0}^{⌊n(1−x)⌋} C(n, v) (x + v/n)^(v−1) (1 − x − v/n)^(n−v)
 *
 * with the same special cases, the same early stop of the sum and the same n > 10⁶ approximation. Bases
 * are formed in double-double from n·x split exactly, and powers are taken with Math.pow in chunks
 * kept in range by a separate binary exponent, so long sums (n ≈ 50,000) keep ~1e-13 relative accuracy.
 * SciPy switches to an upper (alternating) sum only for x < 3/n, which `kstwo` never asks for.
 */
const EPS = 2 ** -52;
const MINLOG = -745.1332191019412; // log(2^-1075), Cephes' MINLOG
const MAX_COMPUTE_N = 1_000_000;
const SPLITTER = 134217729; // 2^27 + 1

function twoSum(a: number, b: number): [number, number] {
  const s = a + b;
  const bb = s - a;
  return [s, a - (s - bb) + (b - bb)];
}

function twoProd(a: number, b: number): [number, number] {
  const p = a * b;
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  return [p, ah * bh - p + ah * bl + al * bh + al * bl];
}

/** (hi + lo) / n as a double-double, for an integer n. */
function ddDiv(hi: number, lo: number, n: number): [number, number] {
  const q = hi / n;
  const [ph, pl] = twoProd(q, n);
  return [q, (hi - ph - pl + lo) / n];
}

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0; // the high word's index

/** frexp: x = m·2^e with |m| in [0.5, 1), from the bits (x finite, non-zero). */
function frexp(x: number): [number, number] {
  if (x === 0 || !Number.isFinite(x)) return [x, 0];
  let bias = 0;
  if (Math.abs(x) < 2 ** -1021) {
    x *= 2 ** 64;
    bias = 64;
  }
  F64[0] = x;
  const hi = U32[HI] as number;
  const e = ((hi >>> 20) & 0x7ff) - 1022;
  U32[HI] = (hi & 0x800fffff) | (1022 << 20);
  return [F64[0] as number, e - bias];
}

/** (hi + lo)^m as mantissa·2^exponent, m ≥ 0, hi > 0: Math.pow when it cannot underflow, else squaring with renormalization. */
function powScaled(hi: number, lo: number, m: number): [number, number] {
  if (m === 0) return [1, 0];
  const [y, ye] = frexp(hi);
  let man: number;
  let exp: number;
  const direct = y ** m;
  if (direct > 2 ** -1000) {
    [man, exp] = frexp(direct);
  } else {
    man = 1;
    exp = 0;
    let bm = y;
    let be = 0;
    for (let k = m; k > 0; k = Math.floor(k / 2)) {
      if (k % 2) {
        const [nm, ne] = frexp(man * bm);
        man = nm;
        exp += be + ne;
      }
      if (k > 1) {
        const [sm, se] = frexp(bm * bm);
        bm = sm;
        be = 2 * be + se;
      }
    }
  }
  exp += m * ye;
  const r = lo / hi;
  let adj = m * r;
  if (Math.abs(adj) > 1e-8) adj = Math.abs(adj) < 1e-4 ? adj + m * r * (((m - 1) / 2) * r) : Math.expm1(m * Math.log1p(r));
  return [man + man * adj, exp];
}

/** Pr(D⁺_n ≥ x): scipy.special.smirnov(n, x). */
export function smirnovSf(n: number, x: number): number {
  if (!(n > 0 && x >= 0 && x <= 1)) return Number.NaN;
  if (n === 1) return 1 - x;
  if (x === 0) return 1;
  if (x === 1) return 0;
  // floor(n·x) and its fractional part alpha, exactly.
  const [ph, pl] = twoProd(n, x);
  let nxfl = Math.floor(ph);
  let alpha: number;
  if (nxfl === ph) {
    const f = Math.floor(pl);
    nxfl += f;
    alpha = pl - f;
  } else {
    alpha = ph - nxfl + pl;
    if (alpha < 0) {
      nxfl -= 1;
      alpha += 1;
    }
  }
  if (alpha >= 1) {
    nxfl += 1;
    alpha = 0;
  }
  if (nxfl === 0 || (nxfl === 1 && alpha === 0)) {
    const t = (1 + x) ** (n - 1);
    return 1 - x * t;
  }
  if (-2 * n * x * x < MINLOG) return 0;
  if (nxfl >= n - 1) return Math.min(1, Math.max(0, (1 - x) ** n));
  if (n > MAX_COMPUTE_N) {
    const logp = -((6 * n * x + 1) ** 2) / 18 / n;
    return logp < -Math.LN2 ? Math.exp(logp) : 1 + Math.expm1(logp);
  }
  const nTerms = n - nxfl;
  const vmid = Math.floor(n / 2);
  // v = 0: (1 − x)^n / x.
  const [b0h, b0l] = ddDiv(...twoSum(n - nxfl, -alpha), n);
  const [m0, e0] = powScaled(b0h, b0l, n);
  let sum = ldexpSafe(m0, e0) / x;
  let cman = n; // C(n, 1), as mantissa·2^cexp
  let cexp = 0;
  for (let v = 1; v < nTerms; v++) {
    const [ah, al] = ddDiv(...twoSum(nxfl + v, alpha), n); // x + v/n
    const [bh, bl] = ddDiv(...twoSum(n - nxfl - v, -alpha), n); // 1 − x − v/n
    const [t1m, t1e] = powScaled(ah, al, v - 1);
    const [t2m, t2e] = powScaled(bh, bl, n - v);
    const [am, ae] = frexp(cman * t1m * t2m);
    const aj = ldexpSafe(am, ae + cexp + t1e + t2e);
    if (Number.isFinite(aj) && aj !== 0) sum += aj;
    if (aj !== 0) {
      if (4 * (nTerms - v) * Math.abs(aj) < EPS * sum && v !== nTerms - 1) break;
    } else if (v > vmid) break;
    // C(n, v + 1) = C(n, v)·(n − v)/(v + 1), renormalized so it cannot overflow.
    const [cm, ce] = frexp((cman * (n - v)) / (v + 1));
    cman = cm;
    cexp += ce;
  }
  return Math.min(1, Math.max(0, x * sum));
}

function ldexpSafe(m: number, e: number): number {
  if (e < -1100) return 0;
  if (e > 1100) return m * Number.POSITIVE_INFINITY;
  const half = Math.trunc(e / 2);
  return m * 2 ** half * 2 ** (e - half);
}
