import { type Cancellation, checkpoint } from '../cancel.js';
import { type NegativeWeights } from './options.js';

/**
 * Negative event weights in training (NLO generators write them): three policies, as TMVA offers.
 *
 * - 'keep': the weights are used as they are. Sums of gradients and hessians then mix signs; the trees guard
 *   against it (a node whose hessian sum is below twice minSumHessianInLeaf, so in particular one whose sum is zero
 *   or negative, is not split; see grower.ts), and AdaBoost's error and weight updates use the signed weights.
 * - 'ignore': rows with a negative weight are left out of training (TMVA's IgnoreNegWeightsInTraining); they still
 *   count wherever the model is judged, which is not the estimator's business.
 * - 'pair': each negative-weight row is annihilated against its nearest positive-weight rows of the same class
 *   (TMVA's PairNegWeightsGlobal): nearest in the standardised feature space (each feature divided by its standard
 *   deviation over the training rows; Euclidean over the features both rows have), the negative weight added to
 *   the neighbour's until the neighbour's weight stays positive (then the negative row's weight is 0) or runs out
 *   (then the neighbour's is 0 and the next nearest is taken). Each class keeps its total weight, and the weighted
 *   distribution is kept locally; every training weight ends ≥ 0. Negative rows are taken in row order, and ties
 *   between neighbours go to the first row.
 */

export interface WeightsReport {
  readonly policy: NegativeWeights;
  /** Rows with a negative weight among the training rows. */
  readonly negativeRows: number;
  /** 'ignore': rows left out. */
  readonly ignoredRows: number;
  /** 'pair': positive-weight rows each negative row was paired with, in all. */
  readonly pairings: number;
  /** 'pair': negative rows left with a negative weight (their class had no positive weight left); left out. */
  readonly unpaired: number;
}

/**
 * Applies the policy to the training rows' weights (`w`, one per row of the row-major X of `p` features, labels y);
 * returns the rows to train on (indices into w) and their weights.
 */
export function applyNegativeWeights(policy: NegativeWeights, X: Float64Array, p: number, y: Int32Array, w: Float64Array, cancel?: Cancellation): { rows: Int32Array; w: Float64Array; report: WeightsReport } {
  const n = w.length;
  let negatives = 0;
  for (let i = 0; i < n; i++) if (w[i]! < 0) negatives++;
  const all = (): Int32Array => Int32Array.from({ length: n }, (_, i) => i);
  if (negatives === 0 || policy === 'keep') return { rows: all(), w, report: { policy, negativeRows: negatives, ignoredRows: 0, pairings: 0, unpaired: 0 } };
  if (policy === 'ignore') {
    const rows = new Int32Array(n - negatives);
    let k = 0;
    for (let i = 0; i < n; i++) if (w[i]! >= 0) rows[k++] = i;
    return { rows, w, report: { policy, negativeRows: negatives, ignoredRows: negatives, pairings: 0, unpaired: 0 } };
  }
  // pair: standardise by each feature's standard deviation (the missing values left out)
  const inv = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    let s = 0, s2 = 0, m = 0;
    for (let i = 0; i < n; i++) {
      const v = X[i * p + j]!;
      if (v !== v) continue;
      s += v;
      m++;
    }
    const mean = m > 0 ? s / m : 0;
    for (let i = 0; i < n; i++) {
      const v = X[i * p + j]!;
      if (v === v) s2 += (v - mean) * (v - mean);
    }
    const sd = m > 0 ? Math.sqrt(s2 / m) : 0;
    inv[j] = sd > 0 ? 1 / sd : 0;
  }
  const out = w.slice();
  let pairings = 0, unpaired = 0;
  for (let i = 0; i < n; i++) {
    if (!(out[i]! < 0)) continue;
    checkpoint(cancel, () => `pairing negative weights (row ${i} of ${n})`);
    const c = y[i]!;
    while (out[i]! < 0) {
      let best = -1, bestD = Infinity;
      for (let k = 0; k < n; k++) {
        if (y[k] !== c || !(out[k]! > 0)) continue;
        let d = 0;
        for (let j = 0; j < p; j++) {
          const a = X[i * p + j]!, b = X[k * p + j]!;
          if (a !== a || b !== b) continue;
          const t = (a - b) * inv[j]!;
          d += t * t;
        }
        if (d < bestD) {
          bestD = d;
          best = k;
        }
      }
      if (best < 0) break;
      pairings++;
      const sum = out[best]! + out[i]!;
      if (sum >= 0) {
        out[best] = sum;
        out[i] = 0;
      } else {
        out[best] = 0;
        out[i] = sum;
      }
    }
    if (out[i]! < 0) unpaired++;
  }
  const rows = new Int32Array(n - unpaired);
  let k = 0;
  for (let i = 0; i < n; i++) if (out[i]! >= 0) rows[k++] = i;
  return { rows, w: out, report: { policy, negativeRows: negatives, ignoredRows: 0, pairings, unpaired } };
}
