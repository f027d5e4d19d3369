import { describe, expect, it } from 'vitest';
import { minimizeLbfgs, type Objective } from './lbfgs.js';

describe('minimizeLbfgs', () => {
  it('finds the minimum of the Rosenbrock function (curved valley: needs a working line search)', () => {
    const rosenbrock: Objective = (x, g) => {
      const a = x[0] as number;
      const b = x[1] as number;
      g[0] = -2 * (1 - a) - 400 * a * (b - a * a);
      g[1] = 200 * (b - a * a);
      return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
    };
    const r = minimizeLbfgs(rosenbrock, Float64Array.from([-1.2, 1]), 500, 1e-8);
    expect(r.converged).toBe(true);
    expect(r.x[0]).toBeCloseTo(1, 6);
    expect(r.x[1]).toBeCloseTo(1, 6);
  });

  it('solves an ill-conditioned quadratic and reports non-convergence when max_iter is too small', () => {
    const scales = [1, 10, 100, 1000, 1e4];
    const quadratic: Objective = (x, g) => {
      let f = 0;
      scales.forEach((s, i) => {
        const d = (x[i] as number) - i;
        f += 0.5 * s * d * d;
        g[i] = s * d;
      });
      return f;
    };
    const r = minimizeLbfgs(quadratic, new Float64Array(5), 200, 1e-6);
    expect(r.converged).toBe(true);
    r.x.forEach((v, i) => expect(v).toBeCloseTo(i, 6));
    expect(minimizeLbfgs(quadratic, new Float64Array(5), 2, 1e-9).converged).toBe(false);
  });
});
