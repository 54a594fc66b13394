import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cholesky } from './cholesky.js';
import { isDiscernError } from '@discern/core';
import { fromRows } from './matrix.js';
import { LOG_2PI, columnVariance, mvnLogPdf, mvnLogPdfRows, normalLogPdf, weightedCovariance, weightedMean } from './stats.js';

interface Fx {
  X: number[][];
  w: number[];
  wNeg: number[];
  meanW: number[];
  covW: number[][];
  covUnbiased: number[][];
  meanNeg: number[];
  covNeg: number[][];
  Sigma: number[][];
  mean: number[];
  points: number[][];
  logpdf: number[];
}
// numpy 1.x np.cov(aweights, bias=True) and scipy.stats.multivariate_normal.logpdf, from tools/fixtures/make_linalg_fixtures.py
const fx = JSON.parse(readFileSync(new URL('./__fixtures__/linalg.json', import.meta.url), 'utf8')) as Fx;
const X = fromRows(fx.X);

function expectClose(got: ArrayLike<number>, want: readonly number[], rtol: number): void {
  expect(got.length).toBe(want.length);
  want.forEach((w, k) => expect(Math.abs(got[k]! - w)).toBeLessThanOrEqual(rtol * Math.max(1, Math.abs(w))));
}

describe('weighted mean and covariance vs numpy', () => {
  it('positive weights (1e-12)', () => {
    expectClose(weightedMean(X, fx.w), fx.meanW, 1e-12);
    expectClose(weightedCovariance(X, fx.w), fx.covW.flat(), 1e-12);
  });
  it('unbiased unweighted covariance with ddof = 1 (1e-12)', () => {
    expectClose(weightedCovariance(X, undefined, undefined, 1), fx.covUnbiased.flat(), 1e-12);
  });
  it('negative weights (1e-12)', () => {
    expectClose(weightedMean(X, fx.wNeg), fx.meanNeg, 1e-12);
    expectClose(weightedCovariance(X, fx.wNeg), fx.covNeg.flat(), 1e-12);
  });
  it('columnVariance is the diagonal of the covariance', () => {
    const cov = weightedCovariance(X, fx.w);
    const v = columnVariance(X, fx.w);
    for (let j = 0; j < 3; j++) expect(Math.abs(v[j]! - cov[j * 3 + j]!)).toBeLessThanOrEqual(1e-13 * cov[j * 3 + j]!);
  });
  it('hand example: mean and covariance of (0,0), (2,0), (0,2), (2,2)', () => {
    const m = fromRows([
      [0, 0],
      [2, 0],
      [0, 2],
      [2, 2],
    ]);
    expect(Array.from(weightedMean(m))).toEqual([1, 1]);
    expect(Array.from(weightedCovariance(m))).toEqual([1, 0, 0, 1]);
    // weights 3,1,1,3 pull the mean to the (0,0)-(2,2) diagonal and correlate the coordinates
    expect(Array.from(weightedMean(m, [3, 1, 1, 3]))).toEqual([1, 1]);
    expect(Array.from(weightedCovariance(m, [3, 1, 1, 3]))).toEqual([1, 0.5, 0.5, 1]);
  });
  it('weights summing to zero are INVALID_ARGUMENT', () => {
    let err: unknown;
    try {
      weightedMean(X, fx.w.map((_, i) => (i % 2 ? 1 : -1)));
    } catch (e) {
      err = e;
    }
    expect(isDiscernError(err) && err.code).toBe('INVALID_ARGUMENT');
  });
});

describe('mvnLogPdf vs scipy.stats.multivariate_normal.logpdf', () => {
  it('agrees to 1e-12 (relative to max(1, |value|))', () => {
    const c = cholesky(fx.Sigma.flat(), 3);
    const scratch = new Float64Array(3);
    fx.points.forEach((x, k) => {
      const got = mvnLogPdf(x, fx.mean, c, undefined, scratch);
      expect(Math.abs(got - fx.logpdf[k]!)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(fx.logpdf[k]!)));
    });
  });
  it('normalLogPdf: hand values', () => {
    expect(normalLogPdf(0, 0, 1)).toBe(-0.5 * LOG_2PI);
    expect(normalLogPdf(3, 1, 4)).toBeCloseTo(-0.5 * (LOG_2PI + Math.log(4) + 1), 15);
    // the univariate case of mvnLogPdf
    expect(Math.abs(mvnLogPdf([3], [1], cholesky([4], 1)) - normalLogPdf(3, 1, 4))).toBeLessThan(1e-15);
  });
});

describe('mvnLogPdfRows', () => {
  it('is mvnLogPdf row by row, bit for bit, with the shift added to the constant first', () => {
    const c = cholesky(fx.Sigma.flat(), fx.Sigma.length);
    const P = fromRows(fx.points);
    const out = new Float64Array(2 * P.rows).fill(7);
    mvnLogPdfRows(P, fx.mean, c, out, 1, 2, -0.25);
    fx.points.forEach((x, i) => {
      expect(out[2 * i]).toBe(7); // untouched between the strided outputs
      expect(Math.abs(out[2 * i + 1]! - (-0.25 + fx.logpdf[i]!))).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(fx.logpdf[i]!)));
    });
    const zero = mvnLogPdfRows(P, fx.mean, c, new Float64Array(P.rows));
    fx.points.forEach((x, i) => expect(zero[i]).toBe(mvnLogPdf(x, fx.mean, c)));
  });
  it('refuses a matrix of the wrong width', () => {
    expect(() => mvnLogPdfRows(fromRows([[1, 2]]), [0, 0, 0], cholesky([1, 0, 0, 0, 1, 0, 0, 0, 1], 3), new Float64Array(1))).toThrow(/3×3/);
  });
});
