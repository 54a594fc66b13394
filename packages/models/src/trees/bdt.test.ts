import { type DenseMatrix, createRng } from '@discern/linalg';
import { SyncWorkerPool } from '@discern/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HistGradientBoostingClassifier } from './bdt.js';
import { BINNING_SUBSAMPLE } from './binning.js';
import { CHUNK_ROWS } from './histogram.js';
import { Team } from '../team.js';
import { loadEstimator } from '../load.js';
import { col, expectDiscernError } from './trees.test-helpers.js';

const stump = { maxIter: 1, maxLeafNodes: 2, minSamplesLeaf: 1, minSumHessianInLeaf: 0, earlyStopping: false, learningRate: 0.1 } as const;

function matrix(rows: number[][]): DenseMatrix {
  return { rows: rows.length, cols: rows[0]!.length, data: Float64Array.from(rows.flat()) };
}

describe('the first split, worked by hand', () => {
  // y = 0 for x0 ≤ 4, 1 above. At the starting score (p = ½) every row has g = p − y = ±½ and h = ¼, so the split
  // between 4 and 5 (the midpoint 4.5, moved to the float32 rounding boundary just above it) gives G_L = 2, H_L = 1, G_R = −2, H_R = 1 and gain G_L²/H_L + G_R²/H_R − G²/H = 4 + 4 − 0 = 8, with
  // leaf values −0.1·G/H = ∓0.2. x1's best split ({1, 2} left: 2²·… = 1²/0.5 + 1²/1.5 = 2.667) gains less.
  const x0 = [1, 2, 3, 4, 5, 6, 7, 8];
  const x1 = [2, 1, 4, 6, 3, 5, 8, 7];
  const X = matrix(x0.map((v, i) => [v, x1[i]!]));
  const y = Int32Array.of(0, 0, 0, 0, 1, 1, 1, 1);

  it('splits x0 at the midpoint 4.5 (as a float32 rounding boundary) with gain 8 and leaf values ∓0.2', () => {
    const m = new HistGradientBoostingClassifier(stump).fit(X, y);
    const t = m.ensemble.trees[0]!;
    expect(Array.from(t.feature)).toEqual([0, -1, -1]);
    expect(Math.fround(t.threshold[0]!)).toBe(4.5);
    expect(t.threshold[0]! - 4.5).toBeLessThan(4.5 * 2 ** -24);
    expect(t.gain[0]).toBe(8);
    expect(Array.from(t.value)).toEqual([0, -0.2, 0.2]);
    expect(m.ensemble.baseline[0]).toBe(0);
    expect(m.featureImportance.gain).toEqual([1, 0]);
    expect(m.featureImportance.splits).toEqual([1, 0]);
  });

  it('without x0, it takes x1 ≤ 2.5 with gain 1/0.5 + 1/1.5', () => {
    const m = new HistGradientBoostingClassifier(stump).fit(matrix(x1.map((v) => [v])), y);
    const t = m.ensemble.trees[0]!;
    expect(Math.fround(t.threshold[0]!)).toBe(2.5);
    expect(t.gain[0]).toBeCloseTo(1 / 0.5 + 1 / 1.5, 14);
    // left holds two class-0 rows: G = 1, H = 0.5 → −0.1·2; right G = −1, H = 1.5
    expect(t.value[1]).toBeCloseTo(-0.2, 15);
    expect(t.value[2]).toBeCloseTo(0.1 / 1.5, 15);
  });

  it('λ = 1 shrinks the gain to 4/2 + 4/2 − 0 = 4 and the leaves to ∓0.1', () => {
    const m = new HistGradientBoostingClassifier({ ...stump, l2Regularization: 1 }).fit(X, y);
    const t = m.ensemble.trees[0]!;
    expect(t.gain[0]).toBe(4);
    expect(Array.from(t.value)).toEqual([0, -0.1, 0.1]);
  });

  it('minSamplesLeaf 5 leaves no split of 8 rows: one leaf', () => {
    const m = new HistGradientBoostingClassifier({ ...stump, minSamplesLeaf: 5 }).fit(X, y);
    expect(Array.from(m.ensemble.trees[0]!.feature)).toEqual([-1]);
  });
});

describe('missing values', () => {
  // x0 separates the classes where present; the rows with x0 missing are all of one class, so the split must send
  // missing values to that class's side, and a missing value at predict time goes there too
  function data(missingClass: 0 | 1): { X: DenseMatrix; y: Int32Array } {
    const rows: number[][] = [];
    const y: number[] = [];
    for (let i = 0; i < 60; i++) {
      const c = i % 2;
      rows.push([i % 10 === 0 || i % 10 === 1 ? (c === missingClass ? NaN : c * 2 + (i % 7) / 10) : c * 2 + (i % 7) / 10]);
      y.push(c);
    }
    return { X: matrix(rows), y: Int32Array.from(y) };
  }

  for (const missingClass of [0, 1] as const)
    it(`are routed as learned (all missing rows of class ${missingClass}: missing goes ${missingClass === 0 ? 'left' : 'right'})`, () => {
      const { X, y } = data(missingClass);
      const m = new HistGradientBoostingClassifier({ ...stump, minSamplesLeaf: 2 }).fit(X, y);
      const t = m.ensemble.trees[0]!;
      expect(t.feature[0]).toBe(0);
      expect(t.missingLeft[0]).toBe(missingClass === 0 ? 1 : 0);
      const p = m.predictProba(matrix([[NaN]])).data[1]!;
      expect(missingClass === 1 ? p > 0.5 : p < 0.5).toBe(true);
    });

  it('a feature with no missing values in training sends missing values to the child with more training rows', () => {
    const X = matrix([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((v) => [v]));
    const y = Int32Array.of(0, 0, 0, 1, 1, 1, 1, 1, 1, 1);
    const m = new HistGradientBoostingClassifier(stump).fit(X, y);
    const t = m.ensemble.trees[0]!;
    expect(Math.fround(t.threshold[0]!)).toBe(3.5);
    expect(t.missingLeft[0]).toBe(0); // 3 rows left, 7 right
    expect(m.predictProba(matrix([[NaN]])).data[1]).toBe(m.predictProba(matrix([[9]])).data[1]);
  });

  it('infinite values are refused, in fit and at predict time', () => {
    const X = matrix([[1], [2], [Infinity], [4]]);
    expectDiscernError(() => new HistGradientBoostingClassifier(stump).fit(X, Int32Array.of(0, 0, 1, 1)), 'DATA_INVALID', /infinite value Infinity at row 2, feature 0/);
    const m = new HistGradientBoostingClassifier(stump).fit(matrix([[1], [2], [3], [4]]), Int32Array.of(0, 0, 1, 1));
    expectDiscernError(() => m.predictProba(matrix([[-Infinity]])), 'DATA_INVALID', /infinite/);
  });
});

describe('threads', () => {
  const pool = SyncWorkerPool.shared(new URL('./hist-worker.ts', import.meta.url), 2)!;
  // helpers take part whatever the scheduler does (a fit's first shared job waits for one: see Team.helpersMustJoin)
  beforeAll(() => {
    Team.helpersMustJoin = true;
  });
  afterAll(() => {
    Team.helpersMustJoin = false;
    pool.close();
  });
  // 3·CHUNK_ROWS + 1000 rows: the root and the large nodes are summed in chunks; helper threads take some of the
  // chunks, feature groups of smaller nodes, split searches and partitions
  const n = 3 * CHUNK_ROWS + 1000, p = 6;
  const rng = createRng(5);
  const X: DenseMatrix = { rows: n, cols: p, data: new Float64Array(n * p) };
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < p; j++) {
      const v = rng.normal();
      X.data[i * p + j] = j === 5 && i % 11 === 0 ? NaN : v;
      s += (j + 1) * (j === 5 && i % 11 === 0 ? 0 : v);
    }
    y[i] = s + rng.normal() * 2 > 0 ? (s > 3 ? 2 : 1) : 0;
  }
  const weights = Float64Array.from({ length: n }, (_, i) => 0.5 + (i % 3));

  it.each([
    ['three classes, weights, missing values', y, {}],
    ['two classes, row and feature subsampling', y.map((c) => (c > 0 ? 1 : 0)), { subsample: 0.8, colsampleBytree: 0.7 }],
  ])('1 and 3 threads give the same trees, bit for bit (%s)', async (_name, labels, more) => {
    expect(await pool.started()).toBe(true);
    const fit = (threads: number) => new HistGradientBoostingClassifier({ maxIter: 4, earlyStopping: false, seed: 3, ...more }).fit(X, labels, { weights, threads });
    const before = Team.itemsOnHelpers;
    const threaded = fit(3);
    expect(Team.itemsOnHelpers - before).toBeGreaterThan(0);
    const serial = fit(1);
    expect(JSON.stringify(threaded.toJSON())).toBe(JSON.stringify(serial.toJSON()));
  });

  it('binning on the helper threads (more rows than the binning subsample) gives the same trees as on one thread', async () => {
    expect(await pool.started()).toBe(true);
    const m = BINNING_SUBSAMPLE + 5000;
    const r = createRng(8);
    const Xb: DenseMatrix = { rows: m, cols: 2, data: Float64Array.from({ length: 2 * m }, (_, i) => (i % 7 === 0 ? NaN : r.normal())) };
    const yb = Int32Array.from({ length: m }, (_, i) => ((Xb.data[2 * i + 1] ?? 0) > 0.3 ? 1 : 0));
    const fit = (threads: number) => new HistGradientBoostingClassifier({ maxIter: 1, maxLeafNodes: 4, earlyStopping: false }).fit(Xb, yb, { threads });
    expect(JSON.stringify(fit(3).toJSON())).toBe(JSON.stringify(fit(1).toJSON()));
  });
});

describe('early stopping', () => {
  // noisy labels and deep trees: the validation loss turns up after a few iterations
  const rng = createRng(9);
  const n = 1200;
  const X: DenseMatrix = { rows: n, cols: 3, data: Float64Array.from({ length: n * 3 }, () => rng.normal()) };
  const y = Int32Array.from({ length: n }, (_, i) => (X.data[i * 3]! + rng.normal() * 1.5 > 0 ? 1 : 0));
  const opts = { maxIter: 200, learningRate: 0.5, maxLeafNodes: 31, minSamplesLeaf: 2, earlyStopping: true, nIterNoChange: 5, seed: 2 } as const;

  it('stops when the validation loss has not improved by tol for nIterNoChange iterations (scikit-learn\'s rule)', () => {
    const m = new HistGradientBoostingClassifier(opts).fit(X, y);
    const r = m.fitReport!;
    expect(r.reason).toBe('early_stopping');
    const val = r.details!.validationLoss as number[];
    const losses = [r.details!.initialValidationLoss as number, ...val];
    expect(val).toHaveLength(r.iterations);
    expect(r.iterations).toBeLessThan(200);
    // the rule, checked from the recorded losses: none of the last 5 beat the one before them by more than tol
    const ref = losses[losses.length - 6]!;
    expect(losses.slice(-5).every((l) => !(l < ref - 1e-7))).toBe(true);
    // and it did not hold one iteration earlier
    const ref2 = losses[losses.length - 7]!;
    expect(losses.slice(-6, -1).some((l) => l < ref2 - 1e-7)).toBe(true);
    // the trees of every iteration run are kept (as scikit-learn); the best iteration is reported
    expect(m.nIter).toBe(r.iterations);
    const best = r.details!.bestIteration as number;
    expect(val[best - 1]).toBe(Math.min(...val));
    expect(r.details!.validationRows).toBe(Math.round(0.1 * y.filter((c) => c === 0).length) + Math.round(0.1 * y.filter((c) => c === 1).length));
    expect(r.history).toHaveLength(r.iterations);
  });

  it('on a validation set given to fit: all training rows are used, the loss is judged on the given rows', () => {
    const Xv: DenseMatrix = { rows: 300, cols: 3, data: Float64Array.from({ length: 900 }, () => rng.normal()) };
    const yv = Int32Array.from({ length: 300 }, (_, i) => (Xv.data[i * 3]! + rng.normal() * 1.5 > 0 ? 1 : 0));
    const m = new HistGradientBoostingClassifier({ ...opts, earlyStopping: 'auto' }).fit(X, y, { validation: { X: Xv, y: yv } });
    const r = m.fitReport!;
    expect(r.details!.earlyStopping).toBe('validation set');
    expect([r.details!.trainingRows, r.details!.validationRows]).toEqual([1200, 300]);
    expect(r.reason).toBe('early_stopping');
    // the last validation loss is the given rows' weighted mean log-loss under the fitted model
    const P = m.predictProba(Xv).data;
    let ll = 0;
    for (let i = 0; i < 300; i++) ll -= Math.log(P[2 * i + yv[i]!]!);
    expect((r.details!.validationLoss as number[]).at(-1)).toBeCloseTo(ll / 300, 12);
  });

  it("'auto' is off at 10,000 rows or fewer, and earlyStopping false ignores a validation set", () => {
    expect(new HistGradientBoostingClassifier({ maxIter: 3 }).fit(X, y).fitReport!.details!.earlyStopping).toBe('off');
    const off = new HistGradientBoostingClassifier({ maxIter: 3, earlyStopping: false }).fit(X, y, { validation: { X, y } });
    expect(off.fitReport!.details!.validationRows).toBe(0);
  });

  it('a validation set of the wrong shape or classes is refused, naming it', () => {
    const m = new HistGradientBoostingClassifier({ maxIter: 3 });
    expectDiscernError(() => m.fit(X, y, { validation: { X: { rows: 2, cols: 2, data: new Float64Array(4) }, y: Int32Array.of(0, 1) } }), 'INVALID_ARGUMENT', /validation set has 2 features; the training rows have 3/);
    expectDiscernError(() => m.fit(X, y, { validation: { X: { rows: 1, cols: 3, data: new Float64Array(3) }, y: Int32Array.of(2) } }), 'LABEL_INVALID', /class index 2; the training data has classes 0..1/);
  });
});

describe('options and saved models', () => {
  const X = matrix(Array.from({ length: 40 }, (_, i) => [i % 7, (i * 3) % 11]));
  const y = Int32Array.from({ length: 40 }, (_, i) => (i % 7 > 3 ? 1 : 0));

  it('every option is checked, naming it and what is accepted', () => {
    const bad: [object, RegExp][] = [
      [{ learningRate: 0 }, /learningRate is 0; expected a number > 0/],
      [{ maxIter: 1.5 }, /maxIter is 1.5; expected an integer ≥ 1/],
      [{ maxLeafNodes: 1 }, /maxLeafNodes is 1; expected an integer ≥ 2, or null/],
      [{ maxBins: 256 }, /maxBins is 256; expected an integer from 2 to 255/],
      [{ subsample: 0 }, /subsample is 0; expected a number in \(0, 1\]/],
      [{ earlyStopping: 'yes' }, /earlyStopping is 'yes'; expected 'auto', true or false/],
      [{ negativeWeights: 'drop' }, /negativeWeights is 'drop'; expected one of 'keep', 'ignore', 'pair'/],
      [{ nEstimators: 3 }, /unknown option 'nEstimators'/],
    ];
    for (const [o, re] of bad) expectDiscernError(() => new HistGradientBoostingClassifier(o as never), 'INVALID_ARGUMENT', re);
  });

  it('round-trips through JSON text and loadEstimator with identical predictions, and keeps its fit report', () => {
    const m = new HistGradientBoostingClassifier({ maxIter: 5, minSamplesLeaf: 2, earlyStopping: false }).fit(X, y);
    const back = loadEstimator(JSON.parse(JSON.stringify(m.toJSON()))) as HistGradientBoostingClassifier;
    expect(Array.from(back.predictProba(X).data)).toEqual(Array.from(m.predictProba(X).data));
    expect(back.fitReport).toEqual(m.fitReport);
    expect(back.toJSON()).toEqual(m.toJSON());
  });

  it('a saved tree that is not a tree is MODEL_INVALID naming the field', () => {
    const json = JSON.parse(JSON.stringify(new HistGradientBoostingClassifier({ maxIter: 2, minSamplesLeaf: 2, earlyStopping: false }).fit(X, y).toJSON())) as { trees: { left: number[]; right: number[]; feature: number[] }[] };
    const t = json.trees[0]!;
    expect(t.feature[0]).toBeGreaterThanOrEqual(0);
    const loop = structuredClone(json);
    loop.trees[0]!.left[0] = 0;
    expectDiscernError(() => loadEstimator(loop), 'MODEL_INVALID', /estimator\.trees\[0\]\.left\[0\] is 0; expected a node after node 0/);
    const shared = structuredClone(json);
    shared.trees[0]!.right[0] = shared.trees[0]!.left[0]!;
    expectDiscernError(() => loadEstimator(shared), 'MODEL_INVALID', /estimator\.trees\[0\]\.right\[0\]/);
    const feature = structuredClone(json);
    feature.trees[0]!.feature[0] = 2;
    expectDiscernError(() => loadEstimator(feature), 'MODEL_INVALID', /estimator\.trees\[0\]\.feature\[0\] is 2; expected an integer in -1\.\.1/);
    const few = structuredClone(json);
    few.trees.pop();
    expectDiscernError(() => loadEstimator(few), 'MODEL_INVALID', /estimator\.trees is an array of 1 value; expected an array of 2 values/);
  });

  it('a model too large for the machine is refused before anything is allocated, naming the options to change', () => {
    const t0 = performance.now();
    const e = (() => {
      try {
        new HistGradientBoostingClassifier({ maxIter: 1e9, maxLeafNodes: 255 }).fit(X, y);
      } catch (err) {
        return err as { code: string; message: string };
      }
      return undefined;
    })();
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(e?.code).toBe('RESOURCE_LIMIT');
    expect(e?.message).toMatch(/use fewer maxIter \(now 1000000000\) or maxLeafNodes/);
  });

  it('with no leaf or depth limit, trees grow until min_samples_leaf stops them (and the memory plan allows it)', () => {
    const rng = createRng(4);
    const n = 3000;
    const Xu: DenseMatrix = { rows: n, cols: 2, data: Float64Array.from({ length: 2 * n }, () => rng.normal()) };
    const yu = Int32Array.from({ length: n }, (_, i) => (Xu.data[2 * i]! * Xu.data[2 * i + 1]! + 0.3 * rng.normal() > 0 ? 1 : 0));
    const m = new HistGradientBoostingClassifier({ maxIter: 2, maxLeafNodes: null, minSamplesLeaf: 50, earlyStopping: false }).fit(Xu, yu);
    const leaves = m.ensemble.trees[0]!.feature.filter((f) => f < 0).length;
    expect(leaves).toBeGreaterThan(31);
    expect(leaves).toBeLessThanOrEqual(n / 50);
  });

  it('the same seed gives the same model with row and feature subsampling; another seed another', () => {
    const o = { maxIter: 5, subsample: 0.5, colsampleBytree: 0.5, minSamplesLeaf: 2, earlyStopping: false };
    const a = new HistGradientBoostingClassifier({ ...o, seed: 1 }).fit(X, y).toJSON();
    expect(new HistGradientBoostingClassifier({ ...o, seed: 1 }).fit(X, y).toJSON()).toEqual(a);
    expect(new HistGradientBoostingClassifier({ ...o, seed: 2 }).fit(X, y).toJSON().trees).not.toEqual(a.trees);
  });

  it('predictProba is σ of the raw score, rows sum to one', () => {
    const m = new HistGradientBoostingClassifier({ maxIter: 5, minSamplesLeaf: 2, earlyStopping: false }).fit(X, y);
    const F = col(m.decisionFunction(X), 0);
    const P = m.predictProba(X);
    for (let i = 0; i < X.rows; i++) {
      expect(P.data[2 * i + 1]).toBeCloseTo(1 / (1 + Math.exp(-F[i]!)), 15);
      expect(P.data[2 * i]! + P.data[2 * i + 1]!).toBeCloseTo(1, 15);
    }
  });
});
