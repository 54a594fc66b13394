import { readFileSync } from 'node:fs';
import { Matrix, determinant } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { cholesky, choleskyInverse, choleskySolve, logDetFromCholesky, lowerInverse, solveLower, solveUpperT } from './cholesky.js';
import { isDiscernError } from '@discern/core';

// numpy/scipy reference values from tools/fixtures/make_linalg_fixtures.py
const fx = JSON.parse(readFileSync(new URL('./__fixtures__/linalg.json', import.meta.url), 'utf8')) as { S5: number[][]; logdetS5: number };
const S5 = Float64Array.from(fx.S5.flat());

function matVec(a: ArrayLike<number>, n: number, x: ArrayLike<number>): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i]! += a[i * n + j]! * x[j]!;
  return out;
}

function lltMaxError(L: Float64Array, n: number, a: ArrayLike<number>, jitter: number): number {
  let err = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += L[i * n + k]! * L[j * n + k]!;
      err = Math.max(err, Math.abs(s - (a[i * n + j]! + (i === j ? jitter : 0))));
    }
  return err;
}

describe('cholesky', () => {
  it('factors a known 3×3 SPD matrix to the hand-computed factor (1e-14)', () => {
    // A = L Lᵀ with L = [[2,0,0],[6,1,0],[-8,5,3]]
    const A = [4, 12, -16, 12, 37, -43, -16, -43, 98];
    const c = cholesky(A, 3);
    const L = [2, 0, 0, 6, 1, 0, -8, 5, 3];
    L.forEach((v, k) => expect(Math.abs(c.L[k]! - v)).toBeLessThanOrEqual(1e-14));
    expect(c.jitter).toBe(0);
    expect(logDetFromCholesky(c)).toBeCloseTo(Math.log(36), 14); // det = (2·1·3)²
  });

  it('reads only the lower triangle', () => {
    const c = cholesky([4, 999, 999, 12, 37, 999, -16, -43, 98], 3);
    expect(Array.from(c.L)).toEqual([2, 0, 0, 6, 1, 0, -8, 5, 3]);
  });

  it('adds jitter to a singular matrix when allowed, and reports it', () => {
    const A = [1, 1, 1, 1]; // rank 1
    const c = cholesky(A, 2, { maxTries: 6 });
    expect(c.jitter).toBeGreaterThan(0);
    expect(lltMaxError(c.L, 2, A, c.jitter)).toBeLessThan(1e-12);
  });

  it('throws SINGULAR_COVARIANCE in strict mode and when jitter does not help', () => {
    for (const [A, opts] of [
      [[1, 1, 1, 1], {}],
      [[1, 0, 0, -1], { maxTries: 3 }],
      [[1, 2, 2, Number.NaN], { maxTries: 2 }],
    ] as const) {
      let err: unknown;
      try {
        cholesky(A, 2, { ...opts, what: 'component 2' });
      } catch (e) {
        err = e;
      }
      expect(isDiscernError(err) && err.code).toBe('SINGULAR_COVARIANCE');
      expect((err as Error).message).toContain('of component 2');
    }
  });

  it('rejects a wrong number of values', () => {
    let err: unknown;
    try {
      cholesky([1, 2, 3], 2);
    } catch (e) {
      err = e;
    }
    expect(isDiscernError(err) && err.code).toBe('INVALID_ARGUMENT');
  });

  it('choleskySolve leaves a residual below 1e-12', () => {
    const c = cholesky(S5, 5);
    const b = [1, -2, 0.5, 3, -0.25];
    const x = choleskySolve(c, b);
    const r = matVec(S5, 5, x);
    b.forEach((v, i) => expect(Math.abs(r[i]! - v)).toBeLessThan(1e-12));
    expect(lltMaxError(c.L, 5, S5, 0)).toBeLessThan(1e-12);
  });

  it('solveLower and solveUpperT invert L and Lᵀ, also in place', () => {
    const c = cholesky(S5, 5);
    const b = Float64Array.from([0.3, 1, -1, 2, 0]);
    const y = solveLower(c.L, 5, b);
    // L·y = b
    for (let i = 0; i < 5; i++) {
      let s = 0;
      for (let k = 0; k <= i; k++) s += c.L[i * 5 + k]! * y[k]!;
      expect(Math.abs(s - b[i]!)).toBeLessThan(1e-13);
    }
    const inPlace = b.slice();
    solveLower(c.L, 5, inPlace, inPlace);
    expect(Array.from(inPlace)).toEqual(Array.from(y));
    const z = solveUpperT(c.L, 5, b);
    for (let i = 0; i < 5; i++) {
      let s = 0;
      for (let k = i; k < 5; k++) s += c.L[k * 5 + i]! * z[k]!;
      expect(Math.abs(s - b[i]!)).toBeLessThan(1e-13);
    }
  });

  it('logdet agrees with ml-matrix determinant and numpy slogdet (1e-12 relative)', () => {
    const c = cholesky(S5, 5);
    const det = determinant(new Matrix(fx.S5));
    expect(Math.abs(logDetFromCholesky(c) - Math.log(det))).toBeLessThanOrEqual(1e-12 * Math.abs(Math.log(det)));
    expect(Math.abs(logDetFromCholesky(c) - fx.logdetS5)).toBeLessThanOrEqual(1e-12 * Math.abs(fx.logdetS5));
  });

  it('choleskyInverse and lowerInverse are inverses (1e-12)', () => {
    const c = cholesky(S5, 5);
    const inv = choleskyInverse(c);
    const Li = lowerInverse(c.L, 5);
    for (let i = 0; i < 5; i++)
      for (let j = 0; j < 5; j++) {
        let s = 0, t = 0;
        for (let k = 0; k < 5; k++) {
          s += S5[i * 5 + k]! * inv[k * 5 + j]!;
          t += c.L[i * 5 + k]! * Li[k * 5 + j]!;
        }
        expect(Math.abs(s - (i === j ? 1 : 0))).toBeLessThan(1e-12);
        expect(Math.abs(t - (i === j ? 1 : 0))).toBeLessThan(1e-12);
        if (j > i) expect(Li[i * 5 + j]).toBe(0);
      }
  });
});
