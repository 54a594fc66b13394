import { describe, expect, it } from 'vitest';
import { symmetricEigenvalues } from './eigen.js';

describe('symmetricEigenvalues (ml-matrix)', () => {
  it('hand examples, largest first', () => {
    // [[2, 1], [1, 2]]: eigenvalues 3 and 1
    const a = symmetricEigenvalues([2, 1, 1, 2], 2);
    expect(Math.abs(a[0]! - 3)).toBeLessThan(1e-15);
    expect(Math.abs(a[1]! - 1)).toBeLessThan(1e-15);
    // diagonal matrix: its diagonal, sorted
    expect(Array.from(symmetricEigenvalues([1, 0, 0, 0, 5, 0, 0, 0, 3], 3))).toEqual([5, 3, 1]);
    expect(symmetricEigenvalues([], 0).length).toBe(0);
  });
  it('reads the lower triangle only (the upper is taken as its mirror)', () => {
    const a = symmetricEigenvalues([2, 99, 1, 2], 2);
    expect(Math.abs(a[0]! - 3)).toBeLessThan(1e-15);
  });
  it('a singular scatter (a duplicated column) has an eigenvalue at rounding level', () => {
    // scatter of the rows (1, 1, 0), (2, 2, 1), (4, 4, 3) about their mean: columns 0 and 1 are equal
    const rows = [
      [1, 1, 0],
      [2, 2, 1],
      [4, 4, 3],
    ];
    const mean = [7 / 3, 7 / 3, 4 / 3];
    const S = new Float64Array(9);
    for (const r of rows) for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) S[a * 3 + b]! += (r[a]! - mean[a]!) * (r[b]! - mean[b]!);
    const ev = symmetricEigenvalues(S, 3);
    // trace is preserved; the smallest two are 0 (rank 1: three points on a line in this plane... plus the copy)
    expect(Math.abs(ev[0]! + ev[1]! + ev[2]! - (S[0]! + S[4]! + S[8]!))).toBeLessThan(1e-12);
    expect(Math.abs(ev[2]!)).toBeLessThan(1e-12 * ev[0]!);
  });
  it('matches the characteristic polynomial of a 3×3 matrix (1e-13)', () => {
    // [[4, 1, 2], [1, 3, 0], [2, 0, 5]]: det(A − λI) = 0 at each eigenvalue
    const A = [4, 1, 2, 1, 3, 0, 2, 0, 5];
    for (const l of symmetricEigenvalues(A, 3)) {
      const det = (4 - l) * ((3 - l) * (5 - l)) - 1 * (1 * (5 - l)) + 2 * (0 - 2 * (3 - l));
      expect(Math.abs(det)).toBeLessThan(1e-12);
    }
  });
  it('symmetric eigenvalues match a matrix built from known ones', () => {
    const lam = [5, 2, 0];
    const a = 0.3, b = 1.1;
    // R = rotation about z by a, then about x by b; A = R diag(lam) Rᵀ
    const Rz = [[Math.cos(a), -Math.sin(a), 0], [Math.sin(a), Math.cos(a), 0], [0, 0, 1]];
    const Rx = [[1, 0, 0], [0, Math.cos(b), -Math.sin(b)], [0, Math.sin(b), Math.cos(b)]];
    const R = Rz.map((row) => [0, 1, 2].map((j) => row.reduce((s, v, k) => s + v * Rx[k]![j]!, 0)));
    const A = new Float64Array(9);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) A[i * 3 + j] = lam.reduce((s, l, k) => s + R[i]![k]! * l * R[j]![k]!, 0);
    const got = symmetricEigenvalues(A, 3);
    lam.forEach((l, k) => expect(Math.abs(got[k]! - l)).toBeLessThan(1e-13));
  });
});
