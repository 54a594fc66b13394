/**
 * Messages in the user's terms: every message that names a row, a feature or an option is a template over the
 * Naming, with `row`, `feature` or `option` in its context, so that the pipeline can say "iris.csv line 40",
 * "column petal_width", "steps[1].fit.reg_param". Each probe below gives its default wording and the renamed one.
 */
import { type Naming } from '@discern/core';
import { type DenseMatrix, fromRows } from '@discern/linalg';
import { describe, expect, it } from 'vitest';
import { GaussianNB, GenerativeClassifier, LDA, MultinomialNB, QDA } from './bayes/index.js';
import { LogisticRegression } from './logistic/index.js';
import { GaussianMixture, LatentClassModel } from './mixture/index.js';
import { MLPClassifier } from './mlp/index.js';
import { errorOf } from './errors.test-helpers.js';

/** The pipeline's renaming, in miniature: data rows are file lines (header, then 1-based), features are columns. */
const USER: Partial<Naming> = {
  row: (i) => `iris.csv line ${i + 2}`,
  feature: (j) => `column ${['sepal_length', 'sepal_width', 'petal_length', 'petal_width'][j] ?? j}`,
  option: (o) => `steps[1].fit.${o.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`,
};

/** 12 rows of 4 features in 2 classes; `column` overrides one feature by a function of the row. */
function data(column?: { j: number; value: (i: number, cls: number) => number }): { X: DenseMatrix; y: Int32Array } {
  const rows: number[][] = [];
  for (let i = 0; i < 12; i++) {
    const c = i % 2;
    const r = [Math.sin(i) + c, Math.cos(3 * i) - c, Math.sin(7 * i + 1) * 2, Math.cos(5 * i + 2) + 0.5 * c];
    if (column) r[column.j] = column.value(i, c);
    rows.push(r);
  }
  return { X: fromRows(rows), y: Int32Array.from(rows, (_, i) => i % 2) };
}

describe('messages name rows, features and options through the Naming', () => {
  it('an event weight that is not finite names its row', () => {
    const { X } = data();
    const w = new Float64Array(12).fill(1);
    w[3] = NaN;
    const e = errorOf(() => new GaussianMixture({ nComponents: 2 }).fit(X, { weights: w }));
    expect(e.message).toBe('GaussianMixture: the event weight of row 3 is NaN; weights must be finite');
    expect(e.context).toMatchObject({ row: 3 });
    expect(e.renamed(USER).message).toBe('GaussianMixture: the event weight of iris.csv line 5 is NaN; weights must be finite');
  });

  it('weights that overflow when added are said to, not "must be positive"', () => {
    const { X, y } = data();
    const w = new Float64Array(12).fill(1e308);
    for (const fit of [() => new GaussianMixture({ nComponents: 2 }).fit(X, { weights: w }), () => new GaussianNB().fit(X, y, { weights: w }), () => new LogisticRegression().fit(X, y, { weights: w })]) {
      const e = errorOf(fit);
      expect(e.code).toBe('DATA_INVALID');
      expect(e.message).toMatch(/sum to Infinity: every weight is finite, but they are too large to add up in double precision \(the largest is 1\.000e\+308; sums stop at ±1\.8e308\); divide the weights by a common factor/);
    }
  });

  it('QDA says which feature is constant in which class, and the option that shrinks it', () => {
    // petal_width (feature 3) is 0.2 in every row of class 1
    const { X, y } = data({ j: 3, value: (i, c) => (c === 1 ? 0.2 : Math.cos(i)) });
    const e = errorOf(() => new QDA().fit(X, y));
    expect(e.code).toBe('SINGULAR_COVARIANCE');
    expect(e.message).toBe('QDA: the covariance of class 1 is singular (rank 3 of 4 at tol 0.0001): feature 3 is constant in class 1; set regParam (e.g. 0.01) to shrink it toward the identity, or remove feature 3');
    expect(e.context).toMatchObject({ class: 1, feature: 3, option: 'regParam' });
    expect(e.renamed(USER).message).toBe(
      'QDA: the covariance of class 1 is singular (rank 3 of 4 at tol 0.0001): column petal_width is constant in class 1; set steps[1].fit.reg_param (e.g. 0.01) to shrink it toward the identity, or remove column petal_width',
    );
  });

  it('QDA names two features that are perfectly correlated, and says so when a class has too few rows', () => {
    const { X, y } = data({ j: 2, value: (i, c) => 3 * (Math.sin(i) + c) - 1 });
    expect(errorOf(() => new QDA().fit(X, y)).message).toMatch(/: feature 0 and feature 2 are perfectly correlated in class \d \(one is a multiple of the other\); set regParam/);
    const few = fromRows([
      [0, 1, 2],
      [1, 0, 1],
      [2, 2, 0],
      [1, 1, 1],
      [0, 2, 1],
    ]);
    expect(errorOf(() => new QDA().fit(few, Int32Array.of(0, 1, 0, 1, 0))).message).toMatch(/^QDA: the covariance of class 0 is singular \(rank 2 of 3 at tol 0\.0001\): there are 3 rows in class 0 for 3 features \(a covariance needs more rows than features\); set regParam \(e\.g\. 0\.01\) to shrink it toward the identity$/);
  });

  it('LDA says which feature is constant within every class', () => {
    const { X, y } = data({ j: 1, value: (_i, c) => 5 + c });
    const e = errorOf(() => new LDA().fit(X, y));
    expect(e.renamed(USER).message).toMatch(/: column sepal_width is constant within every class; set steps\[1\]\.fit\.shrinkage \(e\.g\. 0\.1 or 'auto'\), or remove column sepal_width$/);
  });

  it('MLP early stopping without validation rows names both options', () => {
    const X = fromRows([[0], [1], [2], [3]]);
    const e = errorOf(() => new MLPClassifier({ earlyStopping: true, validationFraction: 0.1 }).fit(X, Int32Array.of(0, 1, 0, 1)));
    expect(e.code).toBe('TOO_FEW_SAMPLES');
    expect(e.renamed(USER).message).toBe(
      'MLPClassifier: steps[1].fit.early_stopping with steps[1].fit.validation_fraction 0.1 leaves no validation rows out of 4; use more data, a larger steps[1].fit.validation_fraction, or turn steps[1].fit.early_stopping off',
    );
  });

  it('options of every family: class weights, component counts, an init option path, priors', () => {
    const { X, y } = data();
    expect(errorOf(() => new LogisticRegression({ classWeight: [1, 2, 3] }).fit(X, y)).renamed(USER).message).toMatch(/^LogisticRegression: steps\[1\]\.fit\.class_weight has 3 values but the labels have 2 classes/);
    const k = errorOf(() => new GaussianMixture({ nComponents: 0 }));
    expect([k.message, k.context.option]).toEqual(['GaussianMixture: nComponents must be an integer ≥ 1, got 0', 'nComponents']);
    const init = errorOf(() => new LatentClassModel({ nComponents: 2, init: { weights: [0.5, 0.4], probabilities: [[[0.5, 0.5]], [[0.5, 0.5]]] } }).fit(fromRows([[0], [1]])));
    expect(init.renamed(USER).message).toBe('LatentClassModel: steps[1].fit.init.weights sums to 0.9; probabilities must sum to 1');
    expect(errorOf(() => new GaussianNB({ priors: [0.5, 0.6] }).fit(X, y)).renamed(USER).message).toBe('GaussianNB: steps[1].fit.priors sum to 1.1; they must sum to 1');
  });

  it('data values name their row and feature (negative counts, non-finite input)', () => {
    const e = errorOf(() => new MultinomialNB().fit(fromRows([[1, 2], [3, -1]]), Int32Array.of(0, 1)));
    expect(e.context).toMatchObject({ row: 1, feature: 1 });
    expect(e.renamed(USER).message).toBe('MultinomialNB: the value -1 at iris.csv line 3, column sepal_width is negative; features must be non-negative counts');
    const f = errorOf(() => new QDA().fit(fromRows([[1, 2], [3, Infinity], [0, 1], [2, 2]]), Int32Array.of(0, 1, 0, 1)));
    expect(f.renamed(USER).message).toBe('QDA input has a non-finite value Infinity at iris.csv line 3, column sepal_width; every value must be a finite number');
  });

  it("a class density's error names the row of X, not the row of the class's subset, and its options inside density", () => {
    const { X, y } = data();
    const w = new Float64Array(12).fill(1);
    w[7] = -1; // class 1, the 4th row of that class
    const e = errorOf(() => new GenerativeClassifier({ density: { kind: 'gaussian' } }).fit(X, y, { weights: w }));
    expect(e.message).toBe('GenerativeClassifier: fitting the density of class 1 (6 rows) failed: GaussianDensity: the event weight of row 7 is negative (-1); this estimator accepts only non-negative weights');
    expect(e.context).toMatchObject({ row: 7, class: 1 });
    expect(e.renamed(USER).message).toMatch(/the event weight of iris\.csv line 9 is negative/);
    const o = errorOf(() => new GenerativeClassifier({ density: { kind: 'gmm', nComponents: 0 } }));
    expect(o.message).toBe('GenerativeClassifier: density.nComponents is refused: GaussianMixture: nComponents must be an integer ≥ 1, got 0');
    expect(o.renamed(USER).message).toBe('GenerativeClassifier: steps[1].fit.density.nComponents is refused: GaussianMixture: steps[1].fit.n_components must be an integer ≥ 1, got 0');
  });
});
