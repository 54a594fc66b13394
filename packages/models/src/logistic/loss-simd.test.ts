/**
 * The logistic loss pass on the WebAssembly SIMD kernels (the binary log loss: linalg's fused logloss_pass; the
 * others: gemv and gemvt around the element-wise pass) against the JavaScript kernels (logLossPassInto, gemvInto,
 * gemvTInto: the reference), on random problems: 1 to 3,000 rows (one row; fewer than a 4-row group; one chunk and
 * several), 1 to 13 features, two to four classes, with and without intercept, log and squared loss, L2, weights with
 * zeros; and with the rows brought piece by piece (the path of a sample past the copy limit). The kernels keep the
 * reference's operations in its order, so loss and gradient are compared bit for bit (Object.is), stronger than the
 * issue's 1e-12 relative.
 */
import { createRng, setSimdEnabled, simdEnabled } from '@discern/linalg';
import { afterEach, describe, expect, it } from 'vitest';
import { LogisticRegression } from './logistic.js';
import { type LogisticProblem, logisticObjective, lossCopyLimit, paramRows } from './loss.js';

const rng = createRng(1517);
const randInt = (lo: number, hi: number): number => lo + Math.floor(rng.uniform() * (hi - lo + 1));

describe('logistic loss pass: SIMD kernels against the JavaScript reference', () => {
  afterEach(() => {
    setSimdEnabled(true);
    lossCopyLimit.numbers = 1 << 22;
    lossCopyLimit.pieceRows = 4096;
  });

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
      // every third problem again with the rows brought piece by piece (a copy limit below the sample's size)
      lossCopyLimit.numbers = t % 3 === 1 ? 0 : 1 << 22;
      lossCopyLimit.pieceRows = 2 * randInt(1, 300);
      const streamed = run(true);
      lossCopyLimit.numbers = 1 << 22;
      const what = `n=${n} p=${p} K=${nClasses} ${P.loss}${P.fitIntercept ? ' intercept' : ''}`;
      for (const [name, got] of [['SIMD', simd], ['SIMD, streamed', streamed]] as const) {
        expect(Object.is(got.loss, js.loss), `${what}, ${name}: loss ${got.loss} ≠ ${js.loss}`).toBe(true);
        for (let j = 0; j < theta.length; j++) if (!Object.is(got.grad[j], js.grad[j])) expect.fail(`${what}, ${name}: gradient[${j}] ${got.grad[j]} ≠ ${js.grad[j]}`);
      }
    }
  });

  it('a fit gives the same model and history with and without the kernels, on 1 and 2 threads, its rows kept or streamed', () => {
    const n = 6000, p = 7;
    const X = Float64Array.from({ length: n * p }, () => rng.normal());
    const y = Int32Array.from({ length: n }, (_, i) => (X[i * p]! + 0.5 * X[i * p + 1]! + rng.normal() > 0 ? 1 : 0));
    const fit = (simd: boolean, threads: number) => {
      setSimdEnabled(simd);
      expect(simdEnabled()).toBe(simd);
      return new LogisticRegression({ solver: 'lbfgs', threads }).fit({ rows: n, cols: p, data: X }, y);
    };
    const ref = fit(false, 1);
    for (const [threads, limit] of [[1, 1 << 22], [2, 1 << 22], [1, 1000], [2, 1000]] as const) {
      lossCopyLimit.numbers = limit; // 1000: the rows streamed, 100 at a time (the workers keep theirs: a mix)
      lossCopyLimit.pieceRows = 100;
      const m = fit(true, threads);
      expect(m.toJSON(), `${threads} threads, copy limit ${limit}`).toEqual(ref.toJSON());
      expect(m.fitReport!.history).toEqual(ref.fitReport!.history);
    }
  });

  it('a non-finite value anywhere in X is DATA_INVALID naming its row and feature, whichever way the fit copies X (the kernels in one go, which look at each value, or piece by piece; the JavaScript kernels), binary and three classes', () => {
    const n = 257, p = 5;
    const clean = Float64Array.from({ length: n * p }, () => rng.normal());
    const y2 = Int32Array.from({ length: n }, (_, i) => i % 2);
    const y3 = Int32Array.from({ length: n }, (_, i) => i % 3);
    const problem = (X: Float64Array, y: Int32Array, nClasses: number): LogisticProblem => ({ X, n, p, y, nClasses, w: new Float64Array(n).fill(1 / n), l2: 0, fitIntercept: true, loss: 'log' });
    const ways = [
      ['kernels, in one go', true, 1 << 22],
      ['kernels, piece by piece', true, 100],
      ['JavaScript', false, 1 << 22],
    ] as const;
    for (const [way, simd, limit] of ways) {
      setSimdEnabled(simd);
      lossCopyLimit.numbers = limit;
      lossCopyLimit.pieceRows = 64;
      // looked at on the way only where the kernels copy X in one go
      const looked = simd && limit > n * p;
      for (const [y, K] of [[y2, 2], [y3, 3]] as const) {
        expect(logisticObjective(problem(clean, y, K)).inputFinite, `${way}, ${K} classes, clean`).toBe(looked ? true : undefined);
        for (const [at, bad] of [[0, NaN], [n * p - 1, Infinity], [128 * p + 3, -Infinity], [256 * p, NaN], [77 * p + 4, Infinity]] as const) {
          const X = clean.slice();
          X[at] = bad;
          expect(logisticObjective(problem(X, y, K)).inputFinite, `${way}, ${K} classes, ${bad} at ${at}`).toBe(looked ? false : undefined);
          const row = Math.floor(at / p), col = at % p;
          let err: unknown;
          try {
            new LogisticRegression().fit({ rows: n, cols: p, data: X }, y);
          } catch (e) {
            err = e;
          }
          expect(err, `${way}, ${K} classes, ${bad} at row ${row}, feature ${col}`).toMatchObject({ code: 'DATA_INVALID', context: { row, feature: col } });
          expect(String((err as Error).message)).toContain(String(bad));
        }
      }
    }
  });
});
