import { type DenseMatrix, logSoftmaxInto, zeros } from '@discern/linalg';
import { DiscernError } from '@discern/core';
import { argmaxRows, type Classifier, type FitOptions, type FitReport, type ModelJSON } from '../estimator.js';
import { checkPredictX, checkWeights, checkXy, notFitted, weightSumOverflow } from '../validate.js';

/**
 * The shared skeleton of every Bayes classifier here: a subclass computes the joint log-likelihood
 * log π_k + log p(x | k) per row and class; the posterior follows by Bayes' rule, normalised in log space with
 * log-sum-exp so that no class underflows to 0/0.
 */
export abstract class BayesClassifierBase implements Classifier {
  abstract readonly kind: string;
  /** The class name used in error messages (not constructor.name, which bundlers may mangle). */
  protected abstract readonly label: string;
  protected fitted = false;
  protected nClasses_ = 0;
  protected nFeatures_ = 0;
  protected report: FitReport | undefined;
  /** Class priors given as an option; undefined: the weighted class fractions of the training data. */
  abstract readonly givenPriors: readonly number[] | undefined;

  get nClasses(): number {
    return this.nClasses_;
  }
  get nFeatures(): number {
    return this.nFeatures_;
  }
  get fitReport(): FitReport | undefined {
    return this.report;
  }

  abstract fit(X: DenseMatrix, y: Int32Array, options?: FitOptions): this;
  abstract toJSON(): ModelJSON;

  /** Records the shape of a fitted model (at the end of fit, or in fromJSON). */
  protected setFitted(nClasses: number, nFeatures: number): void {
    this.nClasses_ = nClasses;
    this.nFeatures_ = nFeatures;
    this.fitted = true;
  }

  /**
   * toJSON's layout, shared by every Bayes classifier: kind, fitted, the estimator's own `options`, priorsGiven,
   * nClasses, nFeatures, then (fitted models only) the fitted `parameters`.
   */
  protected modelJSON(options: Record<string, unknown>, parameters: () => Record<string, unknown>): ModelJSON {
    return {
      kind: this.kind,
      fitted: this.fitted,
      ...options,
      priorsGiven: this.givenPriors ? [...this.givenPriors] : null,
      nClasses: this.nClasses_,
      nFeatures: this.nFeatures_,
      ...(this.fitted ? parameters() : {}),
    };
  }

  /** Missing values (NaN) accepted at predict time (CategoricalNB only). */
  protected get allowMissing(): boolean {
    return false;
  }

  /** n×K unnormalised log posterior log π_k + log p(x|k) (up to a per-row constant), on checked input. */
  protected abstract jointLogLikelihood(X: DenseMatrix): DenseMatrix;

  protected checkPredict(X: DenseMatrix): void {
    if (!this.fitted) throw notFitted(this.label);
    checkPredictX(X, this.nFeatures_, this.label, { allowMissing: this.allowMissing });
  }

  /** The joint log-likelihood of each row and class (unnormalised log posterior), n×K. */
  jointLogLikelihoodOf(X: DenseMatrix): DenseMatrix {
    this.checkPredict(X);
    return this.jointLogLikelihood(X);
  }

  /** n×K log P(class k | x), normalised with log-sum-exp. */
  predictLogProba(X: DenseMatrix): DenseMatrix {
    this.checkPredict(X);
    const J = this.jointLogLikelihood(X);
    normaliseLogRowsInPlace(J);
    return J;
  }

  predictProba(X: DenseMatrix): DenseMatrix {
    const L = this.predictLogProba(X);
    const d = L.data;
    for (let i = 0; i < d.length; i++) d[i] = Math.exp(d[i]!);
    return L;
  }

  predict(X: DenseMatrix): Int32Array {
    this.checkPredict(X);
    return argmaxRows(this.jointLogLikelihood(X));
  }
}

/**
 * Subtracts each row's log-sum-exp, turning joint log-likelihoods into log posteriors (linalg's logSoftmaxInto: a row
 * impossible under every class gets the uniform posterior, never NaN).
 */
export function normaliseLogRowsInPlace(J: DenseMatrix): void {
  const { rows: n, cols: k, data } = J;
  for (let i = 0; i < n; i++) logSoftmaxInto(data, i * k, k, data, i * k);
}

/** Checks X, y and weights the same way for every Bayes classifier; returns K. */
export function checkFitInput(X: DenseMatrix, y: Int32Array, options: FitOptions | undefined, estimator: string, minSamples = 2, allowMissing = false, allowNegative = false): number {
  const K = checkXy(X, y, estimator, minSamples, { allowMissing });
  checkWeights(options?.weights, X.rows, estimator, allowNegative);
  return K;
}

/**
 * Per-class total weight (row counts without weights). A class index below K that has no rows, or only rows of
 * weight 0, has no estimate: LABEL_INVALID naming it.
 */
export function classWeights(y: Int32Array, K: number, w: Float64Array | undefined, estimator: string): Float64Array {
  const tot = new Float64Array(K);
  let largest = 0;
  for (let i = 0; i < y.length; i++) {
    tot[y[i]!]! += w ? w[i]! : 1;
    if (w && Math.abs(w[i]!) > largest) largest = Math.abs(w[i]!);
  }
  for (let k = 0; k < K; k++) if (!Number.isFinite(tot[k]!)) throw weightSumOverflow(estimator, `the event weights of class ${k}`, tot[k]!, largest);
  for (let k = 0; k < K; k++)
    if (!(tot[k]! > 0))
      throw new DiscernError('LABEL_INVALID', (n) => `${estimator}: ${n.class(k)} has no training rows with positive weight; labels must be 0..K-1 with every class present`, { estimator, class: k });
  return tot;
}

/**
 * Class priors: given ones are checked (K positive numbers summing to 1 within 1e-8), otherwise the weighted class
 * fractions of the training data.
 */
export function resolvePriors(given: readonly number[] | undefined, classTotals: Float64Array, estimator: string): Float64Array {
  const K = classTotals.length;
  if (given === undefined) {
    let s = 0, largest = 0;
    for (let k = 0; k < K; k++) {
      s += classTotals[k]!;
      largest = Math.max(largest, Math.abs(classTotals[k]!));
    }
    if (!Number.isFinite(s)) throw weightSumOverflow(estimator, 'the class totals of the event weights', s, largest);
    return classTotals.map((t) => t / s);
  }
  if (given.length !== K)
    throw new DiscernError('INVALID_ARGUMENT', (n) => `${estimator}: ${n.option('priors')} has ${given.length} values for ${K} classes; give one prior per class`, { estimator, option: 'priors', priors: given.length, classes: K });
  let s = 0;
  for (let k = 0; k < K; k++) {
    const v = given[k]!;
    if (!(Number.isFinite(v) && v > 0))
      throw new DiscernError('INVALID_ARGUMENT', (n) => `${estimator}: ${n.option('priors')}[${k}] (${n.class(k)}) is ${v}; priors must be positive finite numbers`, { estimator, option: 'priors', class: k, value: v });
    s += v;
  }
  if (Math.abs(s - 1) > 1e-8) throw new DiscernError('INVALID_ARGUMENT', (n) => `${estimator}: ${n.option('priors')} sum to ${s}; they must sum to 1`, { estimator, option: 'priors', sum: s });
  return Float64Array.from(given);
}

/** Validates a numeric option: finite and within [lo, hi] (bounds inclusive unless stated). */
export function checkOption(value: number, name: string, estimator: string, lo: number, hi: number, opts: { loOpen?: boolean; hiOpen?: boolean } = {}): number {
  const okLo = opts.loOpen ? value > lo : value >= lo;
  const okHi = opts.hiOpen ? value < hi : value <= hi;
  if (!(Number.isFinite(value) && okLo && okHi)) {
    const range = `${opts.loOpen ? '(' : '['}${lo}, ${hi}${opts.hiOpen ? ')' : ']'}`;
    throw new DiscernError('INVALID_ARGUMENT', (n) => `${estimator}: ${n.option(name)} is ${value}; it must be a number in ${range}`, { estimator, option: name, value });
  }
  return value;
}

/**
 * Additive smoothing of a rows×cols table of (weighted) counts, in place: each entry becomes
 * log((count + α) / Σ_row (count + α)), the smoothed log-probability of its column within its row.
 */
export function smoothedLogRows(data: Float64Array, rows: number, cols: number, alpha: number): void {
  for (let k = 0; k < rows; k++) {
    let s = 0;
    for (let c = 0; c < cols; c++) s += data[k * cols + c]! + alpha;
    const ls = Math.log(s);
    for (let c = 0; c < cols; c++) data[k * cols + c] = Math.log(data[k * cols + c]! + alpha) - ls;
  }
}

/** A closed-form fit: one pass, nothing to converge. */
export function closedFormReport(details: Record<string, unknown>): FitReport {
  return { iterations: 1, converged: true, reason: 'closed_form', history: [], historyLabel: 'none', details };
}

/** Row-major K×p matrix of class means (weighted). */
export function classMeans(X: DenseMatrix, y: Int32Array, K: number, w: Float64Array | undefined, classTotals: Float64Array): DenseMatrix {
  const p = X.cols;
  const M = zeros(K, p);
  for (let i = 0; i < X.rows; i++) {
    const k = y[i]!;
    const wi = w ? w[i]! : 1;
    if (wi === 0) continue;
    for (let j = 0; j < p; j++) M.data[k * p + j]! += wi * X.data[i * p + j]!;
  }
  for (let k = 0; k < K; k++) for (let j = 0; j < p; j++) M.data[k * p + j]! /= classTotals[k]!;
  return M;
}
