import { DiscernError } from '@discern/core';
import { binaryClfCurve, binaryInput, distinctScores, orderOf, sweepThresholds, type BinaryInput, type BinaryOptions } from './roc.js';

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
  const { fps, tps, thresholds } = binaryClfCurve(input, orderOf(input.score, options.order));
  const m = tps.length;
  const P = tps[m - 1]!;
  checkPositives(P);
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

function checkPositives(P: number): void {
  if (!(P > 0)) {
    throw new DiscernError('LABEL_INVALID', `precision–recall needs positive samples with positive total weight; the positive total is ${P}`, { totalPositive: P });
  }
}

/**
 * AP = Σ_k (R_k − R_{k+1}) P_k: the step-function integral of the PR curve (no interpolation). Computed from one
 * walk down the sorted scores, keeping one term per distinct score (summed in the curve's order, as from
 * precisionRecallCurve), not the curve.
 */
export function averagePrecision(yTrue: ArrayLike<number>, score: ArrayLike<number>, options: BinaryOptions = {}): number {
  const input = binaryInput(yTrue, score, options);
  const order = orderOf(input.score, options.order);
  // P: the last cumulative true-positive sum of the walk, summed in the same order
  let P = 0;
  for (let r = 0; r < order.length; r++) {
    const i = order[r]!;
    if (input.truth[i] === 1) P += input.weights ? input.weights[i]! : 1;
  }
  checkPositives(P);
  if (!input.weights) return averagePrecisionCounts(input, order, P);
  // Point src of the walk (highest score first) is point k = m − 1 − src of the curve; its term is
  // (R_{k+1} − R_k)·P_k, with R_{k+1} the recall of point src − 1 (0 before the first).
  const terms = new Float64Array(distinctScores(input.score, order));
  let m = 0;
  let prevRecall = 0;
  sweepThresholds(input, order, (fp, tp) => {
    const ps = tp + fp;
    const precision = ps === 0 ? 0 : tp / ps;
    const recall = tp / P;
    terms[m++] = (prevRecall - recall) * precision;
    prevRecall = recall;
  });
  let s = 0;
  for (let k = terms.length - 1; k >= 0; k--) s += terms[k]!;
  return -s;
}

/**
 * averagePrecision of unweighted events, walking up from the lowest score: the cumulative counts at each distinct
 * score are whole numbers, so taking a run's counts off the totals gives exactly the sums of the downward walk, and
 * the terms come in the order they are summed (no array of them).
 */
function averagePrecisionCounts(input: BinaryInput, order: Uint32Array, P: number): number {
  const { truth, score } = input;
  let tp = P, fp = order.length - P;
  let s = 0;
  for (let r = order.length - 1; r >= 0; ) {
    const v = score[order[r]!]!;
    let gp = 0, gn = 0;
    for (; r >= 0 && score[order[r]!] === v; r--) {
      if (truth[order[r]!] === 1) gp++;
      else gn++;
    }
    const ps = tp + fp;
    const precision = ps === 0 ? 0 : tp / ps;
    const recall = tp / P;
    tp -= gp;
    fp -= gn;
    s += (tp / P - recall) * precision;
  }
  return -s;
}
