import { describe, expect, it } from 'vitest';
import { calibrationSummary } from './calibration.js';

describe('calibrationSummary: reliability bins and the expected calibration error, by hand', () => {
  it('two classes, 2 bins: the mean predicted P(positive) and the observed frequency per bin; ECE their weighted gap', () => {
    // P(1) = 0.1, 0.2, 0.3 (bin [0, 0.5)), 0.6, 0.9, 1.0 (bin [0.5, 1]); labels 0, 1, 0 | 1, 1, 0
    const p1 = [0.1, 0.2, 0.3, 0.6, 0.9, 1.0];
    const proba = { rows: 6, cols: 2, data: Float64Array.from(p1.flatMap((p) => [1 - p, p])) };
    const s = calibrationSummary([0, 1, 0, 1, 1, 0], proba, { bins: 2 });
    expect(s.form).toBe('positive');
    expect(s.bins.map((b) => b.n)).toEqual([3, 3]);
    expect(s.bins[0]!.predicted).toBeCloseTo(0.2, 15);
    expect(s.bins[0]!.observed).toBeCloseTo(1 / 3, 15);
    expect(s.bins[1]!.predicted).toBeCloseTo(2.5 / 3, 15);
    expect(s.bins[1]!.observed).toBeCloseTo(2 / 3, 15);
    // ECE = ½|1/3 − 0.2| + ½|2/3 − 2.5/3| = ½(2/15) + ½(1/6) = 0.15
    expect(s.ece).toBeCloseTo(0.15, 14);
    expect(s.mce).toBeCloseTo(1 / 6, 14);
    expect(s.bins[0]!.interval[0]).toBeLessThan(1 / 3);
    expect(s.bins[0]!.interval[1]).toBeGreaterThan(1 / 3);
  });

  it('weights: weighted means and the weight share of each bin; an empty bin has no figures and adds nothing', () => {
    const proba = { rows: 3, cols: 2, data: Float64Array.from([0.9, 0.1, 0.8, 0.2, 0.7, 0.3]) };
    const s = calibrationSummary([1, 0, 0], proba, { bins: 4, weights: [3, 1, 1] });
    // all in bin [0, 0.25) except 0.3 in [0.25, 0.5)
    expect(s.bins.map((b) => b.n)).toEqual([2, 1, 0, 0]);
    expect(s.bins[0]!.predicted).toBeCloseTo((3 * 0.1 + 0.2) / 4, 15);
    expect(s.bins[0]!.observed).toBeCloseTo(3 / 4, 15);
    expect(Number.isNaN(s.bins[2]!.predicted)).toBe(true);
    expect(s.ece).toBeCloseTo((4 / 5) * Math.abs(0.75 - 0.125) + (1 / 5) * 0.3, 14);
  });

  it('K classes: the top-label confidence against how often the top class is right', () => {
    const proba = { rows: 2, cols: 3, data: Float64Array.from([0.7, 0.2, 0.1, 0.1, 0.3, 0.6]) };
    const s = calibrationSummary([0, 1], proba, { bins: 10 });
    expect(s.form).toBe('top-label');
    expect(s.bins[7]!.observed).toBe(1); // 0.7, right
    expect(s.bins[6]!.observed).toBe(0); // 0.6, wrong
    expect(s.ece).toBeCloseTo(0.5 * 0.3 + 0.5 * 0.6, 14);
  });
});
