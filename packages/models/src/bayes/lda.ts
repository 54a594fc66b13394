import { type DenseMatrix, choleskySolve, zeros } from '@discern/linalg';
import { DiscernError } from '@discern/core';
import { checkNotCancelled } from '../cancel.js';
import { type FitOptions, type ModelJSON } from '../estimator.js';
import { BayesClassifierBase, checkOption, closedFormReport } from './common.js';
import { gaussianClassStats, ledoitWolfClass, scatterRank, shrinkToTrace } from './covariance.js';
import { describeDegeneracy, degenerateFeatures, findDegeneracy } from '../degenerate.js';
import { type ModelSource } from '../model-json.js';
import { BayesReader, matrixToRows, squareToRows } from './json.js';
import { factorClassCovariance } from './qda.js';

export interface LDAOptions {
  /** Class priors (K positive numbers summing to 1); default: the weighted class fractions. */
  readonly priors?: readonly number[];
  /**
   * Shrinkage of each class covariance toward a multiple of the identity, Σ ← (1 − s)Σ + s·tr(Σ)/p·I, s in [0, 1]
   * (sklearn's solver='lsqr' float shrinkage), or 'auto' for the Ledoit–Wolf intensity per class. Default 0.
   */
  readonly shrinkage?: number | 'auto';
  /** A singular value of the within-class centred data at or below tol counts as zero (absolute). Default 1e-4. */
  readonly tol?: number;
}

/**
 * Linear discriminant analysis: Gaussian classes sharing one covariance, as scikit-learn's
 * LinearDiscriminantAnalysis(solver='lsqr'): the shared covariance is Σ = Σ_k π_k Σ_k with the per-class ML
 * (ddof 0, weighted) covariances Σ_k — sklearn's `covariance_` — shrunk per class when asked. (sklearn's default
 * 'svd' solver divides the pooled scatter by n − K instead, which changes the posteriors slightly.) The class
 * discriminants are linear: δ_k(x) = xᵀΣ⁻¹μ_k − ½μ_kᵀΣ⁻¹μ_k + log π_k. A rank-deficient within-class scatter
 * without shrinkage throws SINGULAR_COVARIANCE (set shrinkage); with shrinkage > 0 it is noted in
 * fitReport.details.
 */
export class LDA extends BayesClassifierBase {
  readonly kind = 'lda';
  protected readonly label = 'LDA';
  readonly shrinkage: number | 'auto';
  readonly tol: number;
  readonly givenPriors: readonly number[] | undefined;
  private means_: DenseMatrix = zeros(0, 0);
  private cov: Float64Array = new Float64Array(0);
  private priors_: Float64Array = new Float64Array(0);
  private classCoef_: DenseMatrix = zeros(0, 0);
  private classIntercept_: Float64Array = new Float64Array(0);

  constructor(options: LDAOptions = {}) {
    super();
    const s = options.shrinkage ?? 0;
    this.shrinkage = s === 'auto' ? s : checkOption(s, 'shrinkage', 'LDA', 0, 1);
    this.tol = checkOption(options.tol ?? 1e-4, 'tol', 'LDA', 0, Infinity, { hiOpen: true });
    this.givenPriors = options.priors ? [...options.priors] : undefined;
  }

  /** K×p class means. */
  get means(): DenseMatrix {
    return this.means_;
  }
  /** The shared p×p covariance (after shrinkage), row-major. */
  get covariance(): Float64Array {
    return this.cov;
  }
  /** The shared covariance once per class (the same array), for code that treats QDA and LDA alike. */
  get covariances(): readonly Float64Array[] {
    return Array.from({ length: this.nClasses_ }, () => this.cov);
  }
  get priors(): Float64Array {
    return this.priors_;
  }
  /** K×p: row k is Σ⁻¹μ_k, the slope of class k's discriminant δ_k(x). */
  get classCoef(): DenseMatrix {
    return this.classCoef_;
  }
  /** Per class: −½μ_kᵀΣ⁻¹μ_k + log π_k. */
  get classIntercept(): Float64Array {
    return this.classIntercept_;
  }
  /**
   * sklearn's coef_: for two classes the 1×p slope of the log posterior odds log P(1|x)/P(0|x) = coef·x + intercept;
   * for K > 2 the K×p class slopes.
   */
  get coef(): DenseMatrix {
    if (this.nClasses_ !== 2) return this.classCoef_;
    const p = this.nFeatures_, d = this.classCoef_.data;
    const out = zeros(1, p);
    for (let j = 0; j < p; j++) out.data[j] = d[p + j]! - d[j]!;
    return out;
  }
  /** sklearn's intercept_ (length 1 for two classes, K otherwise). */
  get intercept(): Float64Array {
    if (this.nClasses_ !== 2) return this.classIntercept_;
    return Float64Array.of(this.classIntercept_[1]! - this.classIntercept_[0]!);
  }

  fit(X: DenseMatrix, y: Int32Array, options: FitOptions = {}): this {
    checkNotCancelled(options, this.kind);
    const est = 'LDA';
    const { K, totals, priors, means, scat } = gaussianClassStats(X, y, options, this.givenPriors, est);
    const w = options.weights;
    const p = X.cols;
    const within = new Float64Array(p * p);
    for (const s of scat) for (let a = 0; a < p * p; a++) within[a]! += s.scatter[a]!;
    const rank = scatterRank(within, p, this.tol);
    const shrunk = this.shrinkage === 'auto' || this.shrinkage > 0;
    if (rank < p && !shrunk) {
      const d = findDegeneracy(within, p, this.tol * this.tol);
      const features = degenerateFeatures(d);
      throw new DiscernError(
        'SINGULAR_COVARIANCE',
        (n) =>
          `LDA: the pooled within-class covariance is singular (rank ${rank} of ${p} at tol ${this.tol}): ${describeDegeneracy(d, n, 'within every class')}; set ${n.option('shrinkage')} (e.g. 0.1 or 'auto')${features.length > 0 ? `, or remove ${features.length === 1 ? n.feature(features[0]!) : 'one of those features'}` : ''}`,
        { estimator: est, rank, features: p, option: 'shrinkage', ...(features.length > 0 ? { feature: features[0], degenerateFeatures: features } : {}) },
      );
    }
    const cov = new Float64Array(p * p);
    const lw: number[] = [];
    const rowsOf: number[][] = Array.from({ length: K }, () => []);
    if (this.shrinkage === 'auto') for (let i = 0; i < y.length; i++) rowsOf[y[i]!]!.push(i);
    for (let k = 0; k < K; k++) {
      let ck: Float64Array;
      if (this.shrinkage === 'auto') {
        const r = ledoitWolfClass(X, rowsOf[k]!, w, means.data.subarray(k * p, (k + 1) * p));
        ck = r.cov;
        lw.push(r.shrinkage);
      } else {
        ck = scat[k]!.scatter.map((v) => v / totals[k]!);
        if (this.shrinkage > 0) shrinkToTrace(ck, p, this.shrinkage);
      }
      for (let a = 0; a < p * p; a++) cov[a]! += priors[k]! * ck[a]!;
    }
    this.setModel(means, cov, priors);
    this.setFitted(K, p);
    this.report = closedFormReport({
      classWeights: Array.from(totals),
      withinRank: rank,
      ...(this.shrinkage === 'auto' ? { ledoitWolfShrinkage: lw } : {}),
      ...(rank < p ? { note: `pooled within-class covariance rank-deficient (rank ${rank} of ${p}), regularised by shrinkage` } : {}),
    });
    return this;
  }

  private setModel(means: DenseMatrix, cov: Float64Array, priors: Float64Array): void {
    const K = means.rows, p = means.cols;
    const chol = factorClassCovariance(cov, p, 'the pooled classes', (n) => `set ${n.option('shrinkage')} (e.g. 0.1 or 'auto'), or remove the feature`, 'LDA', 'shrinkage');
    const coef = zeros(K, p);
    const intercept = new Float64Array(K);
    for (let k = 0; k < K; k++) {
      const mu = means.data.subarray(k * p, (k + 1) * p);
      const b = choleskySolve(chol, mu);
      coef.data.set(b, k * p);
      let q = 0;
      for (let j = 0; j < p; j++) q += mu[j]! * b[j]!;
      intercept[k] = -0.5 * q + Math.log(priors[k]!);
    }
    this.means_ = means;
    this.cov = cov;
    this.priors_ = priors;
    this.classCoef_ = coef;
    this.classIntercept_ = intercept;
  }

  protected jointLogLikelihood(X: DenseMatrix): DenseMatrix {
    const K = this.nClasses_, p = this.nFeatures_, n = X.rows;
    const out = zeros(n, K);
    const B = this.classCoef_.data;
    for (let i = 0; i < n; i++)
      for (let k = 0; k < K; k++) {
        let s = this.classIntercept_[k]!;
        for (let j = 0; j < p; j++) s += X.data[i * p + j]! * B[k * p + j]!;
        out.data[i * K + k] = s;
      }
    return out;
  }

  toJSON(): ModelJSON {
    const p = this.nFeatures_;
    return this.modelJSON({ shrinkage: this.shrinkage, tol: this.tol }, () => ({ priors: Array.from(this.priors_), means: matrixToRows(this.means_), covariance: squareToRows(this.cov, p) }));
  }

  /** Rebuilds a model from toJSON's output, checked as loadEstimator does (MODEL_INVALID naming the field). */
  static fromJSON(json: unknown, source?: ModelSource): LDA {
    const b = BayesReader.open(json, 'lda', source);
    const shape = b.fitted ? b.shape() : undefined;
    const s = b.get('shrinkage');
    const m = b.construct(() => new LDA({ shrinkage: s.value === 'auto' ? 'auto' : s.number(), tol: b.get('tol').number(), ...b.priorsOption(shape?.K) }));
    if (!shape) return m;
    const { K, p } = shape;
    m.setModel({ rows: K, cols: p, data: b.get('means').numbers([K, p]) }, b.get('covariance').covariance(p), b.priors(K));
    m.setFitted(K, p);
    return m;
  }

}
