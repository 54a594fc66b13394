/**
 * The logistic loss pass on the WebAssembly SIMD kernels (linalg's gemv and gemvt around the same element-wise
 * pass) against the JavaScript kernels (gemvInto, gemvTInto: the reference), on random problems: 1 to 3,000 rows
 * (one row; fewer than a 4-row group; one chunk and several), 1 to 13 features, two to four classes, with and
 * without intercept, log and squared loss, L2, weights with zeros. The kernels keep the reference's operations in its
 * order, so loss and gradient are compared bit for bit (Object.is), stronger than the 1e-12 relative.
 */
import { createRng, setSimdEnabled, simdEnabled } from '@discern/linalg';
import { afterEach, describe, expect, it } from 'vitest';
import { LogisticRegression } from './logistic.js';
import { type LogisticProblem, logisticObjective, paramRows } from './loss.js';

const rng = createRng(1517);
const randInt = (lo: number, hi: number): number => lo + Math.floor(rng.uniform() * (hi - lo + 1));

describe('logistic loss pass: SIMD kernels against the JavaScript reference', () => {
  afterEach(() => setSimdEnabled(true));

  it('gives the same loss and gradient bits on 150 random problems', () => {
    for (let t = 0; t < 150; t++) {
      const n = t < 5 ? t + 1 : randInt(1, t % 10 === 0 ? 3000 : 300);
      const p = randInt(1, 13);
      const nClasses = t % 3 === 0 ? randInt(3, 4) : 2;
      let wsum = 0;
      const w = Float64Array.from({ length: n }, () => {
        const v = rng.uniform() < 0.1 ? 0 : rng.uniform();
        wsum += v;
        return v;
      });
      if (wsum > 0) for (let i = 0; i < n; i++) w[i]! /= wsum;
      const P: LogisticProblem = {
        X: Float64Array.from({ length: n * p }, () => rng.normal() * 2),
        n,
        p,
        y: Int32Array.from({ length: n }, () => randInt(0, nClasses - 1)),
        nClasses,
        w,
        l2: t % 2 ? 0.3 : 0,
        fitIntercept: t % 4 !== 1,
        loss: t % 5 === 2 ? 'mse' : 'log',
      };
      const theta = Float64Array.from({ length: paramRows(nClasses) * (p + (P.fitIntercept ? 1 : 0)) }, () => rng.normal());
      const run = (simd: boolean) => {
        setSimdEnabled(simd);
        // the kernels really in use (else this compares the JavaScript pass with itself)
        expect(simdEnabled()).toBe(simd);
        const f = logisticObjective(P, 1);
        const grad = new Float64Array(theta.length);
        // twice: the second pass reuses the kernels' copy of X
        f(theta, grad);
        return { loss: f(theta, grad), grad };
      };
      const js = run(false), simd = run(true);
      const what = `n=${n} p=${p} K=${nClasses} ${P.loss}${P.fitIntercept ? ' intercept' : ''}`;
      expect(Object.is(simd.loss, js.loss), `${what}: loss ${simd.loss} ≠ ${js.loss}`).toBe(true);
      for (let j = 0; j < theta.length; j++) if (!Object.is(simd.grad[j], js.grad[j])) expect.fail(`${what}: gradient[${j}] ${simd.grad[j]} ≠ ${js.grad[j]}`);
    }
  });

  it('a fit gives the same model and history with and without the kernels, on 1 and 2 threads', () => {
    const n = 6000, p = 7;
    const X = Float64Array.from({ length: n * p }, () => rng.normal());
    const y = Int32Array.from({ length: n }, (_, i) => (X[i * p]! + 0.5 * X[i * p + 1]! + rng.normal() > 0 ? 1 : 0));
    const fit = (simd: boolean, threads: number) => {
      setSimdEnabled(simd);
      expect(simdEnabled()).toBe(simd);
      return new LogisticRegression({ solver: 'lbfgs', threads }).fit({ rows: n, cols: p, data: X }, y);
    };
    const ref = fit(false, 1);
    for (const threads of [1, 2]) {
      const m = fit(true, threads);
      expect(m.toJSON()).toEqual(ref.toJSON());
      expect(m.fitReport!.history).toEqual(ref.fitReport!.history);
    }
  });
});
