import { type DenseMatrix } from '@discern/linalg';
import { DiscernError } from '@discern/core';
import { confusionCounts, labelPair, type LabelPair } from './confusion.js';

/**
 * Rates derived from the confusion matrix, following scikit-learn 1.2's definitions. Undefined ratios (0/0, e.g.
 * precision of a class never predicted) are 0, which is the value sklearn returns under its default
 * zero_division="warn" (it also warns; we do not).
 */

export type Average = 'binary' | 'macro' | 'micro' | 'weighted';

export interface RateOptions {
  /** 'binary' (default, needs at most 2 classes) reports posLabel's rates; the others combine all K classes. */
  average?: Average;
  /** Positive class for average 'binary' (default 1). */
  posLabel?: number;
  weights?: ArrayLike<number>;
  /** Number of classes K; default 1 + the largest index seen. Averages run over all K classes. */
  nClasses?: number;
}

export interface PerClassRates {
  tp: Float64Array;
  fp: Float64Array;
  fn: Float64Array;
  tn: Float64Array;
  /** Weighted count of true members of each class. */
  support: Float64Array;
}

/** One-vs-rest counts of every class from the confusion matrix (sklearn's multilabel_confusion_matrix). */
export function perClassCounts(pair: LabelPair): PerClassRates {
  return ratesFromCounts(confusionCounts(pair));
}

/** perClassCounts of a K×K confusion matrix already counted (row = true class). */
export function ratesFromCounts(cm: DenseMatrix): PerClassRates {
  const K = cm.rows;
  const d = cm.data;
  const tp = new Float64Array(K), fp = new Float64Array(K), fn = new Float64Array(K), tn = new Float64Array(K), support = new Float64Array(K);
  let total = 0;
  for (let k = 0; k < d.length; k++) total += d[k]!;
  for (let c = 0; c < K; c++) {
    let row = 0, col = 0;
    for (let j = 0; j < K; j++) {
      row += d[c * K + j]!;
      col += d[j * K + c]!;
    }
    const t = d[c * K + c]!;
    tp[c] = t;
    fn[c] = row - t;
    fp[c] = col - t;
    tn[c] = total - row - col + t;
    support[c] = row;
  }
  return { tp, fp, fn, tn, support };
}

function divide(a: number, b: number): number {
  return b === 0 ? 0 : a / b;
}

function checkAverage(average: Average, posLabel: number, K: number): void {
  if (average === 'binary') {
    if (K > 2) {
      throw new DiscernError('INVALID_ARGUMENT', `average 'binary' needs at most 2 classes but the labels have ${K}; use 'macro', 'micro' or 'weighted'`, {
        average,
        nClasses: K,
      });
    }
    if (!(Number.isInteger(posLabel) && posLabel >= 0 && posLabel < 2)) {
      throw new DiscernError('INVALID_ARGUMENT', `posLabel is ${posLabel}; for binary labels it must be 0 or 1`, { posLabel });
    }
  } else if (average !== 'macro' && average !== 'micro' && average !== 'weighted') {
    throw new DiscernError('INVALID_ARGUMENT', `average is ${String(average)}; expected 'binary', 'macro', 'micro' or 'weighted'`, { average });
  }
}

/** Averages per-class numerators/denominators the sklearn way; `num`/`den` pick the ratio (e.g. tp / (tp+fp)). */
function averaged(r: PerClassRates, average: Average, posLabel: number, ratio: (c: number) => [number, number], f1 = false): number {
  const K = r.tp.length;
  const value = (c: number): number => {
    if (!f1) {
      const [a, b] = ratio(c);
      return divide(a, b);
    }
    const p = divide(r.tp[c]!, r.tp[c]! + r.fp[c]!);
    const q = divide(r.tp[c]!, r.tp[c]! + r.fn[c]!);
    const den = p + q;
    return den === 0 ? 0 : (2 * p * q) / den;
  };
  if (average === 'binary') return value(posLabel);
  if (average === 'micro') {
    if (!f1) {
      let a = 0, b = 0;
      for (let c = 0; c < K; c++) {
        const [x, y] = ratio(c);
        a += x;
        b += y;
      }
      return divide(a, b);
    }
    let tp = 0, fp = 0, fn = 0;
    for (let c = 0; c < K; c++) {
      tp += r.tp[c]!;
      fp += r.fp[c]!;
      fn += r.fn[c]!;
    }
    const p = divide(tp, tp + fp), q = divide(tp, tp + fn);
    return p + q === 0 ? 0 : (2 * p * q) / (p + q);
  }
  if (average === 'macro') {
    let s = 0;
    for (let c = 0; c < K; c++) s += value(c);
    return s / K;
  }
  // 'weighted': by support; sklearn returns 0 when the supports sum to 0
  let s = 0, w = 0;
  for (let c = 0; c < K; c++) {
    s += r.support[c]! * value(c);
    w += r.support[c]!;
  }
  return w === 0 ? 0 : s / w;
}

function prepare(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, o: RateOptions): { r: PerClassRates; average: Average; pos: number } {
  const pair = labelPair(yTrue, yPred, o.weights, o.nClasses);
  const average = o.average ?? 'binary';
  const pos = o.posLabel ?? 1;
  checkAverage(average, pos, pair.nClasses);
  return { r: perClassCounts(pair), average, pos };
}

/** Fraction (weighted) of samples whose predicted class equals the true class. */
export function accuracy(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, options: { weights?: ArrayLike<number> } = {}): number {
  const { yTrue: t, yPred: p, weights: w } = labelPair(yTrue, yPred, options.weights);
  let hit = 0, total = 0;
  for (let i = 0; i < t.length; i++) {
    const wi = w ? w[i]! : 1;
    total += wi;
    if (t[i] === p[i]) hit += wi;
  }
  if (total === 0) throw new DiscernError('DATA_INVALID', 'the weights sum to 0; accuracy is undefined', { total });
  return hit / total;
}

/** tp / (tp + fp). */
export function precision(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, options: RateOptions = {}): number {
  const { r, average, pos } = prepare(yTrue, yPred, options);
  return averaged(r, average, pos, (c) => [r.tp[c]!, r.tp[c]! + r.fp[c]!]);
}

/** tp / (tp + fn): sensitivity, true-positive rate, signal efficiency. */
export function recall(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, options: RateOptions = {}): number {
  const { r, average, pos } = prepare(yTrue, yPred, options);
  return averaged(r, average, pos, (c) => [r.tp[c]!, r.tp[c]! + r.fn[c]!]);
}

/** tn / (tn + fp): true-negative rate (for binary, the recall of the negative class). */
export function specificity(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, options: RateOptions = {}): number {
  const { r, average, pos } = prepare(yTrue, yPred, options);
  return averaged(r, average, pos, (c) => [r.tn[c]!, r.tn[c]! + r.fp[c]!]);
}

/** Harmonic mean of precision and recall per class, then averaged (sklearn: micro uses the pooled precision and recall). */
export function f1Score(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, options: RateOptions = {}): number {
  const { r, average, pos } = prepare(yTrue, yPred, options);
  return averaged(r, average, pos, () => [0, 0], true);
}

/** Precision, recall and F1 from one pass. */
export function precisionRecallF1(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options: RateOptions = {},
): { precision: number; recall: number; f1: number } {
  const { r, average, pos } = prepare(yTrue, yPred, options);
  return precisionRecallF1FromRates(r, average, pos);
}

/** precisionRecallF1 from one-vs-rest counts (ratesFromCounts). */
export function precisionRecallF1FromRates(r: PerClassRates, average: Average, pos: number): { precision: number; recall: number; f1: number } {
  checkAverage(average, pos, r.tp.length);
  return {
    precision: averaged(r, average, pos, (c) => [r.tp[c]!, r.tp[c]! + r.fp[c]!]),
    recall: averaged(r, average, pos, (c) => [r.tp[c]!, r.tp[c]! + r.fn[c]!]),
    f1: averaged(r, average, pos, () => [0, 0], true),
  };
}

/** Mean per-class recall over the classes present in yTrue (classes with zero true weight are skipped, as sklearn). */
export function balancedAccuracy(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, options: { weights?: ArrayLike<number>; nClasses?: number } = {}): number {
  return balancedAccuracyFromRates(perClassCounts(labelPair(yTrue, yPred, options.weights, options.nClasses)));
}

/** balancedAccuracy from one-vs-rest counts (ratesFromCounts). */
export function balancedAccuracyFromRates(r: PerClassRates): number {
  let s = 0, m = 0;
  for (let c = 0; c < r.tp.length; c++) {
    if (r.support[c] === 0) continue;
    s += r.tp[c]! / r.support[c]!;
    m++;
  }
  if (m === 0) throw new DiscernError('DATA_INVALID', 'balanced accuracy: no class has a non-zero total weight in yTrue', {});
  return s / m;
}

/**
 * Matthews correlation coefficient, K-class form (Gorodkin 2004) as in sklearn:
 * (c·s − Σ p_k t_k) / sqrt((s² − Σ p_k²)(s² − Σ t_k²)); 0 when either factor is 0.
 */
export function matthewsCorrcoef(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, options: { weights?: ArrayLike<number>; nClasses?: number } = {}): number {
  return matthewsFromCounts(confusionCounts(labelPair(yTrue, yPred, options.weights, options.nClasses)));
}

/** matthewsCorrcoef of a K×K confusion matrix already counted. */
export function matthewsFromCounts(cm: DenseMatrix): number {
  const K = cm.rows, d = cm.data;
  let correct = 0, s = 0, tp = 0, pp = 0, tt = 0;
  for (let k = 0; k < K; k++) {
    let t = 0, p = 0;
    for (let j = 0; j < K; j++) {
      t += d[k * K + j]!;
      p += d[j * K + k]!;
    }
    correct += d[k * K + k]!;
    s += p;
    tp += t * p;
    pp += p * p;
    tt += t * t;
  }
  const cov = correct * s - tp;
  const vp = s * s - pp, vt = s * s - tt;
  if (vp * vt === 0) return 0;
  return cov / Math.sqrt(vt * vp);
}
