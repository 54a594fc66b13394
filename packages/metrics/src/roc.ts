import { type DenseMatrix } from '@discern/linalg';
import { DiscernError } from '@discern/core';
import { asLabels, asScores, asWeights, checkLength, checkNonEmpty, checkRowsSumToOne, toLabels } from './validate.js';

/**
 * ROC curve, AUC and operating points. The curve reproduces sklearn's roc_curve(drop_intermediate=False): one point
 * per distinct score, a sample counts as positive-predicted when score ≥ threshold, and the first point is (0, 0)
 * at threshold +Infinity (sklearn ≥ 1.3; 1.2 writes max+1 there).
 */

export interface BinaryOptions {
  weights?: ArrayLike<number>;
  /** Class index counted as positive/signal (default 1). With the default, yTrue must be 0/1; naming it allows one-vs-rest on K-class labels. */
  posLabel?: number;
  /**
   * The sort of the scores, as descendingOrder(score) gives it, when the caller has it already: several figures of
   * one large score vector then share one sort (checked in O(n)).
   */
  order?: Uint32Array;
}

export interface RocCurve {
  /** False-positive rate (background efficiency εB), non-decreasing (when no weight is negative; see rocAuc). */
  fpr: Float64Array;
  /** True-positive rate (signal efficiency εS), non-decreasing (when no weight is negative; see rocAuc). */
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
  /** Read-only: it may be the caller's own array. */
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
  const labels = asLabels(yTrue, 'yTrue', explicit ? undefined : 2);
  const truth = new Uint8Array(n);
  for (let i = 0; i < n; i++) truth[i] = labels[i] === pos ? 1 : 0;
  return { truth, score: asScores(score, scoreName), weights: asWeights(options.weights, n) };
}

/**
 * Indices by decreasing score; ties by decreasing index, the order sklearn's reversed stable argsort gives (same
 * float sums). A bottom-up merge sort over two index buffers: on millions of scores it is faster than
 * Uint32Array.prototype.sort with a comparator and allocates nothing on the JavaScript heap (V8 copies a typed array
 * sorted with a comparator into a heap array of boxed-size slots, and a merge buffer besides).
 */
export function descendingOrder(score: Float64Array): Uint32Array {
  const n = score.length;
  let a = new Uint32Array(n);
  let b = new Uint32Array(n);
  // Runs of RUN by insertion, from the highest index down: an element goes after the equal scores already placed,
  // which have higher indices.
  const RUN = 24;
  for (let lo = 0; lo < n; lo += RUN) {
    const hi = Math.min(n, lo + RUN);
    for (let k = lo; k < hi; k++) {
      const i = n - 1 - k;
      const v = score[i]!;
      let p = k;
      while (p > lo && score[a[p - 1]!]! < v) {
        a[p] = a[p - 1]!;
        p--;
      }
      a[p] = i;
    }
  }
  // i before j: the higher score, or an equal score and the higher index
  for (let width = RUN; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(n, lo + width), hi = Math.min(n, lo + 2 * width);
      let i = lo, j = mid, k = lo;
      while (i < mid && j < hi) {
        const x = a[i]!, y = a[j]!;
        const sx = score[x]!, sy = score[y]!;
        if (sx > sy || (sx === sy && x > y)) {
          b[k++] = x;
          i++;
        } else {
          b[k++] = y;
          j++;
        }
      }
      while (i < mid) b[k++] = a[i++]!;
      while (j < hi) b[k++] = a[j++]!;
    }
    const t = a;
    a = b;
    b = t;
  }
  return a;
}

/** The order given in the options (checked to be descendingOrder(score)), or that order computed now. */
export function orderOf(score: Float64Array, order: Uint32Array | undefined): Uint32Array {
  if (order === undefined) return descendingOrder(score);
  const n = score.length;
  const bad = (why: string) => new DiscernError('INVALID_ARGUMENT', `order is not descendingOrder(score): ${why}`, { length: order.length, n });
  if (order.length !== n) throw bad(`it has ${order.length} entries for ${n} scores`);
  const seen = new Uint8Array(n);
  for (let r = 0; r < n; r++) {
    const i = order[r]!;
    if (i >= n || seen[i]) throw bad(`entry ${r} (${i}) is out of range or repeated`);
    seen[i] = 1;
    if (r > 0) {
      const prev = order[r - 1]!;
      if (!(score[prev]! > score[i]! || (score[prev] === score[i] && prev > i))) throw bad(`entries ${r - 1} and ${r} are out of order`);
    }
  }
  return order;
}

/**
 * Walks the scores from the highest down and calls `visit` at the end of each run of equal scores with the
 * cumulative weighted false and true positives there and that score: sklearn's _binary_clf_curve one point at a
 * time, so that a curve over millions of distinct scores need not be held.
 */
export function sweepThresholds(input: BinaryInput, order: Uint32Array, visit: (fp: number, tp: number, threshold: number) => void): void {
  const { truth, score, weights } = input;
  const n = order.length;
  let tp = 0, fp = 0;
  for (let r = 0; r < n; r++) {
    const i = order[r]!;
    const w = weights ? weights[i]! : 1;
    if (truth[i] === 1) tp += w;
    else fp += w;
    // a point closes each run of equal scores
    if (r === n - 1 || score[order[r + 1]!] !== score[i]) visit(fp, tp, score[i]!);
  }
}

/** Number of distinct scores (points of sweepThresholds). */
export function distinctScores(score: Float64Array, order: Uint32Array): number {
  let m = 0;
  for (let r = 0; r < order.length; r++) if (r === order.length - 1 || score[order[r + 1]!] !== score[order[r]!]) m++;
  return m;
}

/** The final cumulative sums of sweepThresholds (the totals the curve is normalised by), summed in the same order. */
function sweepTotals(input: BinaryInput, order: Uint32Array): { P: number; N: number } {
  const { truth, weights } = input;
  let tp = 0, fp = 0;
  for (let r = 0; r < order.length; r++) {
    const i = order[r]!;
    const w = weights ? weights[i]! : 1;
    if (truth[i] === 1) tp += w;
    else fp += w;
  }
  return { P: tp, N: fp };
}

/** Cumulative weighted (fps, tps) at each distinct threshold, highest threshold first (sklearn's _binary_clf_curve). */
export function binaryClfCurve(input: BinaryInput, order: Uint32Array = descendingOrder(input.score)): { fps: Float64Array; tps: Float64Array; thresholds: Float64Array } {
  const m = distinctScores(input.score, order);
  const fps = new Float64Array(m), tps = new Float64Array(m), thresholds = new Float64Array(m);
  let k = 0;
  sweepThresholds(input, order, (fp, tp, t) => {
    fps[k] = fp;
    tps[k] = tp;
    thresholds[k++] = t;
  });
  return { fps, tps, thresholds };
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
export function rocFromInput(input: BinaryInput, what = 'ROC', order: Uint32Array = descendingOrder(input.score)): RocCurve {
  const m = distinctScores(input.score, order);
  const fps = new Float64Array(m + 1), tps = new Float64Array(m + 1), thresholds = new Float64Array(m + 1);
  thresholds[0] = Infinity;
  let k = 1;
  sweepThresholds(input, order, (fp, tp, t) => {
    fps[k] = fp;
    tps[k] = tp;
    thresholds[k++] = t;
  });
  const P = tps[m]!, N = fps[m]!;
  checkBothClasses(input.truth, P, N, what);
  const fpr = new Float64Array(m + 1), tpr = new Float64Array(m + 1);
  for (let k = 0; k <= m; k++) {
    fpr[k] = fps[k]! / N;
    tpr[k] = tps[k]! / P;
  }
  return { fpr, tpr, thresholds, fps, tps };
}

/**
 * The points of rocFromInput's curve, (fpr, tpr, threshold), one at a time from (0, 0) at +Infinity: the same
 * numbers without the five arrays of one entry per distinct score.
 */
export function forEachRocPoint(input: BinaryInput, order: Uint32Array, what: string, visit: (fpr: number, tpr: number, threshold: number) => void): void {
  const { P, N } = sweepTotals(input, order);
  checkBothClasses(input.truth, P, N, what);
  visit(0 / N, 0 / P, Infinity);
  sweepThresholds(input, order, (fp, tp, t) => visit(fp / N, tp / P, t));
}

/** ROC curve with every distinct threshold kept. */
export function rocCurve(yTrue: ArrayLike<number>, score: ArrayLike<number>, options: BinaryOptions = {}): RocCurve {
  const input = binaryInput(yTrue, score, options);
  return rocFromInput(input, 'ROC', orderOf(input.score, options.order));
}

/**
 * The ROC curve point by point (see forEachRocPoint), for a plot that keeps a few hundred of millions of points:
 * the fpr and tpr that rocCurve would return, without its arrays.
 */
export function rocCurvePoints(yTrue: ArrayLike<number>, score: ArrayLike<number>, options: BinaryOptions, visit: (fpr: number, tpr: number, threshold: number) => void): void {
  const input = binaryInput(yTrue, score, options);
  forEachRocPoint(input, orderOf(input.score, options.order), 'ROC', visit);
}

/**
 * The trapezoidal area under a polyline given point by point, with auc()'s checks (finite points, monotone x); the
 * area of a non-increasing x comes out positive, as sklearn.metrics.auc.
 *
 * `signed`: the points are a ROC curve in sweep order (from threshold +Infinity down) whose x need not be monotone,
 * as with negative event weights; the area is then the sum of the signed trapezoids in that order, with no
 * monotonicity check and no sign flip. See rocAuc for why that sum is the weighted AUC.
 */
export class TrapezoidArea {
  private n = 0;
  private px = 0;
  private py = 0;
  private s = 0;
  private up = true;
  private down = true;

  constructor(private readonly signed = false) {}

  /**
   * The area of a ROC curve walked in sweep order: signed when a weight is negative (the curve may then turn back),
   * checked monotone otherwise (with weights ≥ 0 the cumulative rates cannot decrease, so a turn is a bug).
   */
  static forRoc(weights: ArrayLike<number> | undefined): TrapezoidArea {
    return new TrapezoidArea(hasNegativeWeight(weights));
  }

  push(x: number, y: number): void {
    const i = this.n++;
    if (!Number.isFinite(x) || !Number.isFinite(y)) throw new DiscernError('DATA_INVALID', `auc: point ${i} is (${x}, ${y}); coordinates must be finite`, { index: i });
    if (i > 0) {
      if (x < this.px) this.up = false;
      if (x > this.px) this.down = false;
      this.s += ((x - this.px) * (y + this.py)) / 2;
    }
    this.px = x;
    this.py = y;
  }

  value(): number {
    if (this.n < 2) throw new DiscernError('INVALID_ARGUMENT', `auc needs at least 2 points, got ${this.n}`, { n: this.n });
    if (this.signed) return this.s;
    if (!this.up && !this.down) throw new DiscernError('INVALID_ARGUMENT', 'auc: x is neither non-decreasing nor non-increasing', {});
    return this.up ? this.s : -this.s;
  }
}

/**
 * Area under a curve by the trapezoidal rule; x must be monotone (non-increasing x gives the area with a positive
 * sign, as sklearn.metrics.auc).
 */
export function auc(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  checkLength(y, n, 'y', 'x');
  if (n < 2) throw new DiscernError('INVALID_ARGUMENT', `auc needs at least 2 points, got ${n}`, { n });
  const area = new TrapezoidArea();
  for (let i = 0; i < n; i++) area.push(x[i]!, y[i]!);
  return area.value();
}

/** Whether any weight is negative (undefined: unit weights). */
export function hasNegativeWeight(weights: ArrayLike<number> | undefined): boolean {
  if (weights === undefined) return false;
  for (let i = 0; i < weights.length; i++) if (weights[i]! < 0) return true;
  return false;
}

/**
 * Area under the ROC curve (trapezoid over the exact-tie curve), weighted when weights are given.
 *
 * Negative weights (e.g. NLO Monte Carlo events) are accepted as long as each class's total weight is positive (a
 * non-positive total is a DATA_INVALID error). The ROC is then still the cumulative weighted signal and background
 * fractions passed as the threshold falls, but a negative-weight event moves the curve back, so it need not be
 * monotone and may leave [0, 1]². Its area is taken as the sum of signed trapezoids in threshold order, which is
 * exactly the weighted Mann–Whitney statistic Σ_{i∈S, j∈B} w_i w_j ([s_i > s_j] + ½[s_i = s_j]) / (W_S W_B): each
 * trapezoid between two consecutive thresholds is Δfpr·(tpr_before + tpr_after)/2, i.e. the background weight of
 * the tie group times the signal weight above it plus half the signal weight tied with it. With weights ≥ 0 the
 * curve is monotone and that check is kept.
 */
export function rocAuc(yTrue: ArrayLike<number>, score: ArrayLike<number>, options: BinaryOptions = {}): number {
  const input = binaryInput(yTrue, score, options);
  const area = TrapezoidArea.forRoc(input.weights);
  forEachRocPoint(input, orderOf(input.score, options.order), 'ROC AUC', (x, y) => area.push(x, y));
  return area.value();
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
    const area = TrapezoidArea.forRoc(options.weights);
    for (let k = 0; k < curve.fpr.length; k++) area.push(curve.fpr[k]!, curve.tpr[k]!);
    s += area.value();
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
  const c = new CurveInterpolator(targets, pick);
  for (let i = 0; i < x.length; i++) c.push(x[i]!, y[i]!);
  return c.values();
}

/** interpolateCurve over a polyline given point by point (e.g. a ROC curve walked by forEachRocPoint). */
export class CurveInterpolator {
  private readonly targets: Float64Array;
  private readonly exact: Float64Array;
  private readonly crossing: Float64Array;
  private readonly crossed: Uint8Array;
  private xmin = Infinity;
  private xmax = -Infinity;
  private n = 0;
  private px = NaN;
  private py = NaN;

  constructor(
    targets: ArrayLike<number>,
    private readonly pick: 'max' | 'min',
  ) {
    this.targets = Float64Array.from(targets);
    this.exact = new Float64Array(this.targets.length).fill(NaN);
    this.crossing = new Float64Array(this.targets.length).fill(NaN);
    this.crossed = new Uint8Array(this.targets.length);
  }

  push(xi: number, yi: number): void {
    if (xi < this.xmin) this.xmin = xi;
    if (xi > this.xmax) this.xmax = xi;
    const { targets, exact, crossing, crossed, pick } = this;
    for (let t = 0; t < targets.length; t++) {
      const v = targets[t]!;
      if (xi === v) {
        const best = exact[t]!;
        if (Number.isNaN(best) || (pick === 'max' ? yi > best : yi < best)) exact[t] = yi;
      }
      // the first segment (from the previous point to this one) that crosses the target
      if (this.n > 0 && !crossed[t]) {
        const x0 = this.px, x1 = xi;
        if ((x0 < v && v < x1) || (x0 > v && v > x1)) {
          const y0 = this.py, y1 = yi;
          crossing[t] = y0 + ((y1 - y0) * (v - x0)) / (x1 - x0);
          crossed[t] = 1;
        }
      }
    }
    this.px = xi;
    this.py = yi;
    this.n++;
  }

  /** y at each target, in the order given; a target outside the range of x is an error. */
  values(): Float64Array {
    const out = new Float64Array(this.targets.length);
    for (let t = 0; t < this.targets.length; t++) {
      const v = this.targets[t]!;
      if (!(v >= this.xmin && v <= this.xmax)) {
        throw new DiscernError('INVALID_ARGUMENT', `target ${v} (index ${t}) is outside the curve's range [${this.xmin}, ${this.xmax}]`, { index: t, value: v });
      }
      const e = this.exact[t]!;
      out[t] = Number.isNaN(e) ? this.crossing[t]! : e;
    }
    return out;
  }
}

export function checkRates(rates: ArrayLike<number>, name: string): void {
  for (let i = 0; i < rates.length; i++) {
    const v = rates[i]!;
    if (!(v >= 0 && v <= 1)) throw new DiscernError('INVALID_ARGUMENT', `${name}[${i}] is ${v}; a rate must lie in [0, 1]`, { argument: name, index: i, value: v });
  }
}

/** TPR at each requested FPR: the highest TPR at exactly that FPR if a point lies there, else linear interpolation. */
export function tprAtFpr(curve: Pick<RocCurve, 'fpr' | 'tpr'>, fprs: ArrayLike<number>): Float64Array {
  checkRates(fprs, 'fprs');
  return interpolateCurve(curve.fpr, curve.tpr, fprs, 'max');
}

/** FPR at each requested TPR: the lowest FPR at exactly that TPR if a point lies there, else linear interpolation. */
export function fprAtTpr(curve: Pick<RocCurve, 'fpr' | 'tpr'>, tprs: ArrayLike<number>): Float64Array {
  checkRates(tprs, 'tprs');
  return interpolateCurve(curve.tpr, curve.fpr, tprs, 'min');
}
