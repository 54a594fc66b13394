import { DiscernError, type IntervalOptions } from '@discern/core';
import { type DenseMatrix } from '@discern/linalg';
import { efficiencyInterval } from './intervals.js';
import { asLabels, asWeights, checkLength, checkNonEmpty } from './validate.js';

/**
 * How well a classifier's probabilities are calibrated: the reliability diagram's bins and the expected calibration
 * error. Two classes: the predicted P(positive) against the observed frequency of the positive class. K classes: the
 * top-label form — the largest posterior of each event (its confidence) against how often that class is the true one.
 *
 * Bins are of equal width on [0, 1]: bin b holds the confidences in [b/B, (b+1)/B) (the last one also 1). With event
 * weights every figure is weighted: the bin's mean predicted probability and observed frequency are weighted means,
 * its interval that of an efficiency on effective counts (as every efficiency in @discern/metrics), and
 * ECE = Σ_b (W_b / W) |observed_b − predicted_b| (W: sums of weights; Naeini et al. 2015, Guo et al. 2017).
 */

export interface ReliabilityBin {
  /** The bin's edges on the predicted probability. */
  readonly from: number;
  readonly to: number;
  /** Events in the bin (unweighted count). */
  readonly n: number;
  /** Sum of their weights (n when unweighted). */
  readonly weight: number;
  /** Mean predicted probability (weighted); NaN for an empty bin. */
  readonly predicted: number;
  /** Observed frequency (weighted) and its binomial interval; NaN and [0, 1] for an empty bin. */
  readonly observed: number;
  readonly interval: [number, number];
}

export interface CalibrationSummary {
  /** 'positive' (two classes, P(positive)) or 'top-label' (K classes). */
  readonly form: 'positive' | 'top-label';
  readonly bins: ReliabilityBin[];
  /** Expected calibration error. */
  readonly ece: number;
  /** The largest gap |observed − predicted| over non-empty bins (MCE). */
  readonly mce: number;
}

export interface CalibrationOptions extends IntervalOptions {
  /** Bins on [0, 1] (default 10). */
  readonly bins?: number;
  /** The positive class of a two-class problem (default 1). */
  readonly positive?: number;
  readonly weights?: ArrayLike<number>;
}

export function calibrationSummary(yTrue: ArrayLike<number>, proba: DenseMatrix, options: CalibrationOptions = {}): CalibrationSummary {
  const n = yTrue.length;
  checkNonEmpty(n, 'yTrue');
  checkLength({ length: proba.rows }, n, 'proba rows');
  const K = proba.cols;
  if (K < 2) throw new DiscernError('INVALID_ARGUMENT', `proba has ${K} column(s); calibration needs at least 2 classes`, { cols: K });
  const y = asLabels(yTrue, 'yTrue', K);
  const w = asWeights(options.weights, n);
  const B = options.bins ?? 10;
  if (!Number.isInteger(B) || B < 1 || B > 1000) throw new DiscernError('INVALID_ARGUMENT', (nm) => `${nm.option('bins')} must be a whole number from 1 to 1000, got ${B}`, { option: 'bins', value: B });
  const pos = options.positive ?? 1;
  const sumW = new Float64Array(B), sumW2 = new Float64Array(B), sumWp = new Float64Array(B), sumWhit = new Float64Array(B), count = new Int32Array(B);
  for (let i = 0; i < n; i++) {
    let conf: number, hit: boolean;
    if (K === 2) {
      conf = proba.data[i * 2 + pos]!;
      hit = y[i] === pos;
    } else {
      let best = 0;
      for (let k = 1; k < K; k++) if (proba.data[i * K + k]! > proba.data[i * K + best]!) best = k;
      conf = proba.data[i * K + best]!;
      hit = y[i] === best;
    }
    if (!(conf >= 0 && conf <= 1)) throw new DiscernError('DATA_INVALID', (nm) => `the predicted probability of ${nm.row(i)} is ${conf}; expected a number in [0, 1]`, { row: i, value: conf });
    const b = Math.min(B - 1, Math.floor(conf * B));
    const wi = w ? w[i]! : 1;
    count[b]!++;
    sumW[b]! += wi;
    sumW2[b]! += wi * wi;
    sumWp[b]! += wi * conf;
    if (hit) sumWhit[b]! += wi;
  }
  let total = 0;
  for (let b = 0; b < B; b++) total += sumW[b]!;
  const bins: ReliabilityBin[] = [];
  let ece = 0, mce = 0;
  for (let b = 0; b < B; b++) {
    const empty = count[b] === 0 || !(sumW[b]! > 0);
    const predicted = empty ? NaN : sumWp[b]! / sumW[b]!;
    let observed = NaN;
    let interval: [number, number] = [0, 1];
    if (!empty) {
      const e = efficiencyInterval({ pass: sumWhit[b]!, total: sumW[b]!, total2: sumW2[b]! }, { ...(options.method ? { method: options.method } : {}), ...(options.cl !== undefined ? { cl: options.cl } : {}) });
      observed = e.value;
      interval = [e.lower, e.upper];
      const gap = Math.abs(observed - predicted);
      ece += (sumW[b]! / total) * gap;
      mce = Math.max(mce, gap);
    }
    bins.push({ from: b / B, to: (b + 1) / B, n: count[b]!, weight: sumW[b]!, predicted, observed, interval });
  }
  return { form: K === 2 ? 'positive' : 'top-label', bins, ece, mce };
}
