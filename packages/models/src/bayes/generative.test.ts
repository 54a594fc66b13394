import { fromRows, takeRows, toRows } from '@discern/linalg';
import { describe, expect, it } from 'vitest';
import { type DensityModel } from '../estimator.js';
import { GaussianMixture } from '../mixture/index.js';
import { auc, expectDiscernError, fixture, loadIris, loadMagicSplit, maxAbsDiff, maxAbsDiffFlat, viaString } from './bayes.test-helpers.js';
import { DEFAULT_DENSITY } from './densities.js';
import { GaussianDensity } from './gaussian-density.js';
import { GenerativeClassifier } from './generative.js';

const F = fixture('generative.json') as Record<string, Record<string, unknown>>;
const iris = loadIris();

describe('GenerativeClassifier with one Gaussian per class', () => {
  it('equals QDA with ML (ddof 0) covariances and sample priors: scipy reference to 1e-10', () => {
    const m = new GenerativeClassifier({ density: { kind: 'gaussian' } }).fit(iris.X, iris.y);
    expect(maxAbsDiff(m.classLogDensities(iris.X), F.iris_gaussian!.logDensity as number[][])).toBeLessThan(1e-10);
    expect(maxAbsDiff(m.predictProba(iris.X), F.iris_gaussian!.proba as number[][])).toBeLessThan(1e-10);
    expect(maxAbsDiffFlat(m.priors, [1 / 3, 1 / 3, 1 / 3])).toBeLessThan(1e-15);
  });

  it('1-D LLR and posterior against the normal densities worked by hand', () => {
    // class 0: {0, 2} → μ 1, σ² 1; class 1: {3, 5, 7} → μ 5, σ² 8/3 (ML); priors 2/5, 3/5
    const X = fromRows([[0], [2], [3], [5], [7]]);
    const m = new GenerativeClassifier({ density: { kind: 'gaussian' } }).fit(X, Int32Array.of(0, 0, 1, 1, 1));
    const logN = (x: number, mu: number, v: number): number => -0.5 * Math.log(2 * Math.PI * v) - ((x - mu) ** 2) / (2 * v);
    const xs = [-3, 0, 1, 2.5, 4, 10];
    const T = fromRows(xs.map((x) => [x]));
    const llr = m.scoreLLR(T);
    xs.forEach((x, i) => expect(Math.abs(llr[i]! - (logN(x, 5, 8 / 3) - logN(x, 1, 1)))).toBeLessThan(1e-12));
    const P = m.predictProba(T);
    xs.forEach((x, i) => {
      const a = (2 / 5) * Math.exp(logN(x, 1, 1)), b = (3 / 5) * Math.exp(logN(x, 5, 8 / 3));
      expect(Math.abs(P.data[2 * i + 1]! - b / (a + b))).toBeLessThan(1e-14);
    });
    // the reversed pair is the negated score
    expect(maxAbsDiffFlat(m.scoreLLR(T, 0, 1), llr.map((v) => -v))).toBe(0);
  });

  it('passes event weights to the class densities (integer weights = repeated rows)', () => {
    const w = Float64Array.from(iris.y, (_, i) => 1 + (i % 3));
    const rep: number[] = [];
    w.forEach((c, i) => {
      for (let t = 0; t < c; t++) rep.push(i);
    });
    const a = new GenerativeClassifier({ density: { kind: 'gaussian' } }).fit(iris.X, iris.y, { weights: w });
    const b = new GenerativeClassifier({ density: { kind: 'gaussian' } }).fit(takeRows(iris.X, rep), Int32Array.from(rep, (i) => iris.y[i]!));
    expect(maxAbsDiff(a.predictProba(iris.X), toRows(b.predictProba(iris.X)))).toBeLessThan(1e-12);
  });
});

describe('GenerativeClassifier with Gaussian mixtures', () => {
  it('the default density is a 4-component full-covariance GaussianMixture per class', () => {
    expect(DEFAULT_DENSITY).toEqual({ kind: 'gmm', nComponents: 4, covarianceType: 'full' });
    const m = new GenerativeClassifier().fit(iris.X, iris.y);
    expect(m.densities.every((d) => d instanceof GaussianMixture && d.nComponents === 4 && d.covarianceType === 'full')).toBe(true);
    const s = m.classLogDensities(iris.X);
    m.densities.forEach((d, k) => expect(maxAbsDiffFlat(Float64Array.from({ length: 150 }, (_, i) => s.data[i * 3 + k]!), d.scoreSamples(iris.X))).toBe(0));
  });

  it('MAGIC standardised, stratified 70/30: 4-component full GMM per class reaches test AUC ≥ 0.915', () => {
    const { train, test } = loadMagicSplit();
    const m = new GenerativeClassifier({ density: { kind: 'gmm', nComponents: 4, covarianceType: 'full' } }).fit(train.X, train.y);
    const llr = m.scoreLLR(test.X);
    const a = auc(llr, test.y);
    expect(a).toBeGreaterThanOrEqual(0.915);
    // for two classes the posterior is monotone in the LLR: same ranking
    const P = m.predictProba(test.X);
    expect(Math.abs(auc(Float64Array.from({ length: P.rows }, (_, i) => P.data[2 * i + 1]!), test.y) - a)).toBeLessThan(1e-12);
    expect(m.fitReport?.reason).toBe('per_class');
    expect((m.fitReport?.details?.classes as unknown[]).length).toBe(2);
  });

  it('toJSON/fromJSON round trip is exact, mixture densities included', () => {
    const m = new GenerativeClassifier({ density: { kind: 'gmm', nComponents: 2, covarianceType: 'diag', seed: 3 }, priors: [0.5, 0.25, 0.25] }).fit(iris.X, iris.y);
    const back = GenerativeClassifier.fromJSON(viaString(m.toJSON()));
    expect(Array.from(back.predictLogProba(iris.X).data)).toEqual(Array.from(m.predictLogProba(iris.X).data));
    expect(back.toJSON()).toEqual(m.toJSON());
    expect(back.density).toEqual({ kind: 'gmm', nComponents: 2, covarianceType: 'diag', seed: 3 });
    const g = new GenerativeClassifier({ density: { kind: 'gaussian', regCovar: 1e-3 } }).fit(iris.X, iris.y);
    const gb = GenerativeClassifier.fromJSON(viaString(g.toJSON()));
    expect(Array.from(gb.scoreLLR(iris.X, 2, 1))).toEqual(Array.from(g.scoreLLR(iris.X, 2, 1)));
  });
});

describe('GenerativeClassifier with a density factory', () => {
  /** A density of a kind the module does not know: a Gaussian under another name. */
  class Tagged implements DensityModel {
    readonly kind = 'tagged';
    constructor(readonly inner: GaussianDensity = new GaussianDensity()) {}
    get nFeatures(): number {
      return this.inner.nFeatures;
    }
    get fitReport() {
      return this.inner.fitReport;
    }
    fit(X: Parameters<DensityModel['fit']>[0], o?: Parameters<DensityModel['fit']>[1]): this {
      this.inner.fit(X, o);
      return this;
    }
    scoreSamples(X: Parameters<DensityModel['scoreSamples']>[0]): Float64Array {
      return this.inner.scoreSamples(X);
    }
    toJSON() {
      return { kind: 'tagged', inner: this.inner.toJSON() };
    }
  }

  it('uses the factory per class and rebuilds unknown kinds through densityFromJSON', () => {
    const seen: number[] = [];
    const m = new GenerativeClassifier({ density: (k) => (seen.push(k), new Tagged()) }).fit(iris.X, iris.y);
    expect(seen).toEqual([0, 1, 2]);
    const ref = new GenerativeClassifier({ density: { kind: 'gaussian' } }).fit(iris.X, iris.y);
    expect(Array.from(m.predictProba(iris.X).data)).toEqual(Array.from(ref.predictProba(iris.X).data));
    const j = viaString(m.toJSON());
    expect((j as { density: unknown }).density).toBe('custom');
    expectDiscernError(() => GenerativeClassifier.fromJSON(j), 'MODEL_INVALID', /^estimator\.densities\[0\]\.kind is "tagged"; expected .*densityFromJSON/);
    const back = GenerativeClassifier.fromJSON(j, { densityFromJSON: (d) => new Tagged(GaussianDensity.fromJSON(d.inner)) });
    expect(Array.from(back.predictProba(iris.X).data)).toEqual(Array.from(m.predictProba(iris.X).data));
  });

  it('refuses bad factories, bad specs and bad class indices; density failures name the class', () => {
    expectDiscernError(() => new GenerativeClassifier({ density: () => ({}) as DensityModel }).fit(iris.X, iris.y), 'INVALID_ARGUMENT', /factory returned .* class 0/);
    expectDiscernError(() => new GenerativeClassifier({ density: { kind: 'gmm', ncomponents: 3 } as never }), 'INVALID_ARGUMENT', /unknown key 'ncomponents'/);
    expectDiscernError(() => new GenerativeClassifier({ density: { kind: 'kde' } as never }), 'INVALID_ARGUMENT', /'gaussian', 'gmm'/);
    // a bad option inside a valid spec fails at construction, before any class is fitted
    expectDiscernError(() => new GenerativeClassifier({ density: { kind: 'gmm', nComponents: 0 } }), 'INVALID_ARGUMENT', /nComponents/);
    expectDiscernError(() => new GenerativeClassifier({ density: { kind: 'gaussian', regCovar: -1 } }), 'INVALID_ARGUMENT', /regCovar/);
    const X = fromRows([[0, 1], [1, 3], [2, 2], [5, 1], [6, 1], [7, 1]]);
    expectDiscernError(() => new GenerativeClassifier({ density: { kind: 'gaussian' } }).fit(X, Int32Array.of(0, 0, 0, 1, 1, 1)), 'SINGULAR_COVARIANCE', /class 1.*regCovar/);
    const m = new GenerativeClassifier({ density: { kind: 'gaussian' } }).fit(iris.X, iris.y);
    expectDiscernError(() => m.scoreLLR(iris.X, 3, 0), 'INVALID_ARGUMENT', /positive class 3/);
    expectDiscernError(() => m.scoreLLR(iris.X, 1, 1), 'INVALID_ARGUMENT', /same class/);
    expectDiscernError(() => new GenerativeClassifier().scoreLLR(iris.X), 'MODEL_NOT_FITTED');
    expectDiscernError(() => m.classLogDensities(fromRows([[1, 2]])), 'DATA_INVALID', /4 features but got 2/);
  });
});
