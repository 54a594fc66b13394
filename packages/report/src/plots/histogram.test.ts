import { describe, expect, it } from 'vitest';
import { expectDiscernError } from '../__tests__/helpers.js';
import { binEdges, densityHistogram } from './histogram.js';

describe('binEdges', () => {
  it('splits the range into equal bins', () => {
    expect(binEdges(0, 1, 4)).toEqual([0, 0.25, 0.5, 0.75, 1]);
  });
  it('widens a degenerate range so a constant score still has a bin', () => {
    expect(binEdges(0, 0, 2)).toEqual([-0.5, 0, 0.5]);
  });
  it('rejects bad bins and ranges', () => {
    expectDiscernError(() => binEdges(0, 1, 0), /bins/);
    expectDiscernError(() => binEdges(1, 0, 4), /lo ≤ hi/);
  });
});

describe('densityHistogram', () => {
  const edges = [0, 0.5, 1];
  it('normalises weighted counts to unit area, worked by hand', () => {
    // Bin 0: w = 1 + 3 = 4; bin 1: w = 4 (x = 1 is in the closed last bin). W = 8, Δx = 0.5.
    const h = densityHistogram([0.1, 0.2, 0.7, 1], [1, 3, 2, 2], edges, 'x');
    expect(h.density).toEqual([4 / (8 * 0.5), 4 / (8 * 0.5)]);
    expect(h.error[0]).toBeCloseTo(Math.sqrt(1 + 9) / 4, 12);
    expect(h.error[1]).toBeCloseTo(Math.sqrt(4 + 4) / 4, 12);
    const area = h.density.reduce((a, d) => a + d * 0.5, 0);
    expect(area).toBeCloseTo(1, 12);
  });
  it('counts events outside the range and leaves them out of the normalisation', () => {
    const h = densityHistogram([-1, 0.25, 0.75, 2], undefined, edges, 'x');
    expect(h.outside).toBe(2);
    expect(h.density).toEqual([1, 1]);
  });
  it('accepts negative weights but needs a positive total', () => {
    const h = densityHistogram([0.1, 0.2, 0.7], [2, -1, 1], edges, 'x');
    expect(h.density).toEqual([1, 1]);
    expectDiscernError(() => densityHistogram([0.1, 0.7], [1, -1], edges, 'test signal'), /test signal.*total weight/);
  });
});
