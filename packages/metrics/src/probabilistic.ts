import { type DenseMatrix } from '@discern/linalg';
import { DiscernError } from '@discern/core';
import { asLabels, asWeights, checkLength, checkNonEmpty, checkProbabilities, checkRowsSumToOne, isDenseMatrix } from './validate.js';

export interface LogLossOptions {
  weights?: ArrayLike<number>;
  /**
   * Probabilities are clipped to [eps, 1 − eps] so that a confident mistake costs a large finite loss, not
   * Infinity. Default 1e-15, sklearn's long-standing default (sklearn 1.2 changed its default to float64 eps,
   * 2.2e-16; pass that to reproduce it). After clipping, each row is renormalised, as sklearn does.
   */
  eps?: number;
}

/** Σ w_i·loss_i / Σ w_i, accumulated as the losses come (no array of n losses). */
class WeightedMean {
  private s = 0;
  private t = 0;
  constructor(private readonly w: Float64Array | undefined) {}
  add(i: number, loss: number): void {
    const wi = this.w ? this.w[i]! : 1;
    this.s += wi * loss;
    this.t += wi;
  }
  value(): number {
    if (this.t === 0) throw new DiscernError('DATA_INVALID', 'the weights sum to 0; a weighted mean is undefined', { total: this.t });
    return this.s / this.t;
  }
}

/**
 * Cross-entropy −(1/Σw) Σ w_i log p_i(y_i). `proba` is an n×K matrix of class probabilities (rows summing to 1), or
 * for binary labels a vector of P(class 1).
 */
export function logLoss(yTrue: ArrayLike<number>, proba: DenseMatrix | ArrayLike<number>, options: LogLossOptions = {}): number {
  const n = yTrue.length;
  checkNonEmpty(n, 'yTrue');
  const eps = options.eps ?? 1e-15;
  if (!(eps >= 0 && eps < 0.5)) throw new DiscernError('INVALID_ARGUMENT', `eps is ${eps}; expected a number in [0, 0.5)`, { eps });
  const mean = new WeightedMean(asWeights(options.weights, n));
  if (isDenseMatrix(proba)) {
    const K = proba.cols;
    checkLength({ length: proba.rows }, n, 'proba rows');
    if (K < 2) throw new DiscernError('INVALID_ARGUMENT', `proba has ${K} column(s); log loss needs at least 2 classes`, { cols: K });
    const y = asLabels(yTrue, 'yTrue', K);
    checkRowsSumToOne(proba, 'proba');
    const d = proba.data;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < K; j++) s += clamp(d[i * K + j]!, eps);
      mean.add(i, -Math.log(clamp(d[i * K + y[i]!]!, eps) / s));
    }
  } else {
    checkLength(proba, n, 'proba');
    const y = asLabels(yTrue, 'yTrue', 2);
    checkProbabilities(proba, 'proba');
    for (let i = 0; i < n; i++) {
      const p = clamp(proba[i]!, eps);
      // sklearn stacks [1 − p, p] after clipping and renormalises the pair
      const q = 1 - p;
      mean.add(i, -Math.log((y[i] === 1 ? p : q) / (q + p)));
    }
  }
  return mean.value();
}

function clamp(p: number, eps: number): number {
  return p < eps ? eps : p > 1 - eps ? 1 - eps : p;
}

/** Brier score (1/Σw) Σ w_i (y_i − p_i)² of binary labels (1 = positive) against P(positive). */
export function brierScore(yTrue: ArrayLike<number>, probPositive: ArrayLike<number>, options: { weights?: ArrayLike<number> } = {}): number {
  const n = yTrue.length;
  checkNonEmpty(n, 'yTrue');
  checkLength(probPositive, n, 'probPositive');
  const y = asLabels(yTrue, 'yTrue', 2);
  checkProbabilities(probPositive, 'probPositive');
  const mean = new WeightedMean(asWeights(options.weights, n));
  for (let i = 0; i < n; i++) {
    const r = y[i]! - probPositive[i]!;
    mean.add(i, r * r);
  }
  return mean.value();
}

/**
 * brierScore of "class `positive` or not" against P(positive), read straight from the labels (no 0/1 copy of them):
 * for callers that validated labels and probabilities already.
 */
export function brierOfClass(yTrue: Int32Array, positive: number, probPositive: ArrayLike<number>, weights: Float64Array | undefined): number {
  const mean = new WeightedMean(weights);
  for (let i = 0; i < yTrue.length; i++) {
    const r = (yTrue[i] === positive ? 1 : 0) - probPositive[i]!;
    mean.add(i, r * r);
  }
  return mean.value();
}
