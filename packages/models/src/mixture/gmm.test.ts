import { describe, expect, it } from 'vitest';
import { type DenseMatrix } from '@discern/linalg';
import { isDiscernError } from '@discern/core';
import { type ModelJSON, type Progress } from '../estimator.js';
import { GaussianMixture } from './gmm.js';
import { type CovarianceType } from './gmm-params.js';
import { fixture, maxRelDiff, numericCsv } from './data.test-helpers.js';

interface SkModel {
  weights: number[];
  means: number[][];
  covariances: unknown;
  precisionsCholesky: unknown;
  score: number;
  scoreSamples: number[];
  predictProba: number[][];
  bic: number;
  aic: number;
}
interface GmmFixture {
  faithful: { score: number; means: number[][]; weights: number[]; bic: number; aic: number };
  irisMeansInit: number[][];
  iris: Record<CovarianceType, SkModel>;
  faithfulWeighted: { weights: number[]; meansInit: number[][]; score: number; means: number[][]; mixing: number[]; covariances: number[][][] };
}

const fx = fixture<GmmFixture>('gmm.json');
const faithful = numericCsv('faithful.csv', 2);
const iris = numericCsv('iris.csv', 4);
const TYPES: CovarianceType[] = ['full', 'diag', 'spherical', 'tied'];

function flat(v: unknown): number[] {
  return Array.isArray(v) ? v.flatMap(flat) : [v as number];
}

function fromSklearn(type: CovarianceType, m: SkModel): GaussianMixture {
  return GaussianMixture.fromJSON({ kind: 'gmm', nFeatures: 4, nComponents: 3, covarianceType: type, weights: m.weights, means: m.means, covariances: m.covariances });
}

function expectCode(f: () => unknown, code: string): Record<string, unknown> {
  try {
    f();
  } catch (e) {
    if (!isDiscernError(e)) throw e;
    expect(e.code).toBe(code);
    return e.context;
  }
  throw new Error(`expected a DiscernError ${code}`);
}

function rowsOf(m: DenseMatrix): number[][] {
  return Array.from({ length: m.rows }, (_, i) => Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
}

describe('GaussianMixture against scikit-learn 1.2.1', () => {
  it('Old Faithful, 2 full components: optimum within 1e-4 (mean log-likelihood), means and weights within 1e-3', () => {
    const g = new GaussianMixture({ nComponents: 2, tol: 1e-10, maxIter: 1000, nInit: 5, seed: 3 }).fit(faithful);
    expect(Math.abs(g.score(faithful) - fx.faithful.score)).toBeLessThan(1e-4);
    const order = [0, 1].sort((a, b) => g.means.data[a * 2]! - g.means.data[b * 2]!);
    for (let c = 0; c < 2; c++) {
      const k = order[c]!;
      expect(Math.abs(g.weights[k]! - fx.faithful.weights[c]!)).toBeLessThan(1e-3);
      for (let j = 0; j < 2; j++) expect(Math.abs(g.means.data[k * 2 + j]! - fx.faithful.means[c]![j]!)).toBeLessThan(1e-3);
    }
    expect(g.fitReport?.converged).toBe(true);
    expect(g.fitReport?.details?.bestInit).toBeTypeOf('number');
  });

  it.each(TYPES)('iris, 3 %s components from the same initial means: log-likelihood to 1e-6 relative, means to 1e-4', (type) => {
    const sk = fx.iris[type];
    const g = new GaussianMixture({ nComponents: 3, covarianceType: type, init: { means: fx.irisMeansInit }, tol: 1e-10, maxIter: 1000 }).fit(iris);
    expect(Math.abs(g.score(iris) - sk.score) / Math.abs(sk.score)).toBeLessThan(1e-6);
    expect(maxRelDiff(g.means.data, flat(sk.means))).toBeLessThan(1e-4);
    expect(maxRelDiff(g.weights, sk.weights)).toBeLessThan(1e-4);
    expect(maxRelDiff(g.covariances, flat(sk.covariances), 1e-2)).toBeLessThan(1e-3);
  });

  it.each(TYPES)('%s: a model loaded from sklearn parameters reproduces score_samples and predict_proba to 1e-10, bic/aic to 1e-8', (type) => {
    const sk = fx.iris[type];
    const g = fromSklearn(type, sk);
    expect(maxRelDiff(g.scoreSamples(iris), sk.scoreSamples)).toBeLessThan(1e-10);
    expect(maxRelDiff(g.predictProba(iris).data, flat(sk.predictProba))).toBeLessThan(1e-10);
    expect(Math.abs(g.bic(iris) - sk.bic) / Math.abs(sk.bic)).toBeLessThan(1e-8);
    expect(Math.abs(g.aic(iris) - sk.aic) / Math.abs(sk.aic)).toBeLessThan(1e-8);
    // the exporter layout is scikit-learn's precisions_cholesky_
    expect(maxRelDiff(g.precisionsCholesky, flat(sk.precisionsCholesky))).toBeLessThan(1e-10);
  });

  it('integer event weights give the fit of the rows repeated that many times (sklearn on the repeated rows)', () => {
    const ref = fx.faithfulWeighted;
    const w = Float64Array.from(ref.weights);
    const g = new GaussianMixture({ nComponents: 2, init: { means: ref.meansInit }, tol: 1e-10, maxIter: 1000 }).fit(faithful, { weights: w });
    const ll = g.scoreSamples(faithful);
    let s = 0, W = 0;
    for (let i = 0; i < ll.length; i++) {
      s += w[i]! * ll[i]!;
      W += w[i]!;
    }
    expect(Math.abs(s / W - ref.score) / Math.abs(ref.score)).toBeLessThan(1e-8);
    expect(maxRelDiff(g.means.data, flat(ref.means))).toBeLessThan(1e-6);
    expect(maxRelDiff(g.weights, ref.mixing)).toBeLessThan(1e-6);
    // both stop at tol 1e-10 on the log-likelihood; the covariances are the slowest to settle
    expect(maxRelDiff(g.covariances, flat(ref.covariances))).toBeLessThan(1e-5);
  });
});

describe('GaussianMixture weights', () => {
  it('weights of ones give a bit-identical fit', () => {
    const a = new GaussianMixture({ nComponents: 3, seed: 5, nInit: 2 }).fit(iris);
    const b = new GaussianMixture({ nComponents: 3, seed: 5, nInit: 2 }).fit(iris, { weights: new Float64Array(iris.rows).fill(1) });
    expect(b.toJSON()).toEqual(a.toJSON());
    expect(b.fitReport?.history).toEqual(a.fitReport?.history);
  });

  it('a row with weight +1 and its copy with weight −1 cancel: same fit as without them (1e-9)', () => {
    const init = { means: [[2, 55], [4.3, 80]] };
    const base = new GaussianMixture({ nComponents: 2, init, tol: 1e-12, maxIter: 500 }).fit(faithful);
    const extra = [[3.0, 70], [4.5, 60], [1.7, 90]];
    const data = new Float64Array((faithful.rows + 6) * 2);
    data.set(faithful.data);
    const w = new Float64Array(faithful.rows + 6).fill(1);
    extra.forEach((x, e) => {
      data.set(x, (faithful.rows + 2 * e) * 2);
      data.set(x, (faithful.rows + 2 * e + 1) * 2);
      w[faithful.rows + 2 * e + 1] = -1;
    });
    const g = new GaussianMixture({ nComponents: 2, init, tol: 1e-12, maxIter: 500 }).fit({ rows: faithful.rows + 6, cols: 2, data }, { weights: w });
    expect(g.fitReport?.details?.negativeWeights).toBe(true);
    expect(g.fitReport?.details?.note).toMatch(/not guaranteed/);
    expect(maxRelDiff(g.means.data, base.means.data)).toBeLessThan(1e-9);
    expect(maxRelDiff(g.covariances, base.covariances)).toBeLessThan(1e-9);
    expect(maxRelDiff(g.weights, base.weights)).toBeLessThan(1e-9);
  });

  it('negative weights: the converged fit satisfies the weighted M-step equations (fixed point, 1e-8)', () => {
    const w = new Float64Array(faithful.rows);
    for (let i = 0; i < w.length; i++) w[i] = i % 7 === 0 ? -0.3 : 1;
    const g = new GaussianMixture({ nComponents: 2, tol: 1e-13, maxIter: 2000, seed: 1 }).fit(faithful, { weights: w });
    const R = g.predictProba(faithful);
    for (let k = 0; k < 2; k++) {
      let nk = 0, m0 = 0, m1 = 0;
      for (let i = 0; i < faithful.rows; i++) {
        const wr = w[i]! * R.data[i * 2 + k]!;
        nk += wr;
        m0 += wr * faithful.data[i * 2]!;
        m1 += wr * faithful.data[i * 2 + 1]!;
      }
      let W = 0;
      for (let i = 0; i < w.length; i++) W += w[i]!;
      expect(Math.abs(nk / W - g.weights[k]!)).toBeLessThan(1e-8);
      expect(maxRelDiff([m0 / nk, m1 / nk], g.means.data.subarray(k * 2, k * 2 + 2))).toBeLessThan(1e-8);
    }
  });

  it('refuses a component whose effective weight N_k is ≤ 0, naming it', () => {
    const rows = [[0, 0], [0.1, 0.2], [-0.2, 0.1], [0.3, -0.1], [10, 10], [10.2, 9.9], [9.8, 10.1]];
    const X = { rows: 7, cols: 2, data: Float64Array.from(rows.flat()) };
    const w = Float64Array.of(1, 1, 1, 1, -0.1, -0.1, -0.1);
    const ctx = expectCode(() => new GaussianMixture({ nComponents: 2, init: { means: [[0, 0], [10, 10]] } }).fit(X, { weights: w }), 'FIT_DIVERGED');
    expect(ctx.component).toBe(1);
    expect(ctx.effectiveWeight).toBeCloseTo(-0.3, 12);
  });

  it('refuses a weighted covariance that is not positive definite (SINGULAR_COVARIANCE naming the component)', () => {
    // 1-D: three rows at 0 with weight 1, rows at ±1 with weight −0.4: Σ w (x−μ)² / N = −0.8 / 2.2 < 0
    const X = { rows: 5, cols: 1, data: Float64Array.of(0, 0, 0, 1, -1) };
    const ctx = expectCode(() => new GaussianMixture({ nComponents: 1 }).fit(X, { weights: Float64Array.of(1, 1, 1, -0.4, -0.4) }), 'SINGULAR_COVARIANCE');
    expect(ctx.component).toBe(0);
    expect(ctx.effectiveWeight).toBeCloseTo(2.2, 12);
  });

  it('rejects NaN input, bad weights and bad options with DATA_INVALID / INVALID_ARGUMENT', () => {
    const X = { rows: 3, cols: 1, data: Float64Array.of(1, Number.NaN, 2) };
    expectCode(() => new GaussianMixture().fit(X), 'DATA_INVALID');
    expectCode(() => new GaussianMixture().fit(faithful, { weights: new Float64Array(3) }), 'INVALID_ARGUMENT');
    expectCode(() => new GaussianMixture({ covarianceType: 'banana' as CovarianceType }), 'INVALID_ARGUMENT');
    expectCode(() => new GaussianMixture({ nComponents: 0 }), 'INVALID_ARGUMENT');
    expectCode(() => new GaussianMixture({ nComponents: 300 }).fit(faithful), 'TOO_FEW_SAMPLES');
    expectCode(() => new GaussianMixture().scoreSamples(faithful), 'MODEL_NOT_FITTED');
    const g = new GaussianMixture({ nComponents: 2 }).fit(faithful);
    expectCode(() => g.scoreSamples(iris), 'DATA_INVALID');
  });
});

describe('GaussianMixture singular covariances', () => {
  it('a constant feature with regCovar 0 is regularised by jitter, recorded, and scores stay finite', () => {
    const X = { rows: iris.rows, cols: 2, data: new Float64Array(iris.rows * 2) };
    for (let i = 0; i < iris.rows; i++) {
      X.data[i * 2] = iris.data[i * 4]!;
      X.data[i * 2 + 1] = 3;
    }
    const g = new GaussianMixture({ nComponents: 2, regCovar: 0, seed: 2, maxIter: 20 }).fit(X);
    const reg = g.fitReport?.details?.regularised as { component: number; jitter: number }[];
    expect(reg.length).toBeGreaterThan(0);
    expect(reg[0]!.jitter).toBeGreaterThan(0);
    expect(g.scoreSamples(X).every(Number.isFinite)).toBe(true);
    expect(g.predictProba(X).data.every(Number.isFinite)).toBe(true);
  });

  it.each(TYPES)('%s: a component collapsing on repeated points stays finite with regCovar', (type) => {
    const pts = [[0, 0], [1, 0.5], [0.5, 1], [0.2, 0.8], [1, 1], [7, 7], [7, 7], [7, 7]];
    const X = { rows: pts.length, cols: 2, data: Float64Array.from(pts.flat()) };
    const g = new GaussianMixture({ nComponents: 2, covarianceType: type, init: { means: [[0.5, 0.5], [7, 7]] } }).fit(X);
    expect(g.scoreSamples(X).every(Number.isFinite)).toBe(true);
    expect(g.predictProba(X).data.every(Number.isFinite)).toBe(true);
    // the three identical rows form their own component, whose variance is regCovar (1e-6) alone (tied: shared)
    if (type !== 'tied') expect(g.covarianceMatrix(g.predict(X)[7]!).data[0]).toBeCloseTo(1e-6, 12);
  });
});

describe('GaussianMixture behaviour', () => {
  it('records the history, stops on maxIter or tol, and reports progress per iteration and per restart', () => {
    const events: Progress[] = [];
    const g = new GaussianMixture({ nComponents: 3, maxIter: 4, tol: 0, nInit: 2 }).fit(iris, { onProgress: (p) => events.push(p) });
    const r = g.fitReport!;
    expect(r).toMatchObject({ iterations: 4, converged: false, reason: 'max_iter' });
    expect(r.history).toHaveLength(4);
    for (let t = 1; t < 4; t++) expect(r.history[t]!).toBeGreaterThanOrEqual(r.history[t - 1]! - 1e-12);
    expect(events.filter((e) => e.phase === 'iteration')).toHaveLength(8);
    expect(events.filter((e) => e.phase === 'init').map((e) => e.step)).toEqual([1, 2]);
    const c = new GaussianMixture({ nComponents: 2, tol: 1e-3 }).fit(faithful).fitReport!;
    expect(c.converged && c.reason === 'tol' && c.iterations < 100).toBe(true);
    const h = c.history;
    expect(Math.abs(h[h.length - 1]! - h[h.length - 2]!)).toBeLessThan(1e-3);
  });

  it.each(['kmeans', 'kmeans++', 'random'] as const)("init '%s' reaches the Old Faithful optimum (1e-3) with 3 restarts", (init) => {
    const g = new GaussianMixture({ nComponents: 2, init, nInit: 3, tol: 1e-8, maxIter: 500, seed: 11 }).fit(faithful);
    expect(Math.abs(g.score(faithful) - fx.faithful.score)).toBeLessThan(1e-3);
  });

  it('responsibilities sum to one, predict is their argmax, score is the mean of scoreSamples', () => {
    const g = new GaussianMixture({ nComponents: 3, covarianceType: 'diag', seed: 4 }).fit(iris);
    const P = g.predictProba(iris);
    const y = g.predict(iris);
    const s = g.scoreSamples(iris);
    let mean = 0;
    for (let i = 0; i < iris.rows; i++) {
      const row = Array.from(P.data.subarray(i * 3, i * 3 + 3));
      expect(Math.abs(row.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-12);
      expect(row[y[i]!]).toBe(Math.max(...row));
      mean += s[i]! / iris.rows;
    }
    expect(g.score(iris)).toBeCloseTo(mean, 12);
  });

  it('toJSON → JSON text → fromJSON is exact', () => {
    for (const type of TYPES) {
      const g = new GaussianMixture({ nComponents: 3, covarianceType: type, seed: 9 }).fit(iris);
      const back = GaussianMixture.fromJSON(JSON.parse(JSON.stringify(g.toJSON())) as ModelJSON);
      expect(back.toJSON()).toEqual(g.toJSON());
      expect(back.scoreSamples(iris)).toEqual(g.scoreSamples(iris));
      expect(back.precisionsCholesky).toEqual(g.precisionsCholesky);
    }
  });

  it('fromJSON validates kind, shapes, weights and positive definiteness: MODEL_INVALID naming the field', () => {
    const good = fromSklearn('full', fx.iris.full).toJSON();
    expect(expectCode(() => GaussianMixture.fromJSON({ ...good, kind: 'kmeans' }), 'MODEL_INVALID').field).toBe('estimator.kind');
    expect(expectCode(() => GaussianMixture.fromJSON({ ...good, means: [[1, 2, 3, 4]] }), 'MODEL_INVALID').field).toBe('estimator.means');
    expect(expectCode(() => GaussianMixture.fromJSON({ ...good, covarianceType: 'diag' }), 'MODEL_INVALID').field).toBe('estimator.covariances[0][0]');
    expect(expectCode(() => GaussianMixture.fromJSON({ ...good, weights: [0.5, 0.5, 0.5] }), 'MODEL_INVALID').field).toBe('estimator.weights');
    const cov = JSON.parse(JSON.stringify(good.covariances)) as number[][][];
    cov[1]![2]![2] = -1;
    expect(expectCode(() => GaussianMixture.fromJSON({ ...good, covariances: cov }), 'MODEL_INVALID').field).toBe('estimator.covariances[1]');
  });

  it('sample draws components by weight and rows from N(μ_k, Σ_k) (within 5 standard errors); same seed, same sample', () => {
    const g = fromSklearn('full', fx.iris.full);
    const n = 30000;
    const { X, components } = g.sample(n, 7);
    expect(g.sample(50, 7).X.data).toEqual(g.sample(50, 7).X.data);
    for (let k = 0; k < 3; k++) {
      const idx = Array.from(components.keys()).filter((i) => components[i] === k);
      const pk = g.weights[k]!;
      expect(Math.abs(idx.length / n - pk)).toBeLessThan(5 * Math.sqrt((pk * (1 - pk)) / n));
      const C = g.covarianceMatrix(k);
      for (let j = 0; j < 4; j++) {
        const m = idx.reduce((a, i) => a + X.data[i * 4 + j]!, 0) / idx.length;
        const v = idx.reduce((a, i) => a + (X.data[i * 4 + j]! - m) ** 2, 0) / idx.length;
        const sd = Math.sqrt(C.data[j * 4 + j]!);
        expect(Math.abs(m - g.means.data[k * 4 + j]!)).toBeLessThan((5 * sd) / Math.sqrt(idx.length));
        expect(Math.abs(v / C.data[j * 4 + j]! - 1)).toBeLessThan(5 * Math.sqrt(2 / idx.length));
      }
    }
  });

  it('covarianceMatrix gives the p×p covariance of every type', () => {
    const sph = fromSklearn('spherical', fx.iris.spherical);
    const s1 = (fx.iris.spherical.covariances as number[])[1]!;
    expect(rowsOf(sph.covarianceMatrix(1))).toEqual([[s1, 0, 0, 0], [0, s1, 0, 0], [0, 0, s1, 0], [0, 0, 0, s1]]);
    const tied = fromSklearn('tied', fx.iris.tied);
    expect(rowsOf(tied.covarianceMatrix(2))).toEqual(fx.iris.tied.covariances);
    const diag = fromSklearn('diag', fx.iris.diag);
    expect(Array.from(diag.covarianceMatrix(0).data.filter((_, i) => i % 5 === 0))).toEqual((fx.iris.diag.covariances as number[][])[0]);
    expectCode(() => diag.covarianceMatrix(3), 'INVALID_ARGUMENT');
  });
});
