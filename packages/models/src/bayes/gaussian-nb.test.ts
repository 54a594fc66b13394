import { fromRows, takeRows, toRows } from '@discern/linalg';
import { describe, expect, it } from 'vitest';
import { auc, expectDiscernError, fixture, loadIris, loadMagicSplit, maxAbsDiff, viaString } from './bayes.test-helpers.js';
import { GaussianNB } from './gaussian-nb.js';

const F = fixture('gaussian_nb.json') as Record<string, Record<string, unknown>>;
const iris = loadIris();

describe('GaussianNB vs scikit-learn 1.2.1', () => {
  it('iris: parameters and predict_proba to 1e-10', () => {
    const f = F.iris!;
    const m = new GaussianNB().fit(iris.X, iris.y);
    expect(maxAbsDiff(m.means, f.theta as number[][])).toBeLessThan(1e-12);
    expect(maxAbsDiff(m.variances, f.var as number[][])).toBeLessThan(1e-12);
    expect(Math.abs(m.epsilon - (f.epsilon as number))).toBeLessThan(1e-20);
    expect(Array.from(m.priors)).toEqual(f.prior);
    expect(maxAbsDiff(m.predictProba(iris.X), f.proba as number[][])).toBeLessThan(1e-10);
  });

  it('iris with given priors and var_smoothing 1e-2', () => {
    const f = F.iris_priors!;
    const m = new GaussianNB({ priors: f.priors as number[], varSmoothing: f.varSmoothing as number }).fit(iris.X, iris.y);
    expect(maxAbsDiff(m.predictProba(iris.X), f.proba as number[][])).toBeLessThan(1e-10);
  });

  it('iris with sample weights (sklearn sample_weight)', () => {
    const f = F.iris_weighted!;
    const m = new GaussianNB().fit(iris.X, iris.y, { weights: Float64Array.from(f.weights as number[]) });
    expect(maxAbsDiff(m.means, f.theta as number[][])).toBeLessThan(1e-12);
    expect(maxAbsDiff(m.variances, f.var as number[][])).toBeLessThan(1e-12);
    expect(maxAbsDiff(m.predictProba(iris.X), f.proba as number[][])).toBeLessThan(1e-10);
  });

  it('MAGIC standardised, stratified 70/30: predict_proba to 1e-10 and test AUC within 0.002 of sklearn', () => {
    const { train, test, sub } = loadMagicSplit();
    const f = F.magic!;
    const m = new GaussianNB().fit(train.X, train.y);
    const P = m.predictProba(test.X);
    expect(maxAbsDiff(P, f.probaSub as number[][], sub)).toBeLessThan(1e-10);
    const score = Float64Array.from({ length: P.rows }, (_, i) => P.data[2 * i + 1]!);
    const a = auc(score, test.y);
    expect(Math.abs(a - (f.auc as number))).toBeLessThan(0.002);
    // with the same split the agreement is in fact to rounding
    expect(Math.abs(a - (f.auc as number))).toBeLessThan(1e-9);
  });
});

describe('GaussianNB behaviour', () => {
  it('log posteriors are normalised in log space: no underflow far from the data', () => {
    const m = new GaussianNB().fit(iris.X, iris.y);
    const far = fromRows([[1e3, -1e3, 1e3, 1e3]]);
    const L = m.predictLogProba(far);
    expect(L.data.every(Number.isFinite)).toBe(true);
    const P = m.predictProba(far);
    expect(P.data[0]! + P.data[1]! + P.data[2]!).toBeCloseTo(1, 14);
    expect(Array.from(m.predict(far))).toEqual([Array.from(P.data).indexOf(Math.max(...P.data))]);
  });

  it('integer weights equal repeated rows; weights scaled by a constant change nothing', () => {
    const w = Float64Array.from(iris.y, (_, i) => 1 + (i % 3));
    const rep: number[] = [];
    w.forEach((c, i) => {
      for (let t = 0; t < c; t++) rep.push(i);
    });
    const a = new GaussianNB().fit(iris.X, iris.y, { weights: w });
    const b = new GaussianNB().fit(takeRows(iris.X, rep), Int32Array.from(rep, (i) => iris.y[i]!));
    // ε depends on the unweighted variance of the rows given (as sklearn), so compare with varSmoothing 0
    const a0 = new GaussianNB({ varSmoothing: 0 }).fit(iris.X, iris.y, { weights: w });
    const b0 = new GaussianNB({ varSmoothing: 0 }).fit(takeRows(iris.X, rep), Int32Array.from(rep, (i) => iris.y[i]!));
    expect(maxAbsDiff(a0.predictProba(iris.X), toRows(b0.predictProba(iris.X)))).toBeLessThan(1e-12);
    expect(maxAbsDiff(a.means, toRows(b.means))).toBeLessThan(1e-12);
    const c = new GaussianNB().fit(iris.X, iris.y, { weights: w.map((v) => v * 1e-3) });
    expect(maxAbsDiff(c.predictProba(iris.X), toRows(a.predictProba(iris.X)))).toBeLessThan(1e-12);
  });

  it('toJSON/fromJSON is an exact round trip', () => {
    const m = new GaussianNB({ priors: [0.2, 0.3, 0.5] }).fit(iris.X, iris.y);
    const back = GaussianNB.fromJSON(viaString(m.toJSON()));
    expect(Array.from(back.predictLogProba(iris.X).data)).toEqual(Array.from(m.predictLogProba(iris.X).data));
    expect(back.toJSON()).toEqual(m.toJSON());
    expect(back.givenPriors).toEqual([0.2, 0.3, 0.5]);
  });

  it('fromJSON rejects a wrong kind and wrong shapes, naming the field', () => {
    const j = new GaussianNB().fit(iris.X, iris.y).toJSON();
    expectDiscernError(() => GaussianNB.fromJSON({ ...j, kind: 'qda' }), 'MODEL_INVALID', /^estimator\.kind is "qda"; expected "gaussian-nb"$/);
    expectDiscernError(() => GaussianNB.fromJSON({ ...j, means: (j.means as number[][]).slice(1) }), 'MODEL_INVALID', /^estimator\.means is an array of 2 values; expected a 3 × 4 nested array/);
    expectDiscernError(() => GaussianNB.fromJSON({ ...j, variances: [[1, 2, 3, 0], [1, 1, 1, 1], [1, 1, 1, 1]] }), 'MODEL_INVALID', /^estimator\.variances\[0\]\[3\] is 0; expected a positive variance$/);
    expectDiscernError(() => GaussianNB.fromJSON(null), 'MODEL_INVALID', /^estimator is null; expected an object$/);
  });

  it('rejects bad options, bad priors and bad input with codes', () => {
    expectDiscernError(() => new GaussianNB({ varSmoothing: -1 }), 'INVALID_ARGUMENT', /varSmoothing/);
    expectDiscernError(() => new GaussianNB({ priors: [0.5, 0.6, -0.1] }).fit(iris.X, iris.y), 'INVALID_ARGUMENT', /priors\[2\] \(class 2\) is -0.1/);
    expectDiscernError(() => new GaussianNB({ priors: [0.5, 0.4, 0.2] }).fit(iris.X, iris.y), 'INVALID_ARGUMENT', /sum to 1/);
    expectDiscernError(() => new GaussianNB({ priors: [0.5, 0.5] }).fit(iris.X, iris.y), 'INVALID_ARGUMENT', /priors has 2 values for 3 classes/);
    expectDiscernError(() => new GaussianNB().predict(iris.X), 'MODEL_NOT_FITTED');
    const bad = fromRows([[0, 1], [Number.NaN, 2], [1, 1]]);
    expectDiscernError(() => new GaussianNB().fit(bad, Int32Array.of(0, 1, 1)), 'DATA_INVALID', /row 1, feature 0/);
    expectDiscernError(() => new GaussianNB().fit(iris.X, iris.y.subarray(1)), 'INVALID_ARGUMENT');
    expectDiscernError(() => new GaussianNB().fit(iris.X, new Int32Array(150)), 'LABEL_INVALID');
    // class 1 absent: no estimate for it
    expectDiscernError(() => new GaussianNB().fit(fromRows([[0], [1], [2]]), Int32Array.of(0, 2, 2)), 'LABEL_INVALID', /class 1/);
    const m = new GaussianNB().fit(iris.X, iris.y);
    expectDiscernError(() => m.predictProba(fromRows([[1, 2, 3]])), 'DATA_INVALID', /4 features but got 3/);
    expectDiscernError(() => new GaussianNB().fit(iris.X, iris.y, { weights: new Float64Array(150).fill(-1) }), 'DATA_INVALID', /negative/);
  });
});
