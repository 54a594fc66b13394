import { DiscernError } from '@discern/linalg';
import { binaryClfCurve, binaryInput, type BinaryOptions } from './roc.js';

/** Precision–recall curve and average precision, as sklearn 1.2 precision_recall_curve / average_precision_score. */

export interface PrecisionRecallCurve {
  /** Precision at increasing thresholds, then a final 1 (recall 0). */
  precision: Float64Array;
  /** Recall, decreasing, ending at 0. */
  recall: Float64Array;
  /** Increasing distinct scores; one fewer than precision/recall. */
  thresholds: Float64Array;
}

export function precisionRecallCurve(yTrue: ArrayLike<number>, score: ArrayLike<number>, options: BinaryOptions = {}): PrecisionRecallCurve {
  const input = binaryInput(yTrue, score, options);
  const { fps, tps, thresholds } = binaryClfCurve(input);
  const m = tps.length;
  const P = tps[m - 1]!;
  if (!(P > 0)) {
    throw new DiscernError('LABEL_INVALID', `precision–recall needs positive samples with positive total weight; the positive total is ${P}`, { totalPositive: P });
  }
  const precision = new Float64Array(m + 1), recall = new Float64Array(m + 1), thr = new Float64Array(m);
  // sklearn reverses the curve so recall decreases, and appends (precision 1, recall 0)
  for (let k = 0; k < m; k++) {
    const src = m - 1 - k;
    const ps = tps[src]! + fps[src]!;
    precision[k] = ps === 0 ? 0 : tps[src]! / ps;
    recall[k] = tps[src]! / P;
    thr[k] = thresholds[src]!;
  }
  precision[m] = 1;
  recall[m] = 0;
  return { precision, recall, thresholds: thr };
}

/** AP = Σ_k (R_k − R_{k+1}) P_k: the step-function integral of the PR curve (no interpolation). */
export function averagePrecision(yTrue: ArrayLike<number>, score: ArrayLike<number>, options: BinaryOptions = {}): number {
  const { precision, recall } = precisionRecallCurve(yTrue, score, options);
  let s = 0;
  for (let k = 0; k + 1 < recall.length; k++) s += (recall[k + 1]! - recall[k]!) * precision[k]!;
  return -s;
}
