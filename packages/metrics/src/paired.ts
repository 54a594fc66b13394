import { createRng } from '@discern/linalg';
import { type CancelSignal, DiscernError, checkLevel, normPpf, normSf, throwIfCancelled } from '@discern/core';
import { placementValues, quantileSorted } from './delong.js';
import { CurveInterpolator, TrapezoidArea, binaryInput, forEachRocPoint, orderOf, type BinaryInput } from './roc.js';
import { asScores, checkLength } from './validate.js';

/**
 * Two (or more) classifiers scored on the same events: is one better? The paired DeLong test of equal AUC
 * (correlated ROC curves) and a paired bootstrap of the differences in AUC and in background rejection.
 */

export interface PairedDelongOptions {
  /** Confidence level of the interval on the difference (default 0.95). */
  cl?: number;
  posLabel?: number;
}

export interface PairedDelongResult {
  /** Number of positive (signal) and negative (background) events. */
  m: number;
  n: number;
  aucA: number;
  aucB: number;
  /** aucA − aucB. */
  difference: number;
  varianceA: number;
  varianceB: number;
  /** Cov(AUC_A, AUC_B) from the placement values of both classifiers on the same events. */
  covariance: number;
  /** covariance / √(varianceA·varianceB); NaN when either variance is 0. */
  correlation: number;
  /** Standard error of the difference: √(varianceA + varianceB − 2·covariance). */
  se: number;
  /** difference / se: 0 when both are 0 (the same ranking), ±Infinity when only se is 0. */
  z: number;
  /** Two-sided p-value of H0: AUC_A = AUC_B, 2·Q(|z|) (computed in the tail: no 1 − Φ cancellation). */
  pValue: number;
  cl: number;
  /** difference ± z_{(1+cl)/2}·se (not clipped: a difference of AUCs lies in [−1, 1]). */
  lower: number;
  upper: number;
}

/**
 * DeLong's test of equal AUC for two classifiers scored on the same events (DeLong, DeLong & Clarke-Pearson 1988),
 * with the placement values computed from midranks in O(N log N) (Sun & Xu 2014). With V10 the placement values of
 * the m positives and V01 those of the n negatives, per classifier, S10 and S01 are their 2×2 sample covariance
 * matrices and S = S10/m + S01/n the covariance of the two AUCs; the difference θA − θB has variance
 * S_AA + S_BB − 2·S_AB and z = (θA − θB)/√that is asymptotically standard normal under H0. This is pROC's
 * `roc.test(method = "delong", paired = TRUE)`.
 *
 * Unweighted: DeLong's variance is that of U-statistics of independent, unweighted events; event weights are not
 * taken (a caller with weighted events uses pairedBootstrap for the weighted difference, and says so).
 */
export function pairedDelong(yTrue: ArrayLike<number>, scoreA: ArrayLike<number>, scoreB: ArrayLike<number>, options: PairedDelongOptions = {}): PairedDelongResult {
  const cl = options.cl ?? 0.95;
  checkLevel(cl);
  const posOpt = options.posLabel === undefined ? {} : { posLabel: options.posLabel };
  const { truth, score: a } = binaryInput(yTrue, scoreA, posOpt, 'scoreA');
  checkLength(scoreB, truth.length, 'scoreB');
  const b = asScores(scoreB, 'scoreB');
  let m = 0;
  for (let i = 0; i < truth.length; i++) m += truth[i]!;
  const n = truth.length - m;
  if (m < 2 || n < 2) {
    throw new DiscernError('LABEL_INVALID', `the paired DeLong test needs at least 2 positive and 2 negative samples, got ${m} and ${n}`, { positives: m, negatives: n });
  }
  const pa = placementValues(truth, a, orderOf(a, undefined), m, n);
  const pb = placementValues(truth, b, orderOf(b, undefined), m, n);
  // 2×2 sample covariances of the placements, positives (10) and negatives (01), summed in event order
  let aa10 = 0, bb10 = 0, ab10 = 0, aa01 = 0, bb01 = 0, ab01 = 0;
  for (let i = 0; i < truth.length; i++) {
    const da = pa.place[i]! - pa.auc, db = pb.place[i]! - pb.auc;
    if (truth[i] === 1) {
      aa10 += da * da;
      bb10 += db * db;
      ab10 += da * db;
    } else {
      aa01 += da * da;
      bb01 += db * db;
      ab01 += da * db;
    }
  }
  const varianceA = aa10 / (m - 1) / m + aa01 / (n - 1) / n;
  const varianceB = bb10 / (m - 1) / m + bb01 / (n - 1) / n;
  const covariance = ab10 / (m - 1) / m + ab01 / (n - 1) / n;
  const difference = pa.auc - pb.auc;
  // A variance of the difference that rounding leaves at or below zero means the two rankings are the same.
  const v = Math.max(0, varianceA + varianceB - 2 * covariance);
  const se = Math.sqrt(v);
  const z = se > 0 ? difference / se : difference === 0 ? 0 : difference > 0 ? Infinity : -Infinity;
  const pValue = Math.min(1, 2 * normSf(Math.abs(z)));
  const q = normPpf(1 - (1 - cl) / 2);
  const correlation = varianceA > 0 && varianceB > 0 ? covariance / Math.sqrt(varianceA * varianceB) : NaN;
  return { m, n, aucA: pa.auc, aucB: pb.auc, difference, varianceA, varianceB, covariance, correlation, se, z, pValue, cl, lower: difference - q * se, upper: difference + q * se };
}

export interface PairedBootstrapOptions {
  weights?: ArrayLike<number>;
  posLabel?: number;
  /** Signal efficiencies εS at which to compare the background rejection 1 − εB. */
  signalEfficiency?: ArrayLike<number>;
  /** Number of bootstrap replicates (default 1000). */
  nBoot?: number;
  /** Seed of the resampling stream (default 0). */
  seed?: number;
  cl?: number;
  /** Checked once per replicate. */
  signal?: CancelSignal;
}

/** A figure (a difference A − B, or one classifier's figure) with its percentile bootstrap interval. */
export interface PairedDifference {
  value: number;
  lower: number;
  upper: number;
}

export interface PairedComparison {
  /** Indices of the two classifiers in `scores`. */
  a: number;
  b: number;
  /** AUC_a − AUC_b (weighted when weights are given). */
  auc: PairedDifference;
  /** (1 − εB)_a − (1 − εB)_b at each signal efficiency asked for, in order. */
  rejection: PairedDifference[];
}

export interface PairedBootstrapResult {
  nBoot: number;
  seed: number;
  cl: number;
  /** The AUC of each classifier on the whole sample (rocAuc's number). */
  auc: Float64Array;
  /** 1 − εB of each classifier at each signal efficiency (backgroundAtSignalEfficiency's number). */
  rejection: Float64Array[];
  /** Each classifier's own figures with their percentile intervals, from the same replicates. */
  models: { auc: PairedDifference; rejection: PairedDifference[] }[];
  /** Every pair a < b, in the order (0,1), (0,2), …, (1,2), … */
  pairs: PairedComparison[];
}

/** AUC and 1 − εB at the targets of one classifier under the event weights `w`: one walk down its sort. */
function figuresOf(input: BinaryInput, order: Uint32Array, targets: ArrayLike<number>, what: string): { auc: number; rejection: Float64Array } {
  const area = new TrapezoidArea();
  const at = new CurveInterpolator(targets, 'min');
  forEachRocPoint(input, order, what, (fpr, tpr) => {
    area.push(fpr, tpr);
    at.push(tpr, fpr);
  });
  const eb = at.values();
  const rejection = new Float64Array(eb.length);
  for (let t = 0; t < eb.length; t++) rejection[t] = 1 - eb[t]!;
  return { auc: area.value(), rejection };
}

/**
 * Paired bootstrap of the differences between classifiers scored on the same events: each replicate draws the
 * events with replacement (signal and background separately, so each keeps its size, as bootstrapAuc does) and
 * scores every classifier on the same draw, so the correlation between them is kept; the interval of a difference
 * is the percentile interval of its replicates. Weighted events are drawn with their weights (an event drawn c
 * times counts c·w). A replicate is computed without re-sorting: the draw is a count per event, and each
 * classifier's ROC curve is walked down its one sort with weights c·w. The point values are those of rocAuc and
 * backgroundAtSignalEfficiency on the whole sample.
 */
export function pairedBootstrap(yTrue: ArrayLike<number>, scores: readonly ArrayLike<number>[], options: PairedBootstrapOptions = {}): PairedBootstrapResult {
  const nBoot = options.nBoot ?? 1000;
  const cl = options.cl ?? 0.95;
  const seed = options.seed ?? 0;
  checkLevel(cl);
  if (!(Number.isInteger(nBoot) && nBoot >= 2)) throw new DiscernError('INVALID_ARGUMENT', `nBoot is ${nBoot}; expected an integer ≥ 2`, { nBoot });
  if (scores.length < 2) throw new DiscernError('INVALID_ARGUMENT', `a paired comparison needs at least 2 classifiers' scores, got ${scores.length}`, { classifiers: scores.length });
  const targets = Float64Array.from(options.signalEfficiency ?? []);
  targets.forEach((v, i) => {
    if (!(v >= 0 && v <= 1)) throw new DiscernError('INVALID_ARGUMENT', `signalEfficiency[${i}] is ${v}; an efficiency must lie in [0, 1]`, { index: i, value: v });
  });
  const base = { ...(options.weights !== undefined ? { weights: options.weights } : {}), ...(options.posLabel !== undefined ? { posLabel: options.posLabel } : {}) };
  const inputs = scores.map((s, k) => binaryInput(yTrue, s, base, `scores[${k}]`));
  const first = inputs[0]!;
  const { truth, weights } = first;
  const N = truth.length;
  const orders = inputs.map((inp) => orderOf(inp.score, undefined));
  const whole = inputs.map((inp, k) => figuresOf(inp, orders[k]!, targets, `scores[${k}]`));
  const M = scores.length;
  const pairIdx: [number, number][] = [];
  for (let a = 0; a < M; a++) for (let b = a + 1; b < M; b++) pairIdx.push([a, b]);

  const posIdx: number[] = [], negIdx: number[] = [];
  for (let i = 0; i < N; i++) (truth[i] === 1 ? posIdx : negIdx).push(i);
  const T = targets.length;
  // replicates of each pair's differences: [pair][figure][replicate], figure 0 the AUC, 1.. the rejections
  const reps = pairIdx.map(() => Array.from({ length: 1 + T }, () => new Float64Array(nBoot)));
  // and of each classifier's own figures: [model][figure][replicate]
  const own = scores.map(() => Array.from({ length: 1 + T }, () => new Float64Array(nBoot)));
  const rng = createRng(seed);
  const count = new Uint32Array(N);
  const w = new Float64Array(N);
  const aucs = new Float64Array(M);
  const rej = Array.from({ length: M }, () => new Float64Array(T));
  for (let r = 0; r < nBoot; r++) {
    throwIfCancelled(options.signal, 'paired bootstrap');
    count.fill(0);
    for (let t = 0; t < posIdx.length; t++) count[posIdx[rng.int(posIdx.length)]!]!++;
    for (let t = 0; t < negIdx.length; t++) count[negIdx[rng.int(negIdx.length)]!]!++;
    for (let i = 0; i < N; i++) w[i] = weights ? count[i]! * weights[i]! : count[i]!;
    for (let k = 0; k < M; k++) {
      let f;
      try {
        f = figuresOf({ truth, score: inputs[k]!.score, weights: w }, orders[k]!, targets, `scores[${k}]`);
      } catch (e) {
        throw new DiscernError('DATA_INVALID', `paired bootstrap, replicate ${r + 1}: ${(e as Error).message} (negative event weights outweigh the positive ones in a resample)`, { replicate: r });
      }
      aucs[k] = f.auc;
      rej[k]!.set(f.rejection);
      own[k]![0]![r] = f.auc;
      for (let t = 0; t < T; t++) own[k]![1 + t]![r] = f.rejection[t]!;
    }
    pairIdx.forEach(([a, b], p) => {
      reps[p]![0]![r] = aucs[a]! - aucs[b]!;
      for (let t = 0; t < T; t++) reps[p]![1 + t]![r] = rej[a]![t]! - rej[b]![t]!;
    });
  }
  const alpha = 1 - cl;
  const interval = (value: number, v: Float64Array): PairedDifference => {
    v.sort();
    return { value, lower: quantileSorted(v, alpha / 2), upper: quantileSorted(v, 1 - alpha / 2) };
  };
  return {
    nBoot,
    seed,
    cl,
    auc: Float64Array.from(whole, (f) => f.auc),
    rejection: whole.map((f) => f.rejection),
    models: whole.map((f, k) => ({ auc: interval(f.auc, own[k]![0]!), rejection: Array.from({ length: T }, (_, t) => interval(f.rejection[t]!, own[k]![1 + t]!)) })),
    pairs: pairIdx.map(([a, b], p) => ({
      a,
      b,
      auc: interval(whole[a]!.auc - whole[b]!.auc, reps[p]![0]!),
      rejection: Array.from({ length: T }, (_, t) => interval(whole[a]!.rejection[t]! - whole[b]!.rejection[t]!, reps[p]![1 + t]!)),
    })),
  };
}
