import { fromRows } from '@discern/linalg';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { errorText, expectAllClose, expectClose, loadFixture } from './fixture.test-helpers.js';
import { weightOpt, type ClassificationFixture } from './fixture-types.test-helpers.js';
import { auc, fprAtTpr, interpolateCurve, mannWhitneyAuc, rocAuc, rocAucOvr, rocCurve, tprAtFpr } from './roc.js';

const fx = loadFixture<ClassificationFixture>('classification.json');
const TOL = 1e-12;

describe('ROC against sklearn 1.2.1 roc_curve(drop_intermediate=False)', () => {
  for (const c of fx.binary) {
    it(c.name, () => {
      const curve = rocCurve(c.y_true, c.score, weightOpt(c.weights));
      expectAllClose(curve.fpr, c.roc.fpr, TOL, `${c.name} fpr`);
      expectAllClose(curve.tpr, c.roc.tpr, TOL, `${c.name} tpr`);
      // sklearn 1.2 puts max+1 at index 0, discern +Infinity (sklearn ≥ 1.3)
      expect(curve.thresholds[0]).toBe(Infinity);
      expectAllClose(curve.thresholds.subarray(1), c.roc.thresholds_from1, 0, `${c.name} thresholds`);
      expectClose(rocAuc(c.y_true, c.score, weightOpt(c.weights)), c.roc_auc, TOL, `${c.name} auc`);
      expectClose(mannWhitneyAuc(c.y_true, c.score, weightOpt(c.weights)), c.roc_auc, TOL, `${c.name} Mann–Whitney`);
      // the fixture implements the TPR-at-FPR rule independently in Python
      expectAllClose(tprAtFpr(curve, c.fprs), c.tpr_at_fpr, TOL, `${c.name} tpr@fpr`);
    });
  }
  for (const c of fx.multiclass) {
    it(`one-vs-rest macro AUC: ${c.name}`, () => {
      expectClose(rocAucOvr(c.y_true, fromRows(c.proba), weightOpt(c.weights)), c.roc_auc_ovr, TOL, c.name);
    });
  }
});

describe('hand-worked ROC', () => {
  // scores 0.9(1) 0.8(0) 0.8(1) 0.3(0): thresholds ∞, 0.9, 0.8, 0.3 → points (0,0) (0,½) (½,1) (1,1)
  const y = [1, 0, 1, 0];
  const s = [0.9, 0.8, 0.8, 0.3];
  it('ties form one point; AUC = 0.875', () => {
    const c = rocCurve(y, s);
    expect(Array.from(c.fpr)).toEqual([0, 0, 0.5, 1]);
    expect(Array.from(c.tpr)).toEqual([0, 0.5, 1, 1]);
    expect(Array.from(c.thresholds)).toEqual([Infinity, 0.9, 0.8, 0.3]);
    // area: segment (0,½)→(½,1) gives ½·¾ = 0.375, then (½,1)→(1,1) gives 0.5
    expect(rocAuc(y, s)).toBe(0.875);
    // Mann–Whitney: pairs (0.9>0.8) 1, (0.9>0.3) 1, (0.8=0.8) ½, (0.8>0.3) 1 → 3.5/4
    expect(mannWhitneyAuc(y, s)).toBe(0.875);
  });
  it('operating points: exact point takes the best TPR, otherwise linear', () => {
    const c = rocCurve(y, s);
    // fpr 0 has points (0,0) and (0,½): the highest TPR, ½
    // fpr 0.25 lies between (0,½) and (½,1): ¾; fpr 0.75 between (½,1) and (1,1): 1
    expect(Array.from(tprAtFpr(c, [0, 0.25, 0.5, 0.75, 1]))).toEqual([0.5, 0.75, 1, 1, 1]);
    // tpr 1 has points (½,1) and (1,1): the lowest FPR, ½; tpr 0.75 interpolates to 0.25
    expect(Array.from(fprAtTpr(c, [0, 0.5, 0.75, 1]))).toEqual([0, 0, 0.25, 0.5]);
  });
  it('auc of a decreasing x is positive, as sklearn.metrics.auc', () => {
    expect(auc([0, 1, 2], [0, 1, 1])).toBe(1.5);
    expect(auc([2, 1, 0], [1, 1, 0])).toBe(1.5);
    expect(() => auc([0, 2, 1], [0, 1, 1])).toThrow(/neither non-decreasing nor non-increasing/);
  });
  it('interpolateCurve rejects targets outside the curve', () => {
    expect(() => interpolateCurve(Float64Array.of(0, 1), Float64Array.of(0, 1), [1.5], 'max')).toThrow(/outside the curve's range/);
  });
});

describe('properties', () => {
  const sample = fc
    .array(fc.tuple(fc.integer({ min: 0, max: 1 }), fc.integer({ min: 0, max: 4 }), fc.integer({ min: 1, max: 5 })), { minLength: 2, maxLength: 40 })
    .filter((a) => a.some((r) => r[0] === 1) && a.some((r) => r[0] === 0));
  it('trapezoid AUC equals the Mann–Whitney statistic (ties half), weighted or not', () => {
    fc.assert(
      fc.property(sample, (rows) => {
        const y = rows.map((r) => r[0]), s = rows.map((r) => r[1]), w = rows.map((r) => r[2]);
        expectClose(rocAuc(y, s), mannWhitneyAuc(y, s), 1e-12, 'unweighted');
        expectClose(rocAuc(y, s, { weights: w }), mannWhitneyAuc(y, s, { weights: w }), 1e-12, 'weighted');
      }),
      { numRuns: 300, seed: 42 },
    );
  });
  it('the ROC curve is monotone from (0,0) to (1,1) with strictly decreasing thresholds', () => {
    fc.assert(
      fc.property(sample, (rows) => {
        const c = rocCurve(rows.map((r) => r[0]), rows.map((r) => r[1]), { weights: rows.map((r) => r[2]) });
        const m = c.fpr.length;
        expect([c.fpr[0], c.tpr[0], c.fpr[m - 1], c.tpr[m - 1]]).toEqual([0, 0, 1, 1]);
        for (let k = 1; k < m; k++) {
          expect(c.fpr[k]!).toBeGreaterThanOrEqual(c.fpr[k - 1]!);
          expect(c.tpr[k]!).toBeGreaterThanOrEqual(c.tpr[k - 1]!);
          expect(c.thresholds[k]!).toBeLessThan(c.thresholds[k - 1]!);
        }
      }),
      { numRuns: 200, seed: 7 },
    );
  });
});

describe('bad input', () => {
  const fail = errorText;
  it('one class, NaN score, non-binary labels, bad weights', () => {
    expect(fail(() => rocAuc([1, 1, 1], [0.1, 0.2, 0.3]))).toMatch(/^LABEL_INVALID: ROC AUC needs both classes in yTrue, but only the positive class is present/);
    expect(fail(() => rocCurve([0, 1, 0], [0.1, NaN, 0.3]))).toMatch(/^DATA_INVALID: score\[1\] is NaN; every score must be a finite number/);
    expect(fail(() => rocCurve([0, 2, 1], [0.1, 0.2, 0.3]))).toMatch(/^LABEL_INVALID: yTrue\[1\] is 2; expected an integer class index in 0\.\.1/);
    expect(fail(() => rocCurve([0, 1, 0], [0.1, 0.2]))).toMatch(/^INVALID_ARGUMENT: score has 2 entries but yTrue has 3/);
    expect(fail(() => rocCurve([0, 1, 0], [0.1, 0.2, 0.3], { weights: [1, -2, 1] }))).toMatch(/^DATA_INVALID: ROC: the total weight of the positive class is -2/);
    expect(fail(() => rocAucOvr([0, 1, 1], fromRows([[0.5, 0.3, 0.2], [0.2, 0.5, 0.3], [0.1, 0.1, 0.8]])))).toMatch(/^LABEL_INVALID: one-vs-rest AUC: class 2 has no sample/);
    expect(fail(() => tprAtFpr(rocCurve([0, 1], [0, 1]), [1.2]))).toMatch(/^INVALID_ARGUMENT: fprs\[0\] is 1.2/);
    // explicit posLabel allows one-vs-rest on K-class labels
    expect(rocAuc([0, 2, 1], [0.1, 0.9, 0.3], { posLabel: 2 })).toBe(1);
  });
});
