import { type DenseMatrix, zeros } from '@discern/linalg';
import { DiscernError } from '@discern/core';
import { checkNotCancelled } from '../cancel.js';
import { type FitOptions, type ModelJSON } from '../estimator.js';
import { BayesClassifierBase, checkFitInput, checkOption, classWeights, closedFormReport, resolvePriors, smoothedLogRows } from './common.js';
import { type ModelSource } from '../model-json.js';
import { BayesReader, matrixToRows } from './json.js';

export interface MultinomialNBOptions {
  /** Additive (Laplace/Lidstone) smoothing of the feature counts; must be > 0. Default 1. */
  readonly alpha?: number;
  /** Class priors (K positive numbers summing to 1); default: the weighted class fractions. */
  readonly priors?: readonly number[];
}

/** Throws DATA_INVALID at the first negative entry: counts (and count-like features such as tf-idf) are ≥ 0. */
export function checkNonNegative(X: DenseMatrix, estimator: string): void {
  const d = X.data;
  for (let k = 0; k < d.length; k++)
    if (d[k]! < 0) {
      const row = Math.floor(k / X.cols), col = k % X.cols;
      const v = d[k]!;
      throw new DiscernError('DATA_INVALID', (n) => `${estimator}: the value ${v} at ${n.row(row)}, ${n.feature(col)} is negative; features must be non-negative counts`, { estimator, row, feature: col, value: v });
    }
}

/**
 * Multinomial naive Bayes for count features (word counts, pixel intensities), as scikit-learn's MultinomialNB:
 * log P(j | k) = log(N_kj + α) − log(Σ_j N_kj + α p), with N_kj the weighted count of feature j in class k.
 */
export class MultinomialNB extends BayesClassifierBase {
  readonly kind = 'multinomial-nb';
  protected readonly label = 'MultinomialNB';
  readonly alpha: number;
  readonly givenPriors: readonly number[] | undefined;
  private flp: DenseMatrix = zeros(0, 0);
  private priors_: Float64Array = new Float64Array(0);

  constructor(options: MultinomialNBOptions = {}) {
    super();
    // α = 0 gives log 0 for a feature unseen in a class, and 0/0 posteriors for rows that have it in every class
    this.alpha = checkOption(options.alpha ?? 1, 'alpha', 'MultinomialNB', 0, Infinity, { loOpen: true, hiOpen: true });
    this.givenPriors = options.priors ? [...options.priors] : undefined;
  }

  /** K×p log P(feature j | class k). */
  get featureLogProb(): DenseMatrix {
    return this.flp;
  }
  get priors(): Float64Array {
    return this.priors_;
  }

  fit(X: DenseMatrix, y: Int32Array, options: FitOptions = {}): this {
    checkNotCancelled(options, this.kind);
    const est = 'MultinomialNB';
    const K = checkFitInput(X, y, options, est);
    checkNonNegative(X, est);
    const w = options.weights;
    const n = X.rows, p = X.cols;
    const totals = classWeights(y, K, w, est);
    const counts = zeros(K, p);
    for (let i = 0; i < n; i++) {
      const k = y[i]!, wi = w ? w[i]! : 1;
      for (let j = 0; j < p; j++) counts.data[k * p + j]! += wi * X.data[i * p + j]!;
    }
    smoothedLogRows(counts.data, K, p, this.alpha);
    this.flp = counts;
    this.priors_ = resolvePriors(this.givenPriors, totals, est);
    this.setFitted(K, p);
    this.report = closedFormReport({ classWeights: Array.from(totals) });
    return this;
  }

  protected override checkPredict(X: DenseMatrix): void {
    super.checkPredict(X);
    checkNonNegative(X, 'MultinomialNB');
  }

  protected jointLogLikelihood(X: DenseMatrix): DenseMatrix {
    const K = this.nClasses_, p = this.nFeatures_, n = X.rows;
    const out = zeros(n, K);
    for (let i = 0; i < n; i++)
      for (let k = 0; k < K; k++) {
        let s = Math.log(this.priors_[k]!);
        for (let j = 0; j < p; j++) s += X.data[i * p + j]! * this.flp.data[k * p + j]!;
        out.data[i * K + k] = s;
      }
    return out;
  }

  toJSON(): ModelJSON {
    return this.modelJSON({ alpha: this.alpha }, () => ({ priors: Array.from(this.priors_), featureLogProb: matrixToRows(this.flp) }));
  }

  /** Rebuilds a model from toJSON's output, checked as loadEstimator does (MODEL_INVALID naming the field). */
  static fromJSON(json: unknown, source?: ModelSource): MultinomialNB {
    const b = BayesReader.open(json, 'multinomial-nb', source);
    const shape = b.fitted ? b.shape() : undefined;
    const m = b.construct(() => new MultinomialNB({ alpha: b.get('alpha').number(), ...b.priorsOption(shape?.K) }));
    if (!shape) return m;
    const { K, p } = shape;
    m.priors_ = b.priors(K);
    m.flp = { rows: K, cols: p, data: b.get('featureLogProb').logDistributions(K, p) };
    m.setFitted(K, p);
    return m;
  }

}
