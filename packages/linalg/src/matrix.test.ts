import { describe, expect, it } from 'vitest';
import { type DiscernError, isDiscernError } from '@discern/core';
import { allFinite, assertFinite, denseMatrix, fromMlMatrix, fromRows, getColumn, matmul, rowView, takeColumns, takeRows, toMlMatrix, toRows, transpose, zeros } from './matrix.js';

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return isDiscernError(e) ? e.code : 'other';
  }
  return 'none';
}

describe('DenseMatrix helpers', () => {
  const A = fromRows([
    [1, 2, 3],
    [4, 5, 6],
  ]);
  it('stores row-major and converts back', () => {
    expect(Array.from(A.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(toRows(A)).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(Array.from(rowView(A, 1))).toEqual([4, 5, 6]);
    expect(Array.from(getColumn(A, 2))).toEqual([3, 6]);
    expect(toRows(fromMlMatrix(toMlMatrix(A)))).toEqual(toRows(A));
  });
  it('matmul and transpose match hand results', () => {
    const B = fromRows([
      [1, 0],
      [0, 1],
      [2, -1],
    ]);
    expect(toRows(matmul(A, B))).toEqual([
      [7, -1],
      [16, -1],
    ]);
    expect(toRows(transpose(A))).toEqual([
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
    expect(codeOf(() => matmul(A, A))).toBe('INVALID_ARGUMENT');
  });
  it('takeRows / takeColumns copy the picked parts', () => {
    expect(toRows(takeRows(A, [1, 1, 0]))).toEqual([
      [4, 5, 6],
      [4, 5, 6],
      [1, 2, 3],
    ]);
    expect(toRows(takeColumns(A, [2, 0]))).toEqual([
      [3, 1],
      [6, 4],
    ]);
  });
  it('rejects bad shapes and names the first non-finite entry', () => {
    expect(codeOf(() => zeros(-1, 2))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => denseMatrix(2, 2, [1, 2, 3]))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => fromRows([[1, 2], [3]]))).toBe('INVALID_ARGUMENT');
    let err: unknown;
    try {
      assertFinite(fromRows([[1, 2], [3, Number.NaN]]), 'X');
    } catch (e) {
      err = e;
    }
    expect(isDiscernError(err) && err.code).toBe('DATA_INVALID');
    expect((err as Error).message).toContain('X has a non-finite value NaN at row 1, feature 1');
    expect((err as DiscernError).context).toMatchObject({ row: 1, feature: 1 });
    // the caller says it in the user's terms: the file line and the column name
    const renamed = (err as DiscernError).renamed({ row: (i) => `x.csv line ${i + 2}`, feature: (j) => `column ${['a', 'b'][j]}` });
    expect(renamed.message).toContain('X has a non-finite value NaN at x.csv line 3, column b');
    expect(codeOf(() => assertFinite(A))).toBe('none');
  });
  it('allFinite: false for NaN, ±Infinity anywhere (each of the four sums and the tail), true for finite values of any size', () => {
    for (const n of [0, 1, 3, 4, 5, 8, 11]) {
      const a = Float64Array.from({ length: n }, (_, i) => (i % 2 ? -1 : 1) * (i === 2 ? Number.MAX_VALUE : i === 3 ? Number.MIN_VALUE : i + 0.5));
      expect(allFinite(a)).toBe(true);
      for (let k = 0; k < n; k++)
        for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
          const b = a.slice();
          b[k] = bad;
          expect(allFinite(b)).toBe(false);
          // and assertFinite names it, for a matrix of one row
          expect(() => assertFinite({ rows: 1, cols: n, data: b })).toThrow(`non-finite value ${bad} at row 0, feature ${k}`);
        }
    }
    // +∞ and −∞ in two of the sums do not cancel
    expect(allFinite(Float64Array.from([Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1, 1]))).toBe(false);
  });
});
