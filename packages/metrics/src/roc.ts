import { DiscernError, type DenseMatrix } from '@discern/linalg';
import { checkLength, checkNonEmpty, checkRowsSumToOne, toLabels, toScores, toWeights } from './validate.js';

/**
 * ROC curve, AUC and operating points. The curve reproduces sklearn's roc_curve(drop_intermediate=False): one point
 * per distinct score, a sample counts as positive-predicted when score ≥ threshold, and the first point is (0, 0)
 * at threshold +Infinity (sklearn ≥ 1.3; 1.2 writes max+1 there).
 */

export interface BinaryOptions {
  weights?: ArrayLike<number>;
  /** Class index counted as positive/signal (default 1). With the default, yTrue must be 0/1; naming it allows one-vs-rest on K-class labels. */
  posLabel?: number;
}

export interface RocCurve {
  /** False-positive rate (background efficiency εB), non-decreasing. */
  fpr: Float64Array;
  /** True-positive rate (signal efficiency εS), non-decreasing. */
  tpr: Float64Array;
  /** Decreasing; thresholds[0] = +Infinity. */
  thresholds: Float64Array;
  /** Weighted false and true positives at each threshold (unnormalised). */
  fps: Float64Array;
  tps: Float64Array;
}

/** Validated binary problem: 0/1 truth, scores, weights (undefined = unit). */
export interface BinaryInput {
  truth: Uint8Array;
  score: Float64Array;
  weights: Float64Array | undefined;
}

export function binaryInput(yTrue: ArrayLike<number>, score: ArrayLike<number>, options: BinaryOptions = {}, scoreName = 'score'): BinaryInput {
  const n = yTrue.length;
  checkNonEmpty(n, 'yTrue');
  checkLength(score, n, scoreName);
  const explicit = options.posLabel !== undefined;
  const pos = options.posLabel ?? 1;
  if (!(Number.isInteger(pos) && pos >= 0)) throw new DiscernError('INVALID_ARGUMENT', `posLabel is ${pos}; expected a class index`, { posLabel: pos });
  const labels = toLabels(yTrue, 'yTrue', explicit ? undefined : 2);
  const truth = new Uint8Array(n);
  for (let i = 0; i < n; i++) truth[i] = labels[i] === pos ? 1 : 0;
  return { truth, score: toScores(score, scoreName), weights: toWeights(options.weights, n) };
}

/** Indices by decreasing score; ties by decreasing index, the order sklearn's reversed stable argsort gives (same float sums). */
export function descendingOrder(score: Float64Array): Uint32Array {
  const idx = new Uint32Array(score.length);
  for (let i = 0; i < idx.length; i++) idx[i] = i;
  idx.sort((a, b) => score[b]! - score[a]! || b - a);
  return idx;
}

/** Cumulative weighted (fps, tps) at each distinct threshold, highest threshold first (sklearn's _binary_clf_curve). */
export function binaryClfCurve(input: BinaryInput): { fps: Float64Array; tps: Float64Array; thresholds: Float64Array } {
  const { truth, score, weights } = input;
  const order = descendingOrder(score);
  const n = order.length;
  const fps: number[] = [], tps: number[] = [], thr: number[] = [];
  let tp = 0, fp = 0;
  for (let r = 0; r < n; r++) {
    const i = order[r]!;
    const w = weights ? weights[i]! : 1;
    if (truth[i] === 1) tp += w;
    else fp += w;
    // a point closes each run of equal scores
    if (r === n - 1 || score[order[r + 1]!] !== score[i]) {
      fps.push(fp);
      tps.push(tp);
      thr.push(score[i]!);
    }
  }
  return { fps: Float64Array.from(fps), tps: Float64Array.from(tps), thresholds: Float64Array.from(thr) };
}

function checkBothClasses(truth: Uint8Array, totalPos: number, totalNeg: number, what: string): void {
  let nPos = 0;
  for (let i = 0; i < truth.length; i++) nPos += truth[i]!;
  if (nPos === 0 || nPos === truth.length) {
    const present = nPos === 0 ? 'negative' : 'positive';
    throw new DiscernError('LABEL_INVALID', `${what} needs both classes in yTrue, but only the ${present} class is present (${truth.length} samples)`, {
      nPositive: nPos,
      n: truth.length,
    });
  }
  if (!(totalPos > 0) || !(totalNeg > 0)) {
    throw new DiscernError('DATA_INVALID', `${what}: the total weight of the ${totalPos > 0 ? 'negative' : 'positive'} class is ${totalPos > 0 ? totalNeg : totalPos}; it must be positive`, {
      totalPositive: totalPos,
      totalNegative: totalNeg,
    });
  }
}

/** ROC curve from validated input (used by the physics and interval modules). */
export function rocFromInput(input: BinaryInput, what = 'ROC'): RocCurve {
  const c = binaryClfCurve(input);
  const m = c.fps.length;
  const P = c.tps[m - 1]!, N = c.fps[m - 1]!;
  checkBothClasses(input.truth, P, N, what);
  const fps = new Float64Array(m + 1), tps = new Float64Array(m + 1), thresholds = new Float64Array(m + 1);
  const fpr = new Float64Array(m + 1), tpr = new Float64Array(m + 1);
  thresholds[0] = Infinity;
  for (let k = 0; k < m; k++) {
    fps[k + 1] = c.fps[k]!;
    tps[k + 1] = c.tps[k]!;
    thresholds[k + 1] = c.thresholds[k]!;
  }
  for (let k = 0; k <= m; k++) {
    fpr[k] = fps[k]! / N;
    tpr[k] = tps[k]! / P;
  }
  return { fpr, tpr, thresholds, fps, tps };
}

/** ROC curve with every distinct threshold kept. */
export function rocCurve(yTrue: ArrayLike<number>, score: ArrayLike<number>, options: BinaryOptions = {}): RocCurve {
  return rocFromInput(binaryInput(yTrue, score, options));
}

/**
 * Area under a curve by the trapezoidal rule; x must be monotone (non-increasing x gives the area with a positive
 * sign, as sklearn.metrics.auc).
 */
export function auc(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  checkLength(y, n, 'y', 'x');
  if (n < 2) throw new DiscernError('INVALID_ARGUMENT', `auc needs at least 2 points, got ${n}`, { n });
  let up = true, down = true;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(x[i]!) || !Number.isFinite(y[i]!)) {
      throw new DiscernError('DATA_INVALID', `auc: point ${i} is (${x[i]}, ${y[i]}); coordinates must be finite`, { index: i });
    }
    if (i > 0) {
      if (x[i]! < x[i - 1]!) up = false;
      if (x[i]! > x[i - 1]!) down = false;
    }
  }
  if (!up && !down) throw new DiscernError('INVALID_ARGUMENT', 'auc: x is neither non-decreasing nor non-increasing', {});
  let s = 0;
  for (let i = 1; i < n; i++) s += ((x[i]! - x[i - 1]!) * (y[i]! + y[i - 1]!)) / 2;
  return up ? s : -s;
}

/** Area under the ROC curve (trapezoid over the exact-tie curve), weighted when weights are given. */
export function rocAuc(yTrue: ArrayLike<number>, score: ArrayLike<number>, options: BinaryOptions = {}): number {
  const c = rocFromInput(binaryInput(yTrue, score, options), 'ROC AUC');
  return auc(c.fpr, c.tpr);
}

/**
 * AUC as the Mann–Whitney statistic: P(score_pos > score_neg) + ½ P(tie), weighted by w_i·w_j over pairs.
 * Independent of the curve (sorted sweep over tie groups), used to cross-check rocAuc.
 */
export function mannWhitneyAuc(yTrue: ArrayLike<number>, score: ArrayLike<number>, options: BinaryOptions = {}): number {
  const { truth, score: s, weights } = binaryInput(yTrue, score, options);
  const n = s.length;
  const idx = new Uint32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  idx.sort((a, b) => s[a]! - s[b]!);
  let negBelow = 0, totalPos = 0, sum = 0;
  for (let r = 0; r < n; ) {
    let e = r;
    let gPos = 0, gNeg = 0;
    while (e < n && s[idx[e]!] === s[idx[r]!]) {
      const i = idx[e]!;
      const w = weights ? weights[i]! : 1;
      if (truth[i] === 1) gPos += w;
      else gNeg += w;
      e++;
    }
    sum += gPos * (negBelow + 0.5 * gNeg);
    negBelow += gNeg;
    totalPos += gPos;
    r = e;
  }
  checkBothClasses(truth, totalPos, negBelow, 'Mann–Whitney AUC');
  return sum / (totalPos * negBelow);
}

/**
 * Macro-averaged one-vs-rest AUC of a K-class probability matrix (sklearn roc_auc_score(multi_class='ovr',
 * average='macro')). Every class must be present in yTrue.
 */
export function rocAucOvr(yTrue: ArrayLike<number>, proba: DenseMatrix, options: { weights?: ArrayLike<number> } = {}): number {
  const K = proba.cols;
  checkLength(yTrue, proba.rows, 'proba rows');
  if (K < 2) throw new DiscernError('INVALID_ARGUMENT', `proba has ${K} column(s); one-vs-rest AUC needs at least 2 classes`, { cols: K });
  const labels = toLabels(yTrue, 'yTrue', K);
  checkRowsSumToOne(proba, 'proba');
  const seen = new Uint8Array(K);
  for (let i = 0; i < labels.length; i++) seen[labels[i]!] = 1;
  for (let c = 0; c < K; c++) {
    if (!seen[c]) throw new DiscernError('LABEL_INVALID', `one-vs-rest AUC: class ${c} has no sample in yTrue; every one of the ${K} classes must be present`, { class: c });
  }
  const col = new Float64Array(proba.rows);
  let s = 0;
  for (let c = 0; c < K; c++) {
    for (let i = 0; i < proba.rows; i++) col[i] = proba.data[i * K + c]!;
    const curve = rocFromInput(binaryInput(labels, col, { posLabel: c, ...(options.weights ? { weights: options.weights } : {}) }), `one-vs-rest AUC of class ${c}`);
    s += auc(curve.fpr, curve.tpr);
  }
  return s / K;
}

/**
 * y at each target x on a ROC-like polyline (x and y non-decreasing along it). Where points lie exactly at the
 * target, `pick` chooses among them: 'max' y (the best TPR at a given FPR) or 'min' y (the lowest FPR at a given
 * TPR, when the roles are swapped). Otherwise y is interpolated linearly on the segment that crosses the target,
 * i.e. between the last point below it and the first point above it. A linear scan rather than a bisection, so
 * that a curve made non-monotone by negative event weights still gets a defined answer (the first crossing,
 * from the high-threshold end). Targets must lie within the range of x.
 */
export function interpolateCurve(x: Float64Array, y: Float64Array, targets: ArrayLike<number>, pick: 'max' | 'min'): Float64Array {
  const m = x.length;
  let xmin = Infinity, xmax = -Infinity;
  for (let i = 0; i < m; i++) {
    if (x[i]! < xmin) xmin = x[i]!;
    if (x[i]! > xmax) xmax = x[i]!;
  }
  const out = new Float64Array(targets.length);
  for (let t = 0; t < targets.length; t++) {
    const v = targets[t]!;
    if (!(v >= xmin && v <= xmax)) {
      throw new DiscernError('INVALID_ARGUMENT', `target ${v} (index ${t}) is outside the curve's range [${xmin}, ${xmax}]`, { index: t, value: v });
    }
    let best = NaN;
    for (let i = 0; i < m; i++) {
      if (x[i] !== v) continue;
      const yi = y[i]!;
      if (Number.isNaN(best) || (pick === 'max' ? yi > best : yi < best)) best = yi;
    }
    if (Number.isNaN(best)) {
      for (let i = 0; i + 1 < m; i++) {
        const x0 = x[i]!, x1 = x[i + 1]!;
        if ((x0 < v && v < x1) || (x0 > v && v > x1)) {
          const y0 = y[i]!, y1 = y[i + 1]!;
          best = y0 + ((y1 - y0) * (v - x0)) / (x1 - x0);
          break;
        }
      }
    }
    out[t] = best;
  }
  return out;
}

function checkRates(rates: ArrayLike<number>, name: string): void {
  for (let i = 0; i < rates.length; i++) {
    const v = rates[i]!;
    if (!(v >= 0 && v <= 1)) throw new DiscernError('INVALID_ARGUMENT', `${name}[${i}] is ${v}; a rate must lie in [0, 1]`, { argument: name, index: i, value: v });
  }
}

/** TPR at each requested FPR: the highest TPR at exactly that FPR if a point lies there, else linear interpolation. */
export function tprAtFpr(curve: RocCurve, fprs: ArrayLike<number>): Float64Array {
  checkRates(fprs, 'fprs');
  return interpolateCurve(curve.fpr, curve.tpr, fprs, 'max');
}

/** FPR at each requested TPR: the lowest FPR at exactly that TPR if a point lies there, else linear interpolation. */
export function fprAtTpr(curve: RocCurve, tprs: ArrayLike<number>): Float64Array {
  checkRates(tprs, 'tprs');
  return interpolateCurve(curve.tpr, curve.fpr, tprs, 'min');
}
