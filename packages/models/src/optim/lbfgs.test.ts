import { describe, expect, it } from 'vitest';
import { DiscernError } from '@discern/core';
import { minimize, strongWolfe, type ObjectiveFn } from './index.js';

/** Extended Rosenbrock Σ 100(x_{2i+1} − x_{2i}²)² + (1 − x_{2i})², minimum 0 at (1, …, 1). */
const rosenbrock: ObjectiveFn = (x, g) => {
  let f = 0;
  g.fill(0);
  for (let i = 0; i + 1 < x.length; i += 2) {
    const a = x[i]!, b = x[i + 1]!;
    const t = b - a * a;
    f += 100 * t * t + (1 - a) * (1 - a);
    g[i] = -400 * a * t - 2 * (1 - a);
    g[i + 1] = 200 * t;
  }
  return f;
};

/** f = ½xᵀAx − bᵀx for a symmetric positive definite A given row-major. */
function quadratic(A: number[], b: number[]): ObjectiveFn {
  const n = b.length;
  return (x, g) => {
    let f = 0;
    for (let i = 0; i < n; i++) {
      let ax = 0;
      for (let j = 0; j < n; j++) ax += A[i * n + j]! * x[j]!;
      g[i] = ax - b[i]!;
      f += 0.5 * x[i]! * ax - b[i]! * x[i]!;
    }
    return f;
  };
}

describe('minimize (L-BFGS)', () => {
  it('finds the Rosenbrock minimum (1, 1) from the classic start (−1.2, 1) to 1e-6', () => {
    // ftol 0: only the gradient test may stop it (the default ftol fires first once f ~ 1e-15)
    const r = minimize(rosenbrock, [-1.2, 1], { gtol: 1e-10, ftol: 0 });
    expect(r.converged).toBe(true);
    expect(r.reason).toBe('gtol');
    expect(Math.abs(r.x[0]! - 1)).toBeLessThan(1e-6);
    expect(Math.abs(r.x[1]! - 1)).toBeLessThan(1e-6);
    expect(r.f).toBeLessThan(1e-12);
    expect(r.gradNorm).toBeLessThanOrEqual(1e-10);
    expect(r.iterations).toBeLessThan(100); // scipy's L-BFGS-B needs ~35 here
    expect(r.history).toHaveLength(r.iterations);
  });

  it('finds the 20-dimensional extended Rosenbrock minimum (all ones) to 1e-6', () => {
    const x0 = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? -1.2 : 1));
    // default ftol (64·eps): stops when f no longer changes, which is already well inside 1e-6
    const r = minimize(rosenbrock, x0, { gtol: 1e-10 });
    expect(r.converged).toBe(true);
    for (const v of r.x) expect(Math.abs(v - 1)).toBeLessThan(1e-6);
  });

  it('solves a 2×2 convex quadratic: A = [[3,1],[1,2]], b = (1,1) → x* = (0.2, 0.4) by hand', () => {
    const r = minimize(quadratic([3, 1, 1, 2], [1, 1]), [5, -7], { gtol: 1e-12 });
    expect(r.reason).toBe('gtol');
    expect(r.x[0]).toBeCloseTo(0.2, 11);
    expect(r.x[1]).toBeCloseTo(0.4, 11);
    // f* = −½ bᵀx* = −0.3
    expect(r.f).toBeCloseTo(-0.3, 12);
  });

  it('solves an ill-conditioned quadratic ½(x − c)ᵀA(x − c), condition 1e3, to its minimum c', () => {
    const n = 20;
    const A = new Array<number>(n * n).fill(0);
    const c: number[] = [];
    for (let i = 0; i < n; i++) {
      A[i * n + i] = 10 ** ((3 * i) / (n - 1));
      c.push(i - 7.5);
    }
    // add a coupling so the Hessian is not diagonal: A += 0.5·(e_i e_{i+1}ᵀ + e_{i+1} e_iᵀ) (still diagonally dominant)
    for (let i = 0; i + 1 < n; i++) A[i * n + i + 1] = A[(i + 1) * n + i] = 0.4;
    const fg: ObjectiveFn = (x, g) => {
      let f = 0;
      for (let i = 0; i < n; i++) {
        let r = 0;
        for (let j = 0; j < n; j++) r += A[i * n + j]! * (x[j]! - c[j]!);
        g[i] = r;
        f += 0.5 * (x[i]! - c[i]!) * r;
      }
      return f;
    };
    // ftol 0: stops only on the gradient test or when f stops decreasing at all (f* = 0 keeps resolution fine)
    const r = minimize(fg, new Array<number>(n).fill(0), { gtol: 1e-10, ftol: 0 });
    expect(r.reason).toBe('gtol');
    // |x − c| ≤ ‖A⁻¹‖·‖g‖ ≤ √n·gtol / λ_min, with λ_min ≥ 1 − 0.8 = 0.2 (Gershgorin): 2.3e-9
    for (let i = 0; i < n; i++) expect(Math.abs(r.x[i]! - c[i]!)).toBeLessThan(2.3e-9);
    expect(r.iterations).toBeLessThan(400); // scipy 1.10's L-BFGS-B (gtol 1e-10, ftol 0): 351 iterations, 381 evaluations
    // the history of a convex problem under a Wolfe line search decreases monotonically
    for (let k = 1; k < r.history.length; k++) expect(r.history[k]!).toBeLessThanOrEqual(r.history[k - 1]!);
  });

  it('stops with reason max_iter and converged false when the iteration budget runs out', () => {
    const r = minimize(rosenbrock, [-1.2, 1], { maxIter: 3 });
    expect(r.iterations).toBe(3);
    expect(r.reason).toBe('max_iter');
    expect(r.converged).toBe(false);
  });

  it('returns at once when x0 already meets gtol', () => {
    const r = minimize(rosenbrock, [1, 1]);
    expect(r.iterations).toBe(0);
    expect(r.reason).toBe('gtol');
    expect(r.evaluations).toBe(1);
  });

  it('does not modify x0 and calls onIteration once per iteration', () => {
    const x0 = new Float64Array([-1.2, 1]);
    const seen: number[] = [];
    const r = minimize(rosenbrock, x0, { onIteration: (k, f) => seen.push(k + 0 * f) });
    expect(Array.from(x0)).toEqual([-1.2, 1]);
    expect(seen).toEqual(Array.from({ length: r.iterations }, (_, k) => k + 1));
  });

  it('backs off from steps where the objective overflows (f = eˣ + e⁻ˣ, minimum 0 at x = 0)', () => {
    // From x = 30 the first quasi-Newton steps overshoot into |x| > 710 where cosh overflows to Infinity.
    const fg: ObjectiveFn = (x, g) => {
      const v = x[0]!;
      g[0] = Math.exp(v) - Math.exp(-v);
      return Math.exp(v) + Math.exp(-v);
    };
    const r = minimize(fg, [30], { gtol: 1e-9 });
    expect(r.converged).toBe(true);
    expect(Math.abs(r.x[0]!)).toBeLessThan(1e-8);
  });

  it('throws FIT_DIVERGED when the objective is not finite at the start', () => {
    const fg: ObjectiveFn = (x, g) => {
      g[0] = NaN;
      return Math.log(x[0]!);
    };
    expect(() => minimize(fg, [-1])).toThrowError(DiscernError);
    try {
      minimize(fg, [-1]);
    } catch (e) {
      expect((e as DiscernError).code).toBe('FIT_DIVERGED');
      expect((e as DiscernError).message).toMatch(/starting point/);
    }
  });

  it('rejects bad options with INVALID_ARGUMENT naming the option', () => {
    expect(() => minimize(rosenbrock, [0, 0], { m: 0 })).toThrowError(/m must be an integer ≥ 1, got 0/);
    expect(() => minimize(rosenbrock, [0, 0], { gtol: -1 })).toThrowError(/gtol must be a finite number ≥ 0/);
    expect(() => minimize(rosenbrock, [0, 0], { maxIter: 1.5 })).toThrowError(/maxIter/);
  });
});

describe('strongWolfe', () => {
  it('returns a step satisfying both strong Wolfe conditions on a 1-D quartic', () => {
    // φ(α) = (α − 3)⁴ − 2α along d = 1 from x = 0; the step 1 fails the curvature test, so it must extrapolate.
    const fg: ObjectiveFn = (x, g) => {
      const t = x[0]! - 3;
      g[0] = 4 * t * t * t - 2;
      return t * t * t * t - 2 * x[0]!;
    };
    const x = new Float64Array([0]);
    const g0 = new Float64Array(1);
    const f0 = fg(x, g0);
    const d = new Float64Array([1]);
    const xOut = new Float64Array(1);
    const gOut = new Float64Array(1);
    const c1 = 1e-4, c2 = 0.1;
    const r = strongWolfe(fg, x, f0, d, g0[0]!, 0.01, xOut, gOut, { c1, c2 });
    expect(r.ok).toBe(true);
    expect(xOut[0]).toBe(r.alpha);
    expect(r.f).toBeLessThanOrEqual(f0 + c1 * r.alpha * g0[0]!);
    expect(Math.abs(gOut[0]!)).toBeLessThanOrEqual(c2 * Math.abs(g0[0]!));
  });
});
