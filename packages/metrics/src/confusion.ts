import { type DenseMatrix } from '@discern/linalg';
import { DiscernError } from '@discern/core';
import { checkLength, checkNonEmpty, toLabels, toWeights } from './validate.js';

export type Normalize = 'true' | 'pred' | 'all';

export interface ConfusionOptions {
  /** Event weights (any sign); counts become weighted sums. */
  weights?: ArrayLike<number>;
  /** Number of classes K; default 1 + the largest index seen in yTrue or yPred. */
  nClasses?: number;
  /** Divide by row sums ('true'), column sums ('pred') or the grand total ('all'); an empty row/column gives 0 as in sklearn. */
  normalize?: Normalize;
}

/** Largest class index + 1 over both label arrays (at least 2, so a binary problem with one class present stays binary). */
export function inferClasses(a: Int32Array, b?: Int32Array): number {
  let k = 1;
  for (let i = 0; i < a.length; i++) if (a[i]! + 1 > k) k = a[i]! + 1;
  if (b) for (let i = 0; i < b.length; i++) if (b[i]! + 1 > k) k = b[i]! + 1;
  return Math.max(k, 2);
}

export interface LabelPair {
  yTrue: Int32Array;
  yPred: Int32Array;
  weights: Float64Array | undefined;
  nClasses: number;
}

/** Validates a (yTrue, yPred, weights) triple and fixes K. */
export function labelPair(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, weights?: ArrayLike<number>, nClasses?: number): LabelPair {
  const n = yTrue.length;
  checkNonEmpty(n, 'yTrue');
  checkLength(yPred, n, 'yPred');
  if (nClasses !== undefined && !(Number.isInteger(nClasses) && nClasses >= 1)) {
    throw new DiscernError('INVALID_ARGUMENT', `nClasses is ${nClasses}; expected a positive integer`, { nClasses });
  }
  const t = toLabels(yTrue, 'yTrue', nClasses);
  const p = toLabels(yPred, 'yPred', nClasses);
  return { yTrue: t, yPred: p, weights: toWeights(weights, n), nClasses: nClasses ?? inferClasses(t, p) };
}

/** Raw K×K counts (row = true class, column = predicted class, as sklearn), weighted when weights are given. */
export function confusionCounts(pair: LabelPair): DenseMatrix {
  const K = pair.nClasses;
  const c = new Float64Array(K * K);
  const { yTrue, yPred, weights } = pair;
  if (weights) for (let i = 0; i < yTrue.length; i++) c[yTrue[i]! * K + yPred[i]!]! += weights[i]!;
  else for (let i = 0; i < yTrue.length; i++) c[yTrue[i]! * K + yPred[i]!]! += 1;
  return { rows: K, cols: K, data: c };
}

/** Confusion matrix of class indices, optionally weighted and normalised. */
export function confusionMatrix(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, options: ConfusionOptions = {}): DenseMatrix {
  const cm = confusionCounts(labelPair(yTrue, yPred, options.weights, options.nClasses));
  if (options.normalize !== undefined) normalizeInPlace(cm, options.normalize);
  return cm;
}

function normalizeInPlace(cm: DenseMatrix, how: Normalize): void {
  const K = cm.rows;
  const d = cm.data;
  // sklearn divides and then maps NaN/inf (empty row or column) to 0; we skip zero sums to the same effect
  if (how === 'all') {
    let s = 0;
    for (let k = 0; k < d.length; k++) s += d[k]!;
    for (let k = 0; k < d.length; k++) d[k] = s === 0 ? 0 : d[k]! / s;
  } else if (how === 'true') {
    for (let i = 0; i < K; i++) {
      let s = 0;
      for (let j = 0; j < K; j++) s += d[i * K + j]!;
      for (let j = 0; j < K; j++) d[i * K + j] = s === 0 ? 0 : d[i * K + j]! / s;
    }
  } else if (how === 'pred') {
    for (let j = 0; j < K; j++) {
      let s = 0;
      for (let i = 0; i < K; i++) s += d[i * K + j]!;
      for (let i = 0; i < K; i++) d[i * K + j] = s === 0 ? 0 : d[i * K + j]! / s;
    }
  } else {
    throw new DiscernError('INVALID_ARGUMENT', `normalize is ${String(how)}; expected 'true', 'pred' or 'all'`, { normalize: how });
  }
}
