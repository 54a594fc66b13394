import { describe, expect, it } from 'vitest';
import { createRng } from '@discern/linalg';
import { logisticObjective, type LogisticLoss } from './index.js';

/**
 * Finite-difference check of the fused loss+gradient. Central differences with h = 1e-5·max(1, |θ_j|): truncation
 * error ~h²·f''' ~ 1e-10 and rounding ~eps·f/h ~ 1e-11, far below the 1e-6 relative tolerance.
 */
function check(opts: { K: number; loss: LogisticLoss; l2?: number; weighted?: boolean; fitIntercept?: boolean; seed: number }): void {
  const rng = createRng(opts.seed);
  const n = 40, p = 3;
  const X = new Float64Array(n * p);
  for (let i = 0; i < X.length; i++) X[i] = 2 * rng.normal();
  const y = Int32Array.from({ length: n }, (_, i) => i % opts.K);
  const w = Float64Array.from({ length: n }, () => (opts.weighted ? 0.1 + 2 * rng.uniform() : 1));
  const total = w.reduce((a, b) => a + b, 0);
  for (let i = 0; i < n; i++) w[i]! /= total;
  const fitIntercept = opts.fitIntercept ?? true;
  const fg = logisticObjective({ X, n, p, y, nClasses: opts.K, w, l2: opts.l2 ?? 0, fitIntercept, loss: opts.loss });
  const rows = opts.K === 2 ? 1 : opts.K;
  const theta = Float64Array.from({ length: rows * (p + (fitIntercept ? 1 : 0)) }, () => 0.7 * rng.normal());
  const g = new Float64Array(theta.length);
  fg(theta, g);
  const scratch = new Float64Array(theta.length);
  let gmax = 0;
  for (const v of g) gmax = Math.max(gmax, Math.abs(v));
  expect(gmax).toBeGreaterThan(1e-3); // a test at a stationary point would check nothing
  for (let j = 0; j < theta.length; j++) {
    const h = 1e-5 * Math.max(1, Math.abs(theta[j]!));
    const t = theta[j]!;
    theta[j] = t + h;
    const fp = fg(theta, scratch);
    theta[j] = t - h;
    const fm = fg(theta, scratch);
    theta[j] = t;
    const fd = (fp - fm) / (2 * h);
    // relative 1e-6, with a floor at 1e-6 of the largest component for components near zero
    expect(Math.abs(fd - g[j]!)).toBeLessThanOrEqual(1e-6 * Math.max(Math.abs(g[j]!), 1e-3 * gmax));
  }
}

describe('logistic loss gradient vs central finite differences (relative 1e-6)', () => {
  it('binary log loss', () => check({ K: 2, loss: 'log', seed: 1 }));
  it('binary log loss with l2 = 0.3', () => check({ K: 2, loss: 'log', l2: 0.3, seed: 2 }));
  it('binary log loss with event weights', () => check({ K: 2, loss: 'log', weighted: true, seed: 3 }));
  it('binary log loss without intercept', () => check({ K: 2, loss: 'log', fitIntercept: false, l2: 0.1, seed: 4 }));
  it('multinomial (K = 4) log loss', () => check({ K: 4, loss: 'log', seed: 5 }));
  it('multinomial log loss with l2 and weights', () => check({ K: 3, loss: 'log', l2: 0.5, weighted: true, seed: 6 }));
  it('binary mse', () => check({ K: 2, loss: 'mse', seed: 7 }));
  it('binary mse with l2 and weights', () => check({ K: 2, loss: 'mse', l2: 0.2, weighted: true, seed: 8 }));
  it('multinomial mse', () => check({ K: 3, loss: 'mse', weighted: true, seed: 9 }));
});

describe('logistic loss values worked by hand', () => {
  // NAND rows (0,0),(0,1),(1,0),(1,1) → 1,1,1,0, unit weights (1/4 each)
  const X = Float64Array.from([0, 0, 0, 1, 1, 0, 1, 1]);
  const y = Int32Array.from([1, 1, 1, 0]);
  const w = new Float64Array(4).fill(0.25);

  it('log loss at θ = 0 is log 2 with gradient (0, 0, −¼)', () => {
    const fg = logisticObjective({ X, n: 4, p: 2, y, nClasses: 2, w, l2: 0, fitIntercept: true, loss: 'log' });
    const g = new Float64Array(3);
    expect(fg(new Float64Array(3), g)).toBeCloseTo(Math.LN2, 15);
    // ∂/∂b = mean(σ(0) − y) = (3·(−½) + ½)/4 = −¼; ∂/∂w1 = (−½ + ½)/4 = 0 (rows 3, 4); same for w2 (rows 2, 4)
    expect(Array.from(g)).toEqual([0, 0, -0.25]);
  });

  it('log loss at θ = (0, 0, ¼) is (3·(softplus(¼) − ¼) + softplus(¼))/4 = 0.6384394198788436', () => {
    const fg = logisticObjective({ X, n: 4, p: 2, y, nClasses: 2, w, l2: 0, fitIntercept: true, loss: 'log' });
    expect(fg(Float64Array.from([0, 0, 0.25]), new Float64Array(3))).toBeCloseTo(0.6384394198788436, 15);
  });

  it('mse at θ = 0 is ¼ with intercept gradient mean(2(σ − y)σ(1 − σ)) = −1/8', () => {
    const fg = logisticObjective({ X, n: 4, p: 2, y, nClasses: 2, w, l2: 0, fitIntercept: true, loss: 'mse' });
    const g = new Float64Array(3);
    expect(fg(new Float64Array(3), g)).toBe(0.25);
    expect(Array.from(g)).toEqual([0, 0, -0.125]);
  });

  it('multinomial log loss at θ = 0 is log K; the l2 term is (l2/2)‖coef‖² without intercepts', () => {
    const fg = logisticObjective({ X, n: 4, p: 2, y: Int32Array.from([0, 1, 2, 1]), nClasses: 3, w, l2: 0.5, fitIntercept: true, loss: 'log' });
    expect(fg(new Float64Array(9), new Float64Array(9))).toBeCloseTo(Math.log(3), 15);
    // only the intercept entries (indices 2, 5, 8) are non-zero: no penalty
    const th = Float64Array.from([0, 0, 7, 0, 0, 7, 0, 0, 7]);
    expect(fg(th, new Float64Array(9))).toBeCloseTo(Math.log(3), 14);
    // coef (1, 0) in class 0 only: penalty 0.5/2·1 = 0.25 on top of the data term
    const th2 = Float64Array.from([1, 0, 0, 0, 0, 0, 0, 0, 0]);
    const fNo = logisticObjective({ X, n: 4, p: 2, y: Int32Array.from([0, 1, 2, 1]), nClasses: 3, w, l2: 0, fitIntercept: true, loss: 'log' })(th2, new Float64Array(9));
    expect(fg(th2, new Float64Array(9)) - fNo).toBeCloseTo(0.25, 15);
  });
});
