import { describe, expect, it } from 'vitest';
import { expectDiscernError } from '../__tests__/helpers.js';
import { eigenSymmetric2, ellipsePolyline, type Cov2 } from './ellipse.js';

describe('eigenSymmetric2', () => {
  it('diagonal matrix: eigenvalues are the diagonal, largest first', () => {
    const e = eigenSymmetric2([[1, 0], [0, 4]]);
    expect(e.values).toEqual([4, 1]);
    expect(Math.abs(Math.cos(e.angle))).toBeCloseTo(0, 12);
  });
  it('[[2, 1], [1, 2]]: eigenvalues 3 and 1, major axis at 45°', () => {
    const e = eigenSymmetric2([[2, 1], [1, 2]]);
    expect(e.values[0]).toBeCloseTo(3, 12);
    expect(e.values[1]).toBeCloseTo(1, 12);
    expect(e.angle).toBeCloseTo(Math.PI / 4, 12);
  });
  it('rejects asymmetric, indefinite and non-finite matrices', () => {
    expectDiscernError(() => eigenSymmetric2([[1, 0.5], [0.4, 1]]), /symmetric/);
    expectDiscernError(() => eigenSymmetric2([[1, 2], [2, 1]]), /positive semi-definite/);
    expectDiscernError(() => eigenSymmetric2([[NaN, 0], [0, 1]]), /finite/);
  });
});

describe('ellipsePolyline', () => {
  it('every point lies at Mahalanobis distance k from the mean, and the polyline is closed', () => {
    const cov: Cov2 = [[0.07, 0.27], [0.27, 34.8]];
    const [[a, b], [, c]] = cov;
    const det = a * c - b * b;
    for (const k of [1, 2]) {
      const pts = ellipsePolyline([2, 54], cov, k, 36);
      expect(pts).toHaveLength(37);
      expect(pts[36]).toEqual(pts[0]);
      for (const [x, y] of pts) {
        const dx = x - 2;
        const dy = y - 54;
        const d2 = (c * dx * dx - 2 * b * dx * dy + a * dy * dy) / det;
        expect(Math.sqrt(d2)).toBeCloseTo(k, 9);
      }
    }
  });
  it('rejects a non-positive level', () => {
    expectDiscernError(() => ellipsePolyline([0, 0], [[1, 0], [0, 1]], 0), /positive/);
  });
});
