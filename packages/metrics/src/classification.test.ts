import { fromRows, toRows } from '@discern/linalg';
import { describe, expect, it } from 'vitest';
import { accuracy, balancedAccuracy, f1Score, matthewsCorrcoef, precision, precisionRecallF1, recall, specificity, type Average } from './classification.js';
import { confusionMatrix } from './confusion.js';
import { errorText, expectAllClose, expectClose, loadFixture } from './fixture.test-helpers.js';
import { weightOpt, type ClassificationFixture, type LabelMetrics } from './fixture-types.test-helpers.js';

const fx = loadFixture<ClassificationFixture>('classification.json');
const TOL = 1e-12; // sklearn 1.2.1 reference; only summation order differs

function checkLabelMetrics(name: string, y: number[], p: number[], w: number[] | null, K: number, ref: LabelMetrics): void {
  const wo = weightOpt(w);
  for (const nm of ['None', 'true', 'pred', 'all'] as const) {
    const cm = confusionMatrix(y, p, { ...wo, nClasses: K, ...(nm === 'None' ? {} : { normalize: nm }) });
    expectAllClose(cm.data, ref.confusion[nm].flat(), TOL, `${name} confusion ${nm}`);
  }
  expectClose(accuracy(y, p, wo), ref.accuracy, TOL, `${name} accuracy`);
  expectClose(balancedAccuracy(y, p, { ...wo, nClasses: K }), ref.balanced_accuracy, TOL, `${name} balanced accuracy`);
  expectClose(matthewsCorrcoef(y, p, { ...wo, nClasses: K }), ref.mcc, TOL, `${name} mcc`);
  for (const [key, r] of Object.entries(ref.rates)) {
    const average = (key.startsWith('binary') ? 'binary' : key) as Average;
    const opts = { ...wo, nClasses: K, average, posLabel: key === 'binary_pos0' ? 0 : 1 };
    expectClose(precision(y, p, opts), r.precision, TOL, `${name} precision ${key}`);
    expectClose(recall(y, p, opts), r.recall, TOL, `${name} recall ${key}`);
    expectClose(f1Score(y, p, opts), r.f1, TOL, `${name} f1 ${key}`);
    expectClose(specificity(y, p, opts), r.specificity, TOL, `${name} specificity ${key}`);
    const all = precisionRecallF1(y, p, opts);
    expectClose(all.f1, r.f1, TOL, `${name} f1 (combined) ${key}`);
  }
}

describe('confusion matrix and rates against sklearn 1.2.1', () => {
  for (const c of fx.binary) it(`binary: ${c.name}`, () => checkLabelMetrics(c.name, c.y_true, c.y_pred, c.weights, 2, c.labels));
  for (const c of fx.multiclass) it(`multiclass: ${c.name}`, () => checkLabelMetrics(c.name, c.y_true, c.y_pred, c.weights, c.K, c.labels));
});

describe('hand-worked values', () => {
  // y = [1,1,1,0,0,0,0], ŷ = [1,1,0,1,0,0,0]: TP 2, FN 1, FP 1, TN 3
  const y = [1, 1, 1, 0, 0, 0, 0];
  const p = [1, 1, 0, 1, 0, 0, 0];
  it('binary counts and rates', () => {
    expect(toRows(confusionMatrix(y, p))).toEqual([
      [3, 1],
      [1, 2],
    ]);
    expect(accuracy(y, p)).toBe(5 / 7);
    expect(precision(y, p)).toBe(2 / 3);
    expect(recall(y, p)).toBe(2 / 3);
    expect(specificity(y, p)).toBe(3 / 4);
    expectClose(f1Score(y, p), 2 / 3, 1e-15);
    expectClose(balancedAccuracy(y, p), (2 / 3 + 3 / 4) / 2, 1e-15);
    // MCC = (TP·TN − FP·FN)/sqrt((TP+FP)(TP+FN)(TN+FP)(TN+FN)) = (6−1)/sqrt(3·3·4·4) = 5/12
    expectClose(matthewsCorrcoef(y, p), 5 / 12, 1e-15);
  });
  it('weights turn counts into weighted sums; integer weights equal repetition', () => {
    const w = [2, 1, 1, 3, 1, 1, 1];
    const rep = (a: number[]): number[] => a.flatMap((v, i) => Array<number>(w[i]!).fill(v));
    expect(toRows(confusionMatrix(y, p, { weights: w }))).toEqual(toRows(confusionMatrix(rep(y), rep(p))));
    expectClose(matthewsCorrcoef(y, p, { weights: w }), matthewsCorrcoef(rep(y), rep(p)), 1e-14);
  });
  it('zero division gives 0 (sklearn zero_division="warn" value)', () => {
    // nothing predicted positive: precision 0/0 → 0, F1 → 0
    expect(precision([1, 0, 1], [0, 0, 0])).toBe(0);
    expect(f1Score([1, 0, 1], [0, 0, 0])).toBe(0);
    expect(matthewsCorrcoef([1, 0, 1], [0, 0, 0])).toBe(0);
  });
  it('normalised rows sum to 1 and an empty row stays 0', () => {
    const cm = confusionMatrix([0, 0, 2], [0, 2, 2], { nClasses: 3, normalize: 'true' });
    expect(toRows(cm)).toEqual([
      [0.5, 0, 0.5],
      [0, 0, 0],
      [0, 0, 1],
    ]);
    expect(fromRows(toRows(cm)).rows).toBe(3);
  });
});

describe('bad input', () => {
  const codeOf = errorText;
  it('names length mismatch, bad labels and bad weights', () => {
    expect(codeOf(() => accuracy([0, 1], [0]))).toMatch(/^INVALID_ARGUMENT: yPred has 1 entries but yTrue has 2/);
    expect(codeOf(() => confusionMatrix([0, 3], [0, 1], { nClasses: 3 }))).toMatch(/^LABEL_INVALID: yTrue\[1\] is 3; expected an integer class index in 0\.\.2/);
    expect(codeOf(() => accuracy([0, 1.5], [0, 1]))).toMatch(/^LABEL_INVALID: yTrue\[1\] is 1.5/);
    expect(codeOf(() => accuracy([0, 1], [0, 1], { weights: [1, NaN] }))).toMatch(/^DATA_INVALID: weights\[1\] is NaN/);
    expect(codeOf(() => accuracy([0, 1], [0, 1], { weights: [1, -1] }))).toMatch(/^DATA_INVALID: the weights sum to 0/);
    expect(codeOf(() => precision([0, 1, 2], [0, 1, 2]))).toMatch(/^INVALID_ARGUMENT: average 'binary' needs at most 2 classes/);
    expect(codeOf(() => accuracy([], []))).toMatch(/^DATA_INVALID: yTrue is empty/);
  });
});
