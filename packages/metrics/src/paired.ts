import { createRng } from '@discern/linalg';
import { type CancelSignal, DiscernError, checkLevel, normPpf, normSf, throwIfCancelled } from '@discern/core';
import { MAX_DROPPED, placementValues, quantileSorted } from './delong.js';
import { CurveInterpolator, TrapezoidArea, binaryInput, orderOf, type BinaryInput } from './roc.js';
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
  /**
   * Replicates left out because a class's drawn weights summed to ≤ 0 (possible only with negative event weights):
   * such a draw has no ROC curve, for any classifier. The intervals are those of the others, as in bootstrapAuc.
   */
  dropped: number;
}

/**
 * One classifier's events laid out in the order of its sort (decreasing score), so that a replicate walks them
 * sequentially: the class, the weight and whether a run of equal scores ends there, by rank. A replicate then
 * reads each event's draw count once (count[order[r]]) instead of the class, weight and score of a random event at
 * every step: on a million events this is most of the time.
 */
class RankedClassifier {
  private readonly truth: Uint8Array;
  private readonly weight: Float64Array;
  private readonly runEnd: Uint8Array;
  private readonly w: Float64Array;

  constructor(
    input: BinaryInput,
    private readonly order: Uint32Array,
    private readonly what: string,
  ) {
    const n = order.length;
    this.truth = new Uint8Array(n);
    this.weight = new Float64Array(n);
    this.runEnd = new Uint8Array(n);
    this.w = new Float64Array(n);
    const { truth, score, weights } = input;
    for (let r = 0; r < n; r++) {
      const i = order[r]!;
      this.truth[r] = truth[i]!;
      this.weight[r] = weights ? weights[i]! : 1;
      this.runEnd[r] = r === n - 1 || score[order[r + 1]!] !== score[i] ? 1 : 0;
    }
  }

  /**
   * AUC and 1 − εB at the targets, with each event counted `count[event]` times (all once when undefined): the ROC
   * walked as forEachRocPoint walks it (the same sums in the same order, so the whole sample gives rocAuc's and
   * backgroundAtSignalEfficiency's numbers bit for bit), the area by the trapezoid rule, εB at εS as fprAtTpr.
   * Where a class's total weight is ≤ 0 there is no curve: undefined for a draw (`count`), DATA_INVALID for the
   * whole sample.
   */
  figures(count: Uint32Array, targets: ArrayLike<number>): { auc: number; rejection: Float64Array } | undefined;
  figures(count: undefined, targets: ArrayLike<number>): { auc: number; rejection: Float64Array };
  figures(count: Uint32Array | undefined, targets: ArrayLike<number>): { auc: number; rejection: Float64Array } | undefined {
    const { truth, weight, runEnd, order, w } = this;
    const n = order.length;
    let P = 0, N = 0;
    for (let r = 0; r < n; r++) {
      const wr = count ? count[order[r]!]! * weight[r]! : weight[r]!;
      w[r] = wr;
      if (truth[r] === 1) P += wr;
      else N += wr;
    }
    if (!(P > 0) || !(N > 0)) {
      if (count) return undefined;
      throw new DiscernError('DATA_INVALID', `${this.what}: the total weight of the ${P > 0 ? 'negative' : 'positive'} class is ${P > 0 ? N : P}; it must be positive`, { totalPositive: P, totalNegative: N });
    }
    const area = TrapezoidArea.forRoc(weight);
    const at = new CurveInterpolator(targets, 'min');
    area.push(0 / N, 0 / P);
    at.push(0 / P, 0 / N);
    let tp = 0, fp = 0;
    for (let r = 0; r < n; r++) {
      if (truth[r] === 1) tp += w[r]!;
      else fp += w[r]!;
      if (runEnd[r]) {
        const x = fp / N, y = tp / P;
        area.push(x, y);
        at.push(y, x);
      }
    }
    const eb = at.values();
    const rejection = new Float64Array(eb.length);
    for (let t = 0; t < eb.length; t++) rejection[t] = 1 - eb[t]!;
    return { auc: area.value(), rejection };
  }
}

/**
 * Paired bootstrap of the differences between classifiers scored on the same events: each replicate draws the
 * events with replacement (signal and background separately, so each keeps its size, as bootstrapAuc does) and
 * scores every classifier on the same draw, so the correlation between them is kept; the interval of a difference
 * is the percentile interval of its replicates. Weighted events are drawn with their weights (an event drawn c
 * times counts c·w). A replicate is computed without re-sorting: the draw is a count per event, and each
 * classifier's ROC curve is walked down its one sort with weights c·w. The point values are those of rocAuc and
 * backgroundAtSignalEfficiency on the whole sample. With negative event weights a draw can leave a class with a
 * total weight ≤ 0: such replicates are left out for every classifier (counted in `dropped`), and more than 5 % of
 * them is an error (DATA_INVALID), as in bootstrapAuc. Cost: one sort per classifier, then O(N) per replicate and
 * classifier (1,000,000 events, two classifiers: about 0.1 s per replicate).
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
  const { truth } = first;
  const N = truth.length;
  let nPos = 0;
  for (let i = 0; i < N; i++) nPos += truth[i]!;
  const posIdx = new Uint32Array(nPos), negIdx = new Uint32Array(N - nPos);
  for (let i = 0, a = 0, b = 0; i < N; i++) {
    if (truth[i] === 1) posIdx[a++] = i;
    else negIdx[b++] = i;
  }
  // (each replicate keeps every class's size, so both stay present)
  if (posIdx.length === 0 || negIdx.length === 0)
    throw new DiscernError('LABEL_INVALID', `a paired bootstrap needs both classes in yTrue, but only the ${posIdx.length ? 'positive' : 'negative'} class is present (${N} samples)`, { nPositive: posIdx.length, n: N });
  const ranked = inputs.map((inp, k) => new RankedClassifier(inp, orderOf(inp.score, undefined), `scores[${k}]`));
  const whole = ranked.map((c) => c.figures(undefined, targets));
  const M = scores.length;
  const pairIdx: [number, number][] = [];
  for (let a = 0; a < M; a++) for (let b = a + 1; b < M; b++) pairIdx.push([a, b]);

  const T = targets.length;
  // replicates of each pair's differences: [pair][figure][replicate], figure 0 the AUC, 1.. the rejections
  const reps = pairIdx.map(() => Array.from({ length: 1 + T }, () => new Float64Array(nBoot)));
  // and of each classifier's own figures: [model][figure][replicate]
  const own = scores.map(() => Array.from({ length: 1 + T }, () => new Float64Array(nBoot)));
  const rng = createRng(seed);
  const count = new Uint32Array(N);
  const aucs = new Float64Array(M);
  const rej = Array.from({ length: M }, () => new Float64Array(T));
  // replicates kept so far: row r of every replicate array is the r-th kept draw
  let r = 0;
  for (let draw = 0; draw < nBoot; draw++) {
    throwIfCancelled(options.signal, 'paired bootstrap');
    count.fill(0);
    // ⌊u·n⌋ of a 53-bit uniform u: a bias below n/2⁵³, and several times faster than rng.int's exact draw
    const np = posIdx.length, nn = negIdx.length;
    for (let t = 0; t < np; t++) count[posIdx[Math.floor(rng.uniform() * np)]!]!++;
    for (let t = 0; t < nn; t++) count[negIdx[Math.floor(rng.uniform() * nn)]!]!++;
    // a draw without a ROC curve (a class's drawn total ≤ 0, as summed down any classifier's ranking) is left out
    // for all classifiers; rows r written before that are overwritten by the next draw kept
    let kept = true;
    for (let k = 0; k < M && kept; k++) {
      const f = ranked[k]!.figures(count, targets);
      if (!f) {
        kept = false;
        break;
      }
      aucs[k] = f.auc;
      rej[k]!.set(f.rejection);
      own[k]![0]![r] = f.auc;
      for (let t = 0; t < T; t++) own[k]![1 + t]![r] = f.rejection[t]!;
    }
    if (!kept) continue;
    pairIdx.forEach(([a, b], p) => {
      reps[p]![0]![r] = aucs[a]! - aucs[b]!;
      for (let t = 0; t < T; t++) reps[p]![1 + t]![r] = rej[a]![t]! - rej[b]![t]!;
    });
    r++;
  }
  const dropped = nBoot - r;
  if (dropped > MAX_DROPPED * nBoot)
    throw new DiscernError(
      'DATA_INVALID',
      `paired bootstrap: in ${dropped} of ${nBoot} replicates a class's drawn event weights summed to ≤ 0 (the negative weights outweigh the positive ones in many draws), so the percentile intervals are not defined; use weights with a clearly positive total in each class`,
      { dropped, nBoot },
    );
  const alpha = 1 - cl;
  const interval = (value: number, all: Float64Array): PairedDifference => {
    const v = all.subarray(0, r).sort();
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
    dropped,
  };
}

