import { describe, expect, test } from 'vitest';
import { type TrainingSummary } from '@discern/models';
import { checkTrainingSummary, drawParityRows } from './parity-rows.js';

// Feature 0: a wide Gaussian-ish feature; 1: a narrow one; 2: constant; 3: a negative range.
const SUMMARY: TrainingSummary = { rows: 500, min: [-10, 0.5, 3, -7], max: [30, 0.6, 3, -2], mean: [2, 0.55, 3, -4], std: [5, 0.01, 0, 1] };

function column(X: { rows: number; cols: number; data: Float64Array }, j: number): number[] {
  return Array.from({ length: X.rows }, (_, i) => X.data[i * X.cols + j]!);
}

describe('drawParityRows', () => {
  test('every value within [min, max]; constant features at their value; the edges and the bulk both present', () => {
    const X = drawParityRows(SUMMARY);
    expect(X.rows).toBe(2000);
    expect(X.cols).toBe(4);
    for (let j = 0; j < 4; j++) {
      const c = column(X, j);
      expect(Math.min(...c), `min of ${j}`).toBeGreaterThanOrEqual(SUMMARY.min[j]!);
      expect(Math.max(...c), `max of ${j}`).toBeLessThanOrEqual(SUMMARY.max[j]!);
    }
    expect(new Set(column(X, 2))).toEqual(new Set([3]));
    const c0 = column(X, 0);
    // the edges rows: a third at each bound, of the last quarter → ~167 each (and the clipped bulk adds a few)
    expect(c0.filter((v) => v === -10).length).toBeGreaterThan(100);
    expect(c0.filter((v) => v === 30).length).toBeGreaterThan(100);
    // the bulk: half the rows from N(2, 5²), of which ~68 % within one std → ~680 rows, against ~125 from the rest
    expect(c0.filter((v) => Math.abs(v - 2) <= 5).length).toBeGreaterThan(700);
    // the range rows reach the far part of the range that the bulk rarely does (above mean + 3 std = 17)
    expect(c0.filter((v) => v > 17 && v < 30).length).toBeGreaterThan(100);
  });

  test('seeded: the same rows for the same seed, other rows for another', () => {
    const a = drawParityRows(SUMMARY, { rows: 50, seed: 3 });
    expect(Array.from(drawParityRows(SUMMARY, { rows: 50, seed: 3 }).data)).toEqual(Array.from(a.data));
    expect(Array.from(drawParityRows(SUMMARY, { rows: 50, seed: 4 }).data)).not.toEqual(Array.from(a.data));
  });

  test('integer (counts, category codes): non-negative integers within the range, both extremes present', () => {
    const counts: TrainingSummary = { rows: 100, min: [0, 2, -3, 0], max: [16, 2, 4.5, 0.4], mean: [3, 2, 1, 0.1], std: [4, 0, 2, 0.2] };
    const X = drawParityRows(counts, { integer: true, rows: 300 });
    for (let j = 0; j < 4; j++) expect(column(X, j).every((v) => Number.isInteger(v) && v >= 0), `feature ${j}`).toBe(true);
    expect(Math.min(...column(X, 0))).toBe(0);
    expect(Math.max(...column(X, 0))).toBe(16);
    expect(new Set(column(X, 1))).toEqual(new Set([2]));
    // [−3, 4.5] → the non-negative integers 0..4
    expect(new Set(column(X, 2))).toEqual(new Set([0, 1, 2, 3, 4]));
    // [0, 0.4] holds the one integer 0
    expect(new Set(column(X, 3))).toEqual(new Set([0]));
  });

  test('a summary that does not fit: INVALID_ARGUMENT naming the field', () => {
    const bad = (t: Partial<TrainingSummary>, field: RegExp) =>
      expect(() => drawParityRows({ ...SUMMARY, ...t } as TrainingSummary)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(field) }));
    bad({ rows: 0 }, /^training\.rows must be a positive integer/);
    bad({ max: [30, 0.6, 3] }, /^training\.max must hold 4 numbers/);
    bad({ std: [5, 0.01, 0, -1] }, /^training\.std\[3\] is -1; a standard deviation is ≥ 0/);
    bad({ min: [-10, 0.5, 3, -1] }, /^training\.min\[3\] is -1, above max\[3\] = -2/);
    bad({ mean: [2, 0.55, 3, NaN] }, /^training\.mean\[3\] must be a finite number/);
    bad({ mean: [40, 0.55, 3, -4] }, /^training\.mean\[0\] is 40, outside \[min, max\] = \[-10, 30\]/);
    expect(() => checkTrainingSummary(SUMMARY, 5)).toThrow(/must hold 5 numbers/);
    expect(() => drawParityRows(SUMMARY, { rows: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', context: expect.objectContaining({ option: 'rows' }) }));
  });
});
