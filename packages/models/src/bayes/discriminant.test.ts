import { type DenseMatrix, fromRows, takeRows, toRows } from '@discern/linalg';
import { describe, expect, it } from 'vitest';
import { auc, expectDiscernError, fixture, loadIris, loadMagicSplit, maxAbsDiff, maxAbsDiffFlat, viaString } from './bayes.test-helpers.js';
import { LDA } from './lda.js';
import { QDA } from './qda.js';

const F = fixture('discriminant.json') as Record<string, Record<string, unknown>>;
const iris = loadIris();
const magic = loadMagicSplit();

const col1 = (P: DenseMatrix): Float64Array => Float64Array.from({ length: P.rows }, (_, i) => P.data[i * P.cols + 1]!);

describe('QDA vs scikit-learn 1.2.1', () => {
  for (const r of ['0.0', '0.1']) {
    it(`iris, reg_param ${r}: means, covariances (ddof 1), priors and predict_proba to 1e-8`, () => {
      const f = F[`qda_iris_r${r}`]!;
      const m = new QDA({ regParam: Number(r) }).fit(iris.X, iris.y);
      expect(maxAbsDiff(m.means, f.means as number[][])).toBeLessThan(1e-12);
      (f.covariances as number[][][]).forEach((c, k) => expect(maxAbsDiffFlat(m.covariances[k]!, c.flat())).toBeLessThan(1e-12));
      expect(maxAbsDiffFlat(m.priors, f.priors as number[])).toBeLessThan(1e-15);
      expect(maxAbsDiff(m.predictProba(iris.X), f.proba as number[][])).toBeLessThan(1e-8);
    });
  }

  it('iris with given priors', () => {
    const f = F.qda_iris_priors!;
    const m = new QDA({ priors: f.priors as number[] }).fit(iris.X, iris.y);
    expect(maxAbsDiff(m.predictProba(iris.X), f.proba as number[][])).toBeLessThan(1e-8);
  });

  it('MAGIC standardised, stratified 70/30: predict_proba to 1e-8, test AUC within 0.002 of sklearn', () => {
    const f = F.qda_magic!;
    const m = new QDA().fit(magic.train.X, magic.train.y);
    const P = m.predictProba(magic.test.X);
    expect(maxAbsDiff(P, f.probaSub as number[][], magic.sub)).toBeLessThan(1e-8);
    const a = auc(col1(P), magic.test.y);
    expect(Math.abs(a - (f.auc as number))).toBeLessThan(0.002);
    expect(Math.abs(a - (f.auc as number))).toBeLessThan(1e-9);
  });
});

describe('LDA vs scikit-learn 1.2.1 (solver lsqr)', () => {
  for (const s of ['None', '0.3', 'auto']) {
    it(`iris, shrinkage ${s}: pooled covariance and predict_proba to 1e-8`, () => {
      const f = F[`lda_iris_s${s}`]!;
      const m = new LDA({ shrinkage: s === 'None' ? 0 : s === 'auto' ? 'auto' : Number(s) }).fit(iris.X, iris.y);
      expect(maxAbsDiff(m.means, f.means as number[][])).toBeLessThan(1e-12);
      expect(maxAbsDiffFlat(m.covariance, (f.covariance as number[][]).flat())).toBeLessThan(1e-12);
      expect(m.covariances.map((c) => c === m.covariance)).toEqual([true, true, true]);
      expect(maxAbsDiff(m.predictProba(iris.X), f.proba as number[][])).toBeLessThan(1e-8);
    });
  }

  it('iris with given priors: the pooled covariance weights classes by the given priors, as sklearn', () => {
    const f = F.lda_iris_priors!;
    const m = new LDA({ priors: f.priors as number[] }).fit(iris.X, iris.y);
    expect(maxAbsDiffFlat(m.covariance, (f.covariance as number[][]).flat())).toBeLessThan(1e-12);
    expect(maxAbsDiff(m.predictProba(iris.X), f.proba as number[][])).toBeLessThan(1e-8);
  });

  for (const s of ['None', 'auto']) {
    it(`MAGIC, shrinkage ${s}: binary coef/intercept, predict_proba to 1e-8, AUC`, () => {
      const f = F[`lda_magic_s${s}`]!;
      const m = new LDA({ shrinkage: s === 'auto' ? 'auto' : 0 }).fit(magic.train.X, magic.train.y);
      expect(m.coef.rows).toBe(1);
      expect(maxAbsDiff(m.coef, f.coef as number[][])).toBeLessThan(1e-9);
      expect(maxAbsDiffFlat(m.intercept, f.intercept as number[])).toBeLessThan(1e-9);
      const P = m.predictProba(magic.test.X);
      expect(maxAbsDiff(P, f.probaSub as number[][], magic.sub)).toBeLessThan(1e-8);
      expect(Math.abs(auc(col1(P), magic.test.y) - (f.auc as number))).toBeLessThan(1e-9);
      // the log posterior odds are exactly the linear discriminant
      const L = m.predictLogProba(takeRows(magic.test.X, [0, 1, 2]));
      for (let i = 0; i < 3; i++) {
        let z = m.intercept[0]!;
        for (let j = 0; j < 10; j++) z += m.coef.data[j]! * magic.test.X.data[i * 10 + j]!;
        expect(Math.abs(L.data[2 * i + 1]! - L.data[2 * i]! - z)).toBeLessThan(1e-10);
      }
    });
  }
});

describe('singular covariances', () => {
  // class 0 has a constant third feature; class 1 is regular
  const X = fromRows([[0, 1, 5], [1, 0, 5], [2, 2, 5], [1, 3, 5], [5, 1, 0], [6, 3, 1], [4, 2, 3], [7, 0, 2]]);
  const y = Int32Array.of(0, 0, 0, 0, 1, 1, 1, 1);

  it('QDA: SINGULAR_COVARIANCE naming the class and regParam; regularised with a note when regParam > 0', () => {
    expectDiscernError(() => new QDA().fit(X, y), 'SINGULAR_COVARIANCE', /class 0 .*rank 2 of 3.*regParam/);
    const m = new QDA({ regParam: 0.05 }).fit(X, y);
    expect(m.fitReport?.details?.rankDeficient).toEqual([{ class: 0, rank: 2 }]);
    expect(m.fitReport?.details?.note).toMatch(/regParam/);
    expect(m.predictProba(X).data.every(Number.isFinite)).toBe(true);
    // a duplicated feature, and fewer rows than features in a class
    const dup = fromRows(toRows(X).map((r) => [...r, r[0]!]));
    expectDiscernError(() => new QDA().fit(dup, y), 'SINGULAR_COVARIANCE', /class 0/);
    const few = fromRows([[0, 1, 2], [1, 0, 1], [5, 1, 0], [6, 3, 1], [4, 2, 3], [7, 0, 2]]);
    expectDiscernError(() => new QDA().fit(few, Int32Array.of(0, 0, 1, 1, 1, 1)), 'SINGULAR_COVARIANCE', /class 0 .*rank 1 of 3/);
    expectDiscernError(() => new QDA().fit(few, Int32Array.of(0, 1, 1, 1, 1, 1)), 'TOO_FEW_SAMPLES', /class 0 has a single row/);
  });

  it('LDA: a feature constant in every class is singular; shrinkage regularises it', () => {
    const c = fromRows(toRows(X).map((r) => [r[0]!, r[1]!, 3]));
    expectDiscernError(() => new LDA().fit(c, y), 'SINGULAR_COVARIANCE', /pooled within-class covariance .*rank 2 of 3.*shrinkage/);
    const m = new LDA({ shrinkage: 0.1 }).fit(c, y);
    expect(m.fitReport?.details?.note).toMatch(/rank 2 of 3/);
    expect(m.predictProba(c).data.every(Number.isFinite)).toBe(true);
    // constant within one class only: the pooled covariance is still full rank
    expect(() => new LDA().fit(X, y)).not.toThrow();
  });

});

describe('QDA/LDA weights, round trip, input checks', () => {
  it('QDA: unit weights equal none; scaling weights changes nothing; zero weights drop rows', () => {
    const a = new QDA().fit(iris.X, iris.y);
    const b = new QDA().fit(iris.X, iris.y, { weights: new Float64Array(150).fill(1) });
    expect(maxAbsDiff(b.predictProba(iris.X), toRows(a.predictProba(iris.X)))).toBeLessThan(1e-13);
    const w = Float64Array.from(iris.y, (_, i) => 0.5 + (i % 5));
    const c = new QDA().fit(iris.X, iris.y, { weights: w });
    const d = new QDA().fit(iris.X, iris.y, { weights: w.map((v) => v * 123.4) });
    expect(maxAbsDiff(d.predictProba(iris.X), toRows(c.predictProba(iris.X)))).toBeLessThan(1e-12);
    const keep = Array.from({ length: 150 }, (_, i) => i).filter((i) => i % 4 !== 0);
    const z = new QDA().fit(iris.X, iris.y, { weights: Float64Array.from(iris.y, (_, i) => (i % 4 === 0 ? 0 : 1)) });
    const e = new QDA().fit(takeRows(iris.X, keep), Int32Array.from(keep, (i) => iris.y[i]!));
    expect(maxAbsDiff(z.predictProba(iris.X), toRows(e.predictProba(iris.X)))).toBeLessThan(1e-12);
  });

  it('LDA: integer weights equal repeated rows (ML covariances)', () => {
    const w = Float64Array.from(iris.y, (_, i) => 1 + (i % 3));
    const rep: number[] = [];
    w.forEach((c, i) => {
      for (let t = 0; t < c; t++) rep.push(i);
    });
    for (const shrinkage of [0, 0.2]) {
      const a = new LDA({ shrinkage }).fit(iris.X, iris.y, { weights: w });
      const b = new LDA({ shrinkage }).fit(takeRows(iris.X, rep), Int32Array.from(rep, (i) => iris.y[i]!));
      expect(maxAbsDiff(a.predictProba(iris.X), toRows(b.predictProba(iris.X)))).toBeLessThan(1e-12);
    }
  });

  it("LDA 'auto': Ledoit-Wolf with weights is scale invariant (1/n becomes 1/n_eff) and unit weights equal none", () => {
    const none = new LDA({ shrinkage: 'auto' }).fit(iris.X, iris.y);
    const ones = new LDA({ shrinkage: 'auto' }).fit(iris.X, iris.y, { weights: new Float64Array(150).fill(1) });
    expect(maxAbsDiff(ones.predictProba(iris.X), toRows(none.predictProba(iris.X)))).toBeLessThan(1e-13);
    const w = Float64Array.from(iris.y, (_, i) => 1 + (i % 3));
    const a = new LDA({ shrinkage: 'auto' }).fit(iris.X, iris.y, { weights: w });
    const b = new LDA({ shrinkage: 'auto' }).fit(iris.X, iris.y, { weights: w.map((v) => v / 7) });
    expect(maxAbsDiff(a.predictProba(iris.X), toRows(b.predictProba(iris.X)))).toBeLessThan(1e-12);
    const lw = a.fitReport?.details?.ledoitWolfShrinkage as number[];
    expect(lw).toHaveLength(3);
    expect(lw.every((s) => s > 0 && s < 1)).toBe(true);
  });

  it('exact JSON round trips', () => {
    for (const m of [new QDA({ regParam: 0.1, priors: [0.2, 0.3, 0.5] }).fit(iris.X, iris.y), new LDA({ shrinkage: 'auto' }).fit(iris.X, iris.y), new LDA({ shrinkage: 0.3 }).fit(iris.X, iris.y)]) {
      const back = m instanceof QDA ? QDA.fromJSON(viaString(m.toJSON())) : LDA.fromJSON(viaString(m.toJSON()));
      expect(Array.from(back.predictLogProba(iris.X).data)).toEqual(Array.from(m.predictLogProba(iris.X).data));
      expect(back.toJSON()).toEqual(m.toJSON());
    }
    const j = new QDA().fit(iris.X, iris.y).toJSON();
    expectDiscernError(() => QDA.fromJSON({ ...j, covariances: (j.covariances as unknown[]).slice(0, 2) }), 'MODEL_INVALID', /^estimator\.covariances is an array of 2 values; expected an array of 3 values$/);
    expectDiscernError(() => QDA.fromJSON({ ...j, covariances: [[[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, -1]], ...(j.covariances as unknown[]).slice(1)] }), 'MODEL_INVALID', /^estimator\.covariances\[0\] is not positive definite/);
    expectDiscernError(() => LDA.fromJSON({ ...new LDA().fit(iris.X, iris.y).toJSON(), covariance: [[1]] }), 'MODEL_INVALID', /^estimator\.covariance is an array of 1 value; expected a 4 × 4 nested array of numbers$/);
  });

  it('bad options and input', () => {
    expectDiscernError(() => new QDA({ regParam: 1.5 }), 'INVALID_ARGUMENT', /regParam .* \[0, 1\]/);
    expectDiscernError(() => new LDA({ shrinkage: -0.1 }), 'INVALID_ARGUMENT', /shrinkage/);
    expectDiscernError(() => new LDA({ tol: Number.NaN }), 'INVALID_ARGUMENT', /tol/);
    expectDiscernError(() => new QDA().predictProba(iris.X), 'MODEL_NOT_FITTED');
    expectDiscernError(() => new LDA({ priors: [1, 0, 0] }).fit(iris.X, iris.y), 'INVALID_ARGUMENT', /priors\[1\] \(class 1\) is 0;/);
    const m = new LDA().fit(iris.X, iris.y);
    expectDiscernError(() => m.predict(fromRows([[1, 2, Number.NaN, 4]])), 'DATA_INVALID', /row 0, feature 2/);
  });
});
