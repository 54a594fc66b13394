import { type DenseMatrix, LOG_2PI, zeros } from '@discern/linalg';
import { checkNotCancelled } from '../cancel.js';
import { type FitOptions, type ModelJSON } from '../estimator.js';
import { BayesClassifierBase, checkFitInput, checkOption, classMeans, classWeights, closedFormReport, resolvePriors } from './common.js';
import { type ModelSource } from '../model-json.js';
import { BayesReader, matrixToRows } from './json.js';

export interface GaussianNBOptions {
  /** Added to every variance: varSmoothing × the largest feature variance of the training data (sklearn's var_smoothing). Default 1e-9. */
  readonly varSmoothing?: number;
  /** Class priors (K positive numbers summing to 1); default: the weighted class fractions. */
  readonly priors?: readonly number[];
}

/**
 * Gaussian naive Bayes: features independent given the class, each normal with a per-class mean and variance
 * (weighted, ML: divided by the class weight), as scikit-learn's GaussianNB. As there, the smoothing ε is
 * varSmoothing × max_j Var(X_j) with the unweighted (ddof 0) variance of all training rows.
 */
export class GaussianNB extends BayesClassifierBase {
  readonly kind = 'gaussian-nb';
  protected readonly label = 'GaussianNB';
  readonly varSmoothing: number;
  readonly givenPriors: readonly number[] | undefined;
  private theta_: DenseMatrix = zeros(0, 0);
  private var_: DenseMatrix = zeros(0, 0);
  private priors_: Float64Array = new Float64Array(0);
  private epsilon_ = 0;

  constructor(options: GaussianNBOptions = {}) {
    super();
    this.varSmoothing = checkOption(options.varSmoothing ?? 1e-9, 'varSmoothing', 'GaussianNB', 0, Infinity, { hiOpen: true });
    this.givenPriors = options.priors ? [...options.priors] : undefined;
  }

  /** K×p class means. */
  get means(): DenseMatrix {
    return this.theta_;
  }
  /** K×p class variances, ε included. */
  get variances(): DenseMatrix {
    return this.var_;
  }
  get priors(): Float64Array {
    return this.priors_;
  }
  /** The absolute variance floor ε added to every variance. */
  get epsilon(): number {
    return this.epsilon_;
  }

  fit(X: DenseMatrix, y: Int32Array, options: FitOptions = {}): this {
    checkNotCancelled(options, this.kind);
    const est = 'GaussianNB';
    const K = checkFitInput(X, y, options, est);
    const w = options.weights;
    const n = X.rows, p = X.cols, d = X.data;
    const totals = classWeights(y, K, w, est);
    const priors = resolvePriors(this.givenPriors, totals, est);
    // ε from the unweighted variance of all rows, as sklearn (it ignores sample_weight here)
    let maxVar = 0;
    for (let j = 0; j < p; j++) {
      let m = 0;
      for (let i = 0; i < n; i++) m += d[i * p + j]!;
      m /= n;
      let v = 0;
      for (let i = 0; i < n; i++) v += (d[i * p + j]! - m) ** 2;
      maxVar = Math.max(maxVar, v / n);
    }
    const eps = this.varSmoothing * maxVar;
    const theta = classMeans(X, y, K, w, totals);
    const vars = zeros(K, p);
    for (let i = 0; i < n; i++) {
      const k = y[i]!;
      const wi = w ? w[i]! : 1;
      for (let j = 0; j < p; j++) vars.data[k * p + j]! += wi * (d[i * p + j]! - theta.data[k * p + j]!) ** 2;
    }
    let floored = 0;
    for (let k = 0; k < K; k++)
      for (let j = 0; j < p; j++) {
        const v = vars.data[k * p + j]! / totals[k]! + eps;
        // only reachable with varSmoothing 0 and a feature constant within a class: a tiny positive floor keeps
        // the log-density finite (the class then wins only at that exact value), and the report counts it
        if (!(v > 0)) floored++;
        vars.data[k * p + j] = v > 0 ? v : Number.MIN_VALUE ** 0.5;
      }
    this.theta_ = theta;
    this.var_ = vars;
    this.priors_ = priors;
    this.epsilon_ = eps;
    this.setFitted(K, p);
    this.report = closedFormReport({ epsilon: eps, classWeights: Array.from(totals), ...(floored > 0 ? { zeroVariancesFloored: floored } : {}) });
    return this;
  }

  protected jointLogLikelihood(X: DenseMatrix): DenseMatrix {
    const K = this.nClasses_, p = this.nFeatures_, n = X.rows;
    const out = zeros(n, K);
    // per class: log π_k − ½ Σ_j log(2π σ²_kj), then the quadratic term per row
    const c = new Float64Array(K);
    for (let k = 0; k < K; k++) {
      let s = 0;
      for (let j = 0; j < p; j++) s += LOG_2PI + Math.log(this.var_.data[k * p + j]!);
      c[k] = Math.log(this.priors_[k]!) - 0.5 * s;
    }
    for (let i = 0; i < n; i++)
      for (let k = 0; k < K; k++) {
        let q = 0;
        for (let j = 0; j < p; j++) {
          const dx = X.data[i * p + j]! - this.theta_.data[k * p + j]!;
          q += (dx * dx) / this.var_.data[k * p + j]!;
        }
        out.data[i * K + k] = c[k]! - 0.5 * q;
      }
    return out;
  }

  toJSON(): ModelJSON {
    return this.modelJSON({ varSmoothing: this.varSmoothing }, () => ({ priors: Array.from(this.priors_), means: matrixToRows(this.theta_), variances: matrixToRows(this.var_), epsilon: this.epsilon_ }));
  }

  /** Rebuilds a model from toJSON's output, checked as loadEstimator does (MODEL_INVALID naming the field). */
  static fromJSON(json: unknown, source?: ModelSource): GaussianNB {
    const b = BayesReader.open(json, 'gaussian-nb', source);
    const shape = b.fitted ? b.shape() : undefined;
    const m = b.construct(() => new GaussianNB({ varSmoothing: b.get('varSmoothing').number({ min: 0 }), ...b.priorsOption(shape?.K) }));
    if (!shape) return m;
    const { K, p } = shape;
    m.priors_ = b.priors(K);
    m.theta_ = { rows: K, cols: p, data: b.get('means').numbers([K, p]) };
    m.var_ = { rows: K, cols: p, data: b.get('variances').numbers([K, p], (v) => (v > 0 ? undefined : 'a positive variance')) };
    m.epsilon_ = b.get('epsilon').number({ min: 0 });
    m.setFitted(K, p);
    return m;
  }

}
