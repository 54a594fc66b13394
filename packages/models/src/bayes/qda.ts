import { type CholeskyResult, type DenseMatrix, cholesky, logDetFromCholesky, mvnLogPdfRows, zeros } from '@discern/linalg';
import { DEFAULT_NAMING, DiscernError, type Naming, isDiscernError } from '@discern/core';
import { checkNotCancelled } from '../cancel.js';
import { type FitOptions, type ModelJSON } from '../estimator.js';
import { BayesClassifierBase, checkOption, closedFormReport } from './common.js';
import { describeDegeneracy, degenerateFeatures, findDegeneracy } from '../degenerate.js';
import { gaussianClassStats, scatterRank } from './covariance.js';
import { type ModelSource } from '../model-json.js';
import { BayesReader, matrixToRows, squareToRows } from './json.js';

export interface QDAOptions {
  /** Class priors (K positive numbers summing to 1); default: the weighted class fractions. */
  readonly priors?: readonly number[];
  /** Shrinkage of each class covariance toward the identity: Σ ← (1 − r)Σ + r·I (sklearn's reg_param), r in [0, 1]. Default 0. */
  readonly regParam?: number;
  /** A singular value of a class's centred data at or below tol counts as zero (sklearn's tol, absolute). Default 1e-4. */
  readonly tol?: number;
}

/**
 * Factorises a class covariance, turning a Cholesky failure into an error that names the class, the features that
 * make it singular (when a variance is zero or two features are collinear) and the remedy (a template naming the
 * option to set).
 */
export function factorClassCovariance(cov: Float64Array, p: number, whatOf: string | ((n: Naming) => string), remedy: (n: Naming) => string, estimator: string, option?: string): CholeskyResult {
  const name = typeof whatOf === 'string' ? () => whatOf : whatOf;
  const what = name(DEFAULT_NAMING);
  try {
    return cholesky(cov, p, { what });
  } catch (e) {
    if (isDiscernError(e) && e.code === 'SINGULAR_COVARIANCE') {
      let maxVar = 0;
      for (let j = 0; j < p; j++) maxVar = Math.max(maxVar, Math.abs(cov[j * p + j]!));
      const d = findDegeneracy(cov, p, 1e-12 * maxVar);
      const features = degenerateFeatures(d);
      throw new DiscernError(
        'SINGULAR_COVARIANCE',
        (n) => `${estimator}: the covariance of ${name(n)} is not positive definite: ${describeDegeneracy(d, n, `in ${name(n)}`)}; ${remedy(n)}`,
        { estimator, what, ...(features.length > 0 ? { feature: features[0], features } : {}), ...(option ? { option } : {}) },
        { cause: e },
      );
    }
    throw e;
  }
}

/**
 * Quadratic discriminant analysis: one Gaussian per class with its own covariance, as scikit-learn's
 * QuadraticDiscriminantAnalysis. Class covariances are unbiased: the weighted scatter divided by
 * W_k − Σw²/W_k (n_k − 1 for unit weights, as sklearn; the reliability-weight form keeps the fit invariant to the
 * weights' scale). A class whose centred data has a singular value ≤ tol is rank-deficient: with regParam = 0 the
 * fit throws SINGULAR_COVARIANCE naming the class (sklearn would warn and return infinities); with regParam > 0
 * the shrunk covariance is positive definite and the class is listed in fitReport.details.rankDeficient.
 */
export class QDA extends BayesClassifierBase {
  readonly kind = 'qda';
  protected readonly label = 'QDA';
  readonly regParam: number;
  readonly tol: number;
  readonly givenPriors: readonly number[] | undefined;
  private means_: DenseMatrix = zeros(0, 0);
  private covs: Float64Array[] = [];
  private priors_: Float64Array = new Float64Array(0);
  private chol: CholeskyResult[] = [];
  private logDets: Float64Array = new Float64Array(0);

  constructor(options: QDAOptions = {}) {
    super();
    this.regParam = checkOption(options.regParam ?? 0, 'regParam', 'QDA', 0, 1);
    this.tol = checkOption(options.tol ?? 1e-4, 'tol', 'QDA', 0, Infinity, { hiOpen: true });
    this.givenPriors = options.priors ? [...options.priors] : undefined;
  }

  /** K×p class means. */
  get means(): DenseMatrix {
    return this.means_;
  }
  /** Per class, the p×p (regularised) covariance, row-major. */
  get covariances(): readonly Float64Array[] {
    return this.covs;
  }
  get priors(): Float64Array {
    return this.priors_;
  }

  fit(X: DenseMatrix, y: Int32Array, options: FitOptions = {}): this {
    checkNotCancelled(options, this.kind);
    const est = 'QDA';
    const { K, totals, priors, means, scat } = gaussianClassStats(X, y, options, this.givenPriors, est);
    const p = X.cols;
    const r = this.regParam;
    const rankDeficient: { class: number; rank: number }[] = [];
    const covs: Float64Array[] = [];
    for (let k = 0; k < K; k++) {
      const { scatter, sumW2 } = scat[k]!;
      const denom = totals[k]! - sumW2 / totals[k]!;
      if (!(denom > 0))
        throw new DiscernError('TOO_FEW_SAMPLES', (n) => `QDA: ${n.class(k)} has a single row (of positive weight); its covariance is undefined — QDA needs at least 2 rows per class`, { estimator: est, class: k });
      const rank = scatterRank(scatter, p, this.tol);
      if (rank < p) {
        if (r === 0) {
          // a feature is constant in the class when its singular value, √(its scatter), is within tol of 0
          const d = findDegeneracy(scatter, p, this.tol * this.tol);
          const features = degenerateFeatures(d);
          let rows = 0;
          for (let i = 0; i < y.length; i++) if (y[i] === k && (!options.weights || options.weights[i] !== 0)) rows++;
          throw new DiscernError(
            'SINGULAR_COVARIANCE',
            (n) =>
              `QDA: the covariance of ${n.class(k)} is singular (rank ${rank} of ${p} at tol ${this.tol}): ${describeDegeneracy(d, n, `in ${n.class(k)}`, rows, p)}; set ${n.option('regParam')} (e.g. 0.01) to shrink it toward the identity${features.length > 0 ? `, or remove ${features.length === 1 ? n.feature(features[0]!) : 'one of those features'}` : ''}`,
            { estimator: est, class: k, rank, features: p, option: 'regParam', ...(features.length > 0 ? { feature: features[0], degenerateFeatures: features } : {}) },
          );
        }
        rankDeficient.push({ class: k, rank });
      }
      const cov = new Float64Array(p * p);
      for (let a = 0; a < p * p; a++) cov[a] = ((1 - r) * scatter[a]!) / denom;
      for (let j = 0; j < p; j++) cov[j * p + j]! += r;
      covs.push(cov);
    }
    this.setModel(means, covs, priors);
    this.setFitted(K, p);
    this.report = closedFormReport({ classWeights: Array.from(totals), rankDeficient, ...(rankDeficient.length > 0 ? { note: `class covariance rank-deficient, regularised by regParam ${r}` } : {}) });
    return this;
  }

  private setModel(means: DenseMatrix, covs: Float64Array[], priors: Float64Array): void {
    const p = means.cols;
    this.means_ = means;
    this.covs = covs;
    this.priors_ = priors;
    this.chol = covs.map((c, k) => factorClassCovariance(c, p, (n) => n.class(k), (n) => `set ${n.option('regParam')} (e.g. 0.01), or remove the feature`, 'QDA', 'regParam'));
    this.logDets = Float64Array.from(this.chol.map(logDetFromCholesky));
  }

  protected jointLogLikelihood(X: DenseMatrix): DenseMatrix {
    const K = this.nClasses_, p = this.nFeatures_;
    const out = zeros(X.rows, K);
    // column k: log π_k + log N(x | μ_k, Σ_k), linalg's normal log-density with the log prior folded into its constant
    for (let k = 0; k < K; k++) mvnLogPdfRows(X, this.means_.data.subarray(k * p, (k + 1) * p), this.chol[k]!, out.data, k, K, Math.log(this.priors_[k]!), this.logDets[k]!);
    return out;
  }

  toJSON(): ModelJSON {
    const p = this.nFeatures_;
    return this.modelJSON({ regParam: this.regParam, tol: this.tol }, () => ({ priors: Array.from(this.priors_), means: matrixToRows(this.means_), covariances: this.covs.map((c) => squareToRows(c, p)) }));
  }

  /** Rebuilds a model from toJSON's output, checked as loadEstimator does (MODEL_INVALID naming the field). */
  static fromJSON(json: unknown, source?: ModelSource): QDA {
    const b = BayesReader.open(json, 'qda', source);
    const shape = b.fitted ? b.shape() : undefined;
    const m = b.construct(() => new QDA({ regParam: b.get('regParam').number(), tol: b.get('tol').number(), ...b.priorsOption(shape?.K) }));
    if (!shape) return m;
    const { K, p } = shape;
    const means = { rows: K, cols: p, data: b.get('means').numbers([K, p]) };
    const covs = b.get('covariances').items(K).map((c) => c.covariance(p));
    m.setModel(means, covs, b.priors(K));
    m.setFitted(K, p);
    return m;
  }

}
