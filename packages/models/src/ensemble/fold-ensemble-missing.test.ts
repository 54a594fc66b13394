import { isDiscernError } from '@discern/core';
import { type DenseMatrix, createRng } from '@discern/linalg';
import { describe, expect, it } from 'vitest';
import { AdaBoostClassifier } from '../trees/adaboost.js';
import { HistGradientBoostingClassifier } from '../trees/bdt.js';
import { LogisticRegression } from '../logistic/logistic.js';
import { FoldEnsemble } from './fold-ensemble.js';

/** Two classes in three features, about one cell in eight missing (NaN); row 0 has a missing first feature. */
function sample(n: number, seed: number): { X: DenseMatrix; y: Int32Array } {
  const rng = createRng(seed);
  const data = new Float64Array(n * 3);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 2;
    for (let j = 0; j < 3; j++) data[i * 3 + j] = (i === 0 && j === 0) || rng.uniform() < 0.125 ? NaN : rng.normal() + (y[i] ? 1 - 0.4 * j : 0);
  }
  return { X: { rows: n, cols: 3, data }, y };
}

function codeAndMessage(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (isDiscernError(e)) return `${e.code}: ${e.message}`;
    throw e;
  }
  return 'no error';
}

describe('a fold ensemble of models that take missing values takes them too', () => {
  const train = sample(300, 1);
  const test = sample(80, 2);

  for (const [name, base] of [
    ['boosted trees', (_f: number, seed: number) => new HistGradientBoostingClassifier({ maxIter: 15, earlyStopping: false, seed })],
    ['AdaBoost', () => new AdaBoostClassifier({ nEstimators: 15 })],
  ] as const) {
    it(`${name}: fitted on rows with NaN, its probabilities on rows with NaN are the mean of its members' (summed by hand)`, () => {
      const e = new FoldEnsemble({ k: 3, seed: 4, base }).fit(train.X, train.y);
      expect(e.takesMissing).toBe(true);
      const got = e.predictProba(test.X);
      const members = e.members.map((m) => m.estimator.predictProba(test.X).data);
      for (let t = 0; t < got.data.length; t++) expect(got.data[t]).toBe((members[0]![t]! + members[1]![t]! + members[2]![t]!) / 3);
      // the rows with NaN are scored, not dropped, and each probability is a number
      expect(got.rows).toBe(80);
      expect(got.data.every((v) => v >= 0 && v <= 1)).toBe(true);
      // an ensemble made of the fitted members (as the pipeline's crossvalidate makes it) agrees
      const made = FoldEnsemble.fromMembers(e.members, { nFeatures: 3 });
      expect(Array.from(made.predictProba(test.X).data)).toEqual(Array.from(got.data));
    });
  }

  it('still refuses ±Infinity, naming row and feature as a template', () => {
    const e = new FoldEnsemble({ k: 3, seed: 4, base: (_f, seed) => new HistGradientBoostingClassifier({ maxIter: 5, earlyStopping: false, seed }) }).fit(train.X, train.y);
    const X = { ...test.X, data: Float64Array.from(test.X.data) };
    X.data[2 * 3 + 1] = -Infinity;
    expect(codeAndMessage(() => e.predictProba(X))).toBe('DATA_INVALID: FoldEnsemble input has an infinite value -Infinity at row 2, feature 1; values must be finite numbers or missing (NaN)');
  });

  it('of logistic regressions (which take no missing value): refuses NaN in fit and in predict', () => {
    expect(codeAndMessage(() => new FoldEnsemble({ k: 3, base: () => new LogisticRegression() }).fit(train.X, train.y))).toMatch(/^DATA_INVALID: FoldEnsemble input has a non-finite value NaN at row 0, feature 0/);
    const clean = { ...train.X, data: train.X.data.map((v) => (Number.isNaN(v) ? 0 : v)) };
    const e = new FoldEnsemble({ k: 3, base: () => new LogisticRegression() }).fit(clean, train.y);
    expect(e.takesMissing).toBe(false);
    expect(codeAndMessage(() => e.predictProba(test.X))).toMatch(/^DATA_INVALID: FoldEnsemble input has a non-finite value NaN at row 0, feature 0; every value must be a finite number/);
  });
});
