import { createRng, fromRows } from '@discern/linalg';
import { describe, expect, it } from 'vitest';
import { errorText } from './fixture.test-helpers.js';
import { pairedBootstrap } from './paired.js';
import { auc, mannWhitneyAuc, rocAuc, rocAucOvr, rocCurve } from './roc.js';
import { summarizeClassification } from './summary.js';

/**
 * Negative event weights: the ROC may turn back, and its signed trapezoid area must equal the weighted
 * Mann–Whitney statistic Σ_{i∈S, j∈B} w_i w_j ([s_i > s_j] + ½[s_i = s_j]) / (W_S W_B).
 */

// Signal: (0.9, w 1), (0.4, w −0.5), (0.6, w 1); background: (0.7, w 1), (0.2, w 1), (0.6, w −0.5).
// W_S = W_B = 1.5. Pairs, signal by signal:
//   0.9 (w 1):    > 0.7 → 1·1, > 0.2 → 1·1, > 0.6 → 1·(−0.5)             = 1.5
//   0.4 (w −0.5): < 0.7 → 0,   > 0.2 → (−0.5)·1, < 0.6 → 0              = −0.5
//   0.6 (w 1):    < 0.7 → 0,   > 0.2 → 1·1, = 0.6 → ½·1·(−0.5)          = 0.75
// Sum 1.75; AUC = 1.75 / (1.5 · 1.5) = 7/9.
// The sweep: (fp, tp) = (0, 0), (0, 1) at 0.9, (1, 1) at 0.7, (0.5, 2) at 0.6 (fp goes back), (0.5, 1.5) at 0.4,
// (1.5, 1.5) at 0.2; the trapezoids 0 + 4/9 − 1/3 + 0 + 2/3 = 7/9.
const y = [1, 1, 1, 0, 0, 0];
const s = [0.9, 0.4, 0.6, 0.7, 0.2, 0.6];
const w = [1, -0.5, 1, 1, 1, -0.5];

/** The double sum itself, O(n²), written independently of the code under test. */
function doubleSum(yt: number[], sc: number[], wt: number[]): number {
  let num = 0, ws = 0, wb = 0;
  for (let i = 0; i < yt.length; i++) {
    if (yt[i] === 1) ws += wt[i]!;
    else wb += wt[i]!;
  }
  for (let i = 0; i < yt.length; i++) {
    if (yt[i] !== 1) continue;
    for (let j = 0; j < yt.length; j++) {
      if (yt[j] !== 0) continue;
      const k = sc[i]! > sc[j]! ? 1 : sc[i] === sc[j] ? 0.5 : 0;
      num += wt[i]! * wt[j]! * k;
    }
  }
  return num / (ws * wb);
}

describe('ROC AUC with negative event weights', () => {
  it('equals the hand-worked weighted Mann–Whitney statistic 7/9 on a curve that turns back', () => {
    const curve = rocCurve(y, s, { weights: w });
    // fpr goes 0, 0, 2/3, then back to 1/3
    expect(Array.from(curve.fpr)).toEqual([0, 0, 1 / 1.5, 0.5 / 1.5, 0.5 / 1.5, 1]);
    expect(rocAuc(y, s, { weights: w })).toBeCloseTo(7 / 9, 14);
    expect(mannWhitneyAuc(y, s, { weights: w })).toBeCloseTo(7 / 9, 14);
    // the evaluation's summary and the paired bootstrap's point values walk the same curve
    const proba = fromRows(s.map((p) => [1 - p, p]));
    const sum = summarizeClassification({ yTrue: y, proba, classNames: ['b', 's'], weights: w });
    expect(sum.auc).toBeCloseTo(7 / 9, 14);
    expect(rocAucOvr(y, proba, { weights: w })).toBeCloseTo(7 / 9, 14);
    const boot = pairedBootstrap(y, [s, s], { weights: w, nBoot: 2, seed: 1 });
    expect(boot.auc[0]).toBeCloseTo(7 / 9, 14);
  });

  it('equals the double sum on random data with 25 % negative weights and ties (seed 11), to 1e-12', () => {
    const rng = createRng(11);
    for (let rep = 0; rep < 5; rep++) {
      const n = 300;
      const yt: number[] = [], sc: number[] = [], wt: number[] = [];
      for (let i = 0; i < n; i++) {
        const cls = rng.uniform() < 0.5 ? 1 : 0;
        yt.push(cls);
        // rounded scores, so that there are ties within and across classes
        sc.push(Math.round((0.7 * rng.uniform() + 0.3 * cls) * 40) / 40);
        wt.push(rng.uniform() < 0.25 ? -0.5 : 0.5 + rng.uniform());
      }
      const ref = doubleSum(yt, sc, wt);
      expect(Math.abs(rocAuc(yt, sc, { weights: wt }) - ref)).toBeLessThan(1e-12);
      const proba = fromRows(sc.map((p) => [1 - p, p]));
      expect(Math.abs(summarizeClassification({ yTrue: yt, proba, classNames: ['b', 's'], weights: wt }).auc! - ref)).toBeLessThan(1e-12);
      expect(Math.abs(pairedBootstrap(yt, [sc, sc], { weights: wt, nBoot: 2 }).auc[0]! - ref)).toBeLessThan(1e-12);
    }
  });

  it('refuses a class whose total weight is not positive, saying so', () => {
    // background total 1 − 1 = 0
    const text = errorText(() => rocAuc([1, 1, 0, 0], [0.9, 0.2, 0.5, 0.4], { weights: [1, 1, 1, -1] }));
    expect(text).toMatch(/DATA_INVALID/);
    expect(text).toMatch(/total weight of the negative class is 0; it must be positive/);
  });

  it('keeps the monotonicity check of auc() on a plain polyline', () => {
    expect(() => auc([0, 0.5, 0.3, 1], [0, 0.5, 0.6, 1])).toThrow(/neither non-decreasing nor non-increasing/);
  });
});
