/**
 * L-BFGS (Nocedal & Wright, Algorithm 7.5) with a strong-Wolfe line search (Algorithms 3.5/3.6), for the
 * smooth convex objective of logistic regression. Stops like scikit-learn's lbfgs: max |gradient| ≤ tol,
 * or a relative decrease of f below 64·eps, or max_iter iterations.
 */

/** Writes the gradient at x into `grad` and returns f(x). */
export type Objective = (x: Float64Array, grad: Float64Array) => number;

export interface LbfgsResult {
  readonly x: Float64Array;
  readonly f: number;
  readonly iterations: number;
  readonly converged: boolean;
}

const MEMORY = 10;
const C1 = 1e-4;
const C2 = 0.9;
const FTOL = 64 * Number.EPSILON;

export function minimizeLbfgs(fn: Objective, x0: Float64Array, maxIter: number, tol: number): LbfgsResult {
  const n = x0.length;
  let x: Float64Array = Float64Array.from(x0);
  let g: Float64Array = new Float64Array(n);
  let f = fn(x, g);
  const s: Float64Array[] = [];
  const y: Float64Array[] = [];
  const rho: number[] = [];
  const dir = new Float64Array(n);
  const alphaBuf = new Float64Array(MEMORY);
  for (let iter = 0; iter < maxIter; iter++) {
    if (maxAbs(g) <= tol) return { x, f, iterations: iter, converged: true };
    twoLoop(g, s, y, rho, dir, alphaBuf);
    let slope = dot(g, dir);
    if (!(slope < 0)) {
      // Not a descent direction (curvature pairs gone stale): restart from steepest descent.
      s.length = y.length = rho.length = 0;
      for (let i = 0; i < n; i++) dir[i] = -(g[i] as number);
      slope = dot(g, dir);
    }
    const step0 = s.length === 0 ? Math.min(1, 1 / Math.sqrt(-slope)) : 1;
    const ls = wolfeSearch(fn, x, f, slope, dir, step0);
    if (!ls) return { x, f, iterations: iter, converged: false };
    const sNew = new Float64Array(n);
    const yNew = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      sNew[i] = (ls.x[i] as number) - (x[i] as number);
      yNew[i] = (ls.g[i] as number) - (g[i] as number);
    }
    const sy = dot(sNew, yNew);
    if (sy > 1e-12 * dot(yNew, yNew)) {
      if (s.length === MEMORY) {
        s.shift();
        y.shift();
        rho.shift();
      }
      s.push(sNew);
      y.push(yNew);
      rho.push(1 / sy);
    }
    const fPrev = f;
    x = ls.x;
    g = ls.g;
    f = ls.f;
    if ((fPrev - f) / Math.max(Math.abs(fPrev), Math.abs(f), 1) <= FTOL) {
      return { x, f, iterations: iter + 1, converged: maxAbs(g) <= tol };
    }
  }
  return { x, f, iterations: maxIter, converged: maxAbs(g) <= tol };
}

/** dir = −H·g with the L-BFGS inverse-Hessian estimate, initial scaling sᵀy/yᵀy. */
function twoLoop(
  g: Float64Array,
  s: Float64Array[],
  y: Float64Array[],
  rho: number[],
  dir: Float64Array,
  alpha: Float64Array,
): void {
  const n = g.length;
  for (let i = 0; i < n; i++) dir[i] = -(g[i] as number);
  const m = s.length;
  for (let k = m - 1; k >= 0; k--) {
    const a = (rho[k] as number) * dot(s[k] as Float64Array, dir);
    alpha[k] = a;
    axpy(-a, y[k] as Float64Array, dir);
  }
  if (m > 0) {
    const yl = y[m - 1] as Float64Array;
    const gamma = 1 / ((rho[m - 1] as number) * dot(yl, yl));
    for (let i = 0; i < n; i++) dir[i] = (dir[i] as number) * gamma;
  }
  for (let k = 0; k < m; k++) {
    const b = (rho[k] as number) * dot(y[k] as Float64Array, dir);
    axpy((alpha[k] as number) - b, s[k] as Float64Array, dir);
  }
}

interface Point {
  readonly step: number;
  readonly x: Float64Array;
  readonly g: Float64Array;
  readonly f: number;
  readonly slope: number;
}

/** A step satisfying the strong Wolfe conditions, or the best sufficient-decrease point found, or undefined. */
function wolfeSearch(
  fn: Objective,
  x0: Float64Array,
  f0: number,
  slope0: number,
  dir: Float64Array,
  step0: number,
): Point | undefined {
  const evalAt = (step: number): Point => {
    const x = new Float64Array(x0.length);
    for (let i = 0; i < x.length; i++) x[i] = (x0[i] as number) + step * (dir[i] as number);
    const g = new Float64Array(x0.length);
    const f = fn(x, g);
    return { step, x, g, f, slope: dot(g, dir) };
  };
  const armijo = (p: Point) => p.f <= f0 + C1 * p.step * slope0;
  const curvature = (p: Point) => Math.abs(p.slope) <= -C2 * slope0;
  let prev: Point = { step: 0, x: x0, g: new Float64Array(0), f: f0, slope: slope0 };
  let step = step0;
  for (let i = 0; i < 30; i++) {
    const p = evalAt(step);
    if (!Number.isFinite(p.f) || !armijo(p) || (i > 0 && p.f >= prev.f)) return zoom(prev, p);
    if (curvature(p)) return p;
    if (p.slope >= 0) return zoom(p, prev);
    prev = p;
    step *= 2;
  }
  return prev.step > 0 ? prev : undefined;

  function zoom(lo: Point, hi: Point): Point | undefined {
    for (let j = 0; j < 30; j++) {
      // Quadratic interpolation from lo's value and slope, kept inside the bracket's middle 80%.
      const width = hi.step - lo.step;
      const denom = 2 * (hi.f - lo.f - lo.slope * width);
      let t = denom > 0 && Number.isFinite(hi.f) ? lo.step - (lo.slope * width * width) / denom : lo.step + width / 2;
      const a = Math.min(lo.step, hi.step);
      const b = Math.max(lo.step, hi.step);
      if (!(t > a + 0.1 * (b - a) && t < b - 0.1 * (b - a))) t = (lo.step + hi.step) / 2;
      const p = evalAt(t);
      if (!Number.isFinite(p.f) || !armijo(p) || p.f >= lo.f) {
        hi = p;
      } else {
        if (curvature(p)) return p;
        if (p.slope * (hi.step - lo.step) >= 0) hi = lo;
        lo = p;
      }
    }
    return lo.step > 0 ? lo : undefined;
  }
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

function axpy(a: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < y.length; i++) y[i] = (y[i] as number) + a * (x[i] as number);
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] as number));
  return m;
}
