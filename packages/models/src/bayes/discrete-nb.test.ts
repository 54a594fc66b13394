import { fromRows, takeRows, toRows } from '@discern/linalg';
import { describe, expect, it } from 'vitest';
import { expectDiscernError, fixture, loadDigits, loadVotes, maxAbsDiff, viaString } from './bayes.test-helpers.js';
import { CategoricalNB } from './categorical-nb.js';
import { MultinomialNB } from './multinomial-nb.js';

const MF = fixture('multinomial_nb.json') as Record<string, Record<string, unknown>>;
const CF = fixture('categorical_nb.json') as Record<string, Record<string, unknown>>;
const digits = loadDigits();
const votes = loadVotes();

describe('MultinomialNB vs scikit-learn 1.2.1 on digit pixel counts', () => {
  it('alpha 1: feature log-probabilities, class log-priors and predict_proba to 1e-10', () => {
    const f = MF.digits!;
    const m = new MultinomialNB().fit(digits.X, digits.y);
    expect(maxAbsDiff(m.featureLogProb, f.featureLogProb as number[][])).toBeLessThan(1e-12);
    const lp = Array.from(m.priors, Math.log);
    (f.classLogPrior as number[]).forEach((v, k) => expect(Math.abs(lp[k]! - v)).toBeLessThan(1e-14));
    const rows = f.rows as number[];
    expect(maxAbsDiff(m.predictProba(takeRows(digits.X, rows)), f.proba as number[][])).toBeLessThan(1e-10);
  });

  it('alpha 0.5 with sample weights', () => {
    const f = MF.digits_weighted!;
    const m = new MultinomialNB({ alpha: 0.5 }).fit(digits.X, digits.y, { weights: Float64Array.from(f.weights as number[]) });
    expect(maxAbsDiff(m.featureLogProb, f.featureLogProb as number[][])).toBeLessThan(1e-12);
    expect(maxAbsDiff(m.predictProba(takeRows(digits.X, f.rows as number[])), f.proba as number[][])).toBeLessThan(1e-10);
  });

  it('round trip, and negative counts or alpha ≤ 0 are refused', () => {
    const m = new MultinomialNB({ priors: Array.from({ length: 10 }, () => 0.1) }).fit(digits.X, digits.y);
    const back = MultinomialNB.fromJSON(viaString(m.toJSON()));
    expect(Array.from(back.predictLogProba(digits.X).data)).toEqual(Array.from(m.predictLogProba(digits.X).data));
    expect(back.toJSON()).toEqual(m.toJSON());
    expectDiscernError(() => new MultinomialNB({ alpha: 0 }), 'INVALID_ARGUMENT', /alpha/);
    const neg = fromRows([[1, 2], [0, -1], [3, 0]]);
    expectDiscernError(() => new MultinomialNB().fit(neg, Int32Array.of(0, 1, 1)), 'DATA_INVALID', /row 1, feature 1 is negative/);
    expectDiscernError(() => m.predict(fromRows([Array.from({ length: 64 }, (_, j) => (j === 5 ? -2 : 0))])), 'DATA_INVALID', /negative/);
    expectDiscernError(() => MultinomialNB.fromJSON({ ...m.toJSON(), featureLogProb: [[0]] }), 'MODEL_INVALID', /^estimator\.featureLogProb is an array of 1 value; expected a 10 × 64 nested array/);
  });
});

describe('CategoricalNB', () => {
  const complete = CF.complete!.rows as number[];

  it('vs sklearn on the votes without "?": tables and predict_proba to 1e-10', () => {
    const f = CF.complete!;
    const X = takeRows(votes.X, complete);
    const y = Int32Array.from(complete, (i) => votes.y[i]!);
    const m = new CategoricalNB().fit(X, y);
    (f.featureLogProb as number[][][]).forEach((t, j) => expect(maxAbsDiff(m.featureLogProb[j]!, t)).toBeLessThan(1e-12));
    expect(maxAbsDiff(m.predictProba(X), f.proba as number[][])).toBeLessThan(1e-10);
  });

  it('vs sklearn with alpha 0.3 and min_categories 3', () => {
    const f = CF.complete_alpha_min!;
    const X = takeRows(votes.X, complete);
    const y = Int32Array.from(complete, (i) => votes.y[i]!);
    const m = new CategoricalNB({ alpha: 0.3, minCategories: 3 }).fit(X, y);
    expect(m.nCategories).toEqual(Array.from({ length: 16 }, () => 3));
    expect(maxAbsDiff(m.predictProba(X), f.proba as number[][])).toBeLessThan(1e-10);
  });

  it('skips missing values per feature: hand-computed 4-row example', () => {
    // feature 0: class 0 sees {0, 1} → (2/4, 2/4); class 1 sees {0} → (2/3, 1/3)
    // feature 1: class 0 sees {1} → (1/3, 2/3); class 1 sees {0, 1} → (2/4, 2/4); priors 1/2, 1/2
    const X = fromRows([[0, 1], [1, Number.NaN], [0, 0], [Number.NaN, 1]]);
    const m = new CategoricalNB().fit(X, Int32Array.of(0, 0, 1, 1));
    expect(maxAbsDiff(m.featureLogProb[0]!, [[Math.log(1 / 2), Math.log(1 / 2)], [Math.log(2 / 3), Math.log(1 / 3)]])).toBeLessThan(1e-15);
    expect(maxAbsDiff(m.featureLogProb[1]!, [[Math.log(1 / 3), Math.log(2 / 3)], [Math.log(1 / 2), Math.log(1 / 2)]])).toBeLessThan(1e-15);
    const P = m.predictProba(fromRows([[0, Number.NaN], [Number.NaN, Number.NaN], [1, 1]]));
    // [0, ?]: 1/2·1/2 vs 1/2·2/3 → 3/7, 4/7; [?, ?]: the priors; [1, 1]: 1/2·1/2·2/3 vs 1/2·1/3·1/2 → 2/3, 1/3
    expect(maxAbsDiff(P, [[3 / 7, 4 / 7], [1 / 2, 1 / 2], [2 / 3, 1 / 3]])).toBeLessThan(1e-15);
    expect(m.fitReport?.details?.missingPerFeature).toEqual([1, 1]);
  });

  it('all 435 votes with "?" as missing: equals an independent numpy implementation of the rule to 1e-10', () => {
    const m = new CategoricalNB().fit(votes.X, votes.y);
    expect(maxAbsDiff(m.predictProba(votes.X), CF.missing!.proba as number[][])).toBeLessThan(1e-10);
    // a sanity figure: the votes separate the parties well
    const pred = m.predict(votes.X);
    const acc = pred.reduce((a, p, i) => a + (p === votes.y[i] ? 1 : 0), 0) / pred.length;
    expect(acc).toBeGreaterThan(0.88);
  });

  it('weights: integer weights equal repeated rows', () => {
    const w = Float64Array.from(votes.y, (_, i) => 1 + (i % 4));
    const rep: number[] = [];
    w.forEach((c, i) => {
      for (let t = 0; t < c; t++) rep.push(i);
    });
    const a = new CategoricalNB().fit(votes.X, votes.y, { weights: w });
    const b = new CategoricalNB().fit(takeRows(votes.X, rep), Int32Array.from(rep, (i) => votes.y[i]!));
    expect(maxAbsDiff(a.predictProba(votes.X), toRows(b.predictProba(votes.X)))).toBeLessThan(1e-12);
  });

  it('round trip is exact, per-feature minCategories included', () => {
    const m = new CategoricalNB({ minCategories: Array.from({ length: 16 }, (_, j) => (j === 3 ? 4 : 0)) }).fit(votes.X, votes.y);
    expect(m.nCategories[3]).toBe(4);
    const back = CategoricalNB.fromJSON(viaString(m.toJSON()));
    expect(Array.from(back.predictLogProba(votes.X).data)).toEqual(Array.from(m.predictLogProba(votes.X).data));
    expect(back.toJSON()).toEqual(m.toJSON());
  });

  it('refuses non-codes, unseen categories and infinities, naming row and feature', () => {
    const y = Int32Array.of(0, 1, 1);
    expectDiscernError(() => new CategoricalNB().fit(fromRows([[0], [1.5], [1]]), y), 'DATA_INVALID', /1\.5 at row 1, feature 0/);
    expectDiscernError(() => new CategoricalNB().fit(fromRows([[0], [-1], [1]]), y), 'DATA_INVALID', /category code/);
    expectDiscernError(() => new CategoricalNB().fit(fromRows([[0], [Infinity], [1]]), y), 'DATA_INVALID');
    const m = new CategoricalNB().fit(fromRows([[0], [1], [1]]), y);
    expectDiscernError(() => m.predict(fromRows([[2]])), 'DATA_INVALID', /minCategories ≥ 3/);
    expectDiscernError(() => new CategoricalNB({ minCategories: [2, 2] }).fit(fromRows([[0], [1], [1]]), y), 'INVALID_ARGUMENT', /2 entries for 1 features/);
    expectDiscernError(() => new CategoricalNB({ minCategories: -1 }), 'INVALID_ARGUMENT');
  });
});
