import { createRng } from '@discern/linalg';
import { DiscernError, checkLevel, normPpf } from '@discern/core';
import { binaryInput, orderOf, type BinaryOptions } from './roc.js';

/** Confidence intervals for the ROC AUC: DeLong's asymptotic variance and a seeded bootstrap. */

export interface AucInterval {
  auc: number;
  lower: number;
  upper: number;
  cl: number;
}

export interface DelongResult extends AucInterval {
  variance: number;
  se: number;
}

/**
 * AUC with DeLong's variance (DeLong, DeLong & Clarke-Pearson 1988), computed from midranks as in Sun & Xu 2014:
 * the placement value of positive i is V10_i = (Tz_i − Tx_i)/n (the fraction of negatives below it, ties ½), of
 * negative j V01_j = 1 − (Tz_j − Ty_j)/m; Var(AUC) = S10/m + S01/n with S the sample variances of the placements.
 * The interval is AUC ± z·se, clipped to [0, 1]. Unweighted: the theory is for independent unweighted samples.
 *
 * The midranks (1-based; ties share the mean of their ranks) come from one sort of all scores, walked from the
 * lowest: a run of equal scores with g events, p of them positive, above `below` events (`posBelow` positives)
 * has midrank ½(2·below + g − 1) + 1 among all events and ½(2·posBelow + p − 1) + 1 among positives — the numbers
 * separate sorts of the positives, the negatives and all events would give. Memory: the sort and one placement
 * value per event.
 */
export function delongAuc(yTrue: ArrayLike<number>, score: ArrayLike<number>, options: { cl?: number; posLabel?: number; order?: Uint32Array } = {}): DelongResult {
  const cl = options.cl ?? 0.95;
  checkLevel(cl);
  const { truth, score: s } = binaryInput(yTrue, score, options.posLabel === undefined ? {} : { posLabel: options.posLabel });
  let m = 0;
  for (let i = 0; i < truth.length; i++) m += truth[i]!;
  const n = truth.length - m;
  if (m < 2 || n < 2) {
    throw new DiscernError('LABEL_INVALID', `DeLong interval needs at least 2 positive and 2 negative samples, got ${m} and ${n}`, { positives: m, negatives: n });
  }
  const { place, auc: aucValue } = placementValues(truth, s, orderOf(s, options.order), m, n);
  // the sample variances sum the placements in the order of the events, as the per-class arrays did
  let s10 = 0, s01 = 0;
  for (let i = 0; i < truth.length; i++) {
    const d = place[i]! - aucValue;
    if (truth[i] === 1) s10 += d * d;
    else s01 += d * d;
  }
  const variance = s10 / (m - 1) / m + s01 / (n - 1) / n;
  const se = Math.sqrt(variance);
  const q = normPpf(1 - (1 - cl) / 2);
  return { auc: aucValue, variance, se, cl, lower: Math.max(0, aucValue - q * se), upper: Math.min(1, aucValue + q * se) };
}

/**
 * DeLong's placement values from one sort of the scores (midranks, Sun & Xu 2014): V10 for each positive, V01 for
 * each negative, in the order of the events, and the AUC they average to. `m` positives, `n` negatives.
 */
export function placementValues(truth: Uint8Array, s: Float64Array, order: Uint32Array, m: number, n: number): { place: Float64Array; auc: number } {
  // placement value of each event: V10 for a positive, V01 for a negative
  const place = new Float64Array(truth.length);
  // Σ of the positives' midranks among all events: half-integers below 2^43 whose every partial sum is exact, so the
  // order of summation does not matter.
  let sumRank = 0;
  let below = 0, posBelow = 0, negBelow = 0;
  for (let r = order.length - 1; r >= 0; ) {
    const v = s[order[r]!]!;
    let e = r, gp = 0, gn = 0;
    while (e >= 0 && s[order[e]!] === v) {
      if (truth[order[e]!] === 1) gp++;
      else gn++;
      e--;
    }
    const g = gp + gn;
    const tz = 0.5 * (below + (below + g) - 1) + 1;
    const tx = 0.5 * (posBelow + (posBelow + gp) - 1) + 1;
    const ty = 0.5 * (negBelow + (negBelow + gn) - 1) + 1;
    const v10 = (tz - tx) / n, v01 = 1 - (tz - ty) / m;
    for (let k = r; k > e; k--) {
      const i = order[k]!;
      if (truth[i] === 1) {
        place[i] = v10;
        sumRank += tz;
      } else place[i] = v01;
    }
    below += g;
    posBelow += gp;
    negBelow += gn;
    r = e;
  }
  return { place, auc: (sumRank / m - (m + 1) / 2) / n };
}

export interface BootstrapOptions extends BinaryOptions {
  /** Number of bootstrap replicates (default 1000). */
  nBoot?: number;
  /** Seed of the resampling stream (default 0). */
  seed?: number;
  cl?: number;
}

export interface BootstrapResult extends AucInterval {
  nBoot: number;
  /** The replicate AUCs that have an AUC, sorted (nBoot − dropped of them). */
  replicates: Float64Array;
  /**
   * Replicates left out because a class's drawn weights summed to ≤ 0 (possible only with negative event weights):
   * such a draw has no AUC. The interval is that of the others.
   */
  dropped: number;
}

/**
 * Above this fraction of replicates without an AUC the interval is refused rather than computed from the rest (here
 * and in pairedBootstrap).
 */
export const MAX_DROPPED = 0.05;

/** Weighted Mann–Whitney AUC of the events listed in `idx` (with repeats); NaN when a class's weights sum to ≤ 0. */
function aucOfSample(idx: Int32Array, truth: Uint8Array, s: Float64Array, w: Float64Array | undefined, buf: Int32Array): number {
  buf.set(idx);
  buf.sort((a, b) => s[a]! - s[b]!);
  let negBelow = 0, pos = 0, sum = 0;
  for (let r = 0; r < buf.length; ) {
    let e = r, gp = 0, gn = 0;
    const v = s[buf[r]!]!;
    while (e < buf.length && s[buf[e]!] === v) {
      const i = buf[e]!;
      const wi = w ? w[i]! : 1;
      if (truth[i] === 1) gp += wi;
      else gn += wi;
      e++;
    }
    sum += gp * (negBelow + 0.5 * gn);
    negBelow += gn;
    pos += gp;
    r = e;
  }
  return pos > 0 && negBelow > 0 ? sum / (pos * negBelow) : NaN;
}

/** The q-quantile of sorted values with linear interpolation (numpy's default percentile). */
export function quantileSorted(v: Float64Array, q: number): number {
  const h = (v.length - 1) * q;
  const lo = Math.floor(h), hi = Math.ceil(h);
  return v[lo]! + (h - lo) * (v[hi]! - v[lo]!);
}

/**
 * Percentile bootstrap interval of the AUC. Signal and background are resampled separately (stratified), so each
 * replicate keeps the class sizes and always has both classes. Weighted events are resampled with their weights;
 * with negative weights a draw can leave a class with a total weight ≤ 0, and so without an AUC: such replicates are
 * left out (counted in `dropped`), and more than 5 % of them is an error.
 */
export function bootstrapAuc(yTrue: ArrayLike<number>, score: ArrayLike<number>, options: BootstrapOptions = {}): BootstrapResult {
  const nBoot = options.nBoot ?? 1000;
  const cl = options.cl ?? 0.95;
  checkLevel(cl);
  if (!(Number.isInteger(nBoot) && nBoot >= 2)) throw new DiscernError('INVALID_ARGUMENT', `nBoot is ${nBoot}; expected an integer ≥ 2`, { nBoot });
  const { truth, score: s, weights } = binaryInput(yTrue, score, options);
  const posIdx: number[] = [], negIdx: number[] = [];
  for (let i = 0; i < truth.length; i++) (truth[i] === 1 ? posIdx : negIdx).push(i);
  if (posIdx.length === 0 || negIdx.length === 0) {
    throw new DiscernError('LABEL_INVALID', `bootstrap AUC needs both classes, got ${posIdx.length} positive and ${negIdx.length} negative samples`, {});
  }
  const all = new Int32Array(truth.length);
  for (let i = 0; i < all.length; i++) all[i] = i;
  const buf = new Int32Array(truth.length);
  const point = aucOfSample(all, truth, s, weights, buf);
  if (Number.isNaN(point)) {
    let wPos = 0, wNeg = 0;
    for (let i = 0; i < truth.length; i++) {
      if (truth[i] === 1) wPos += weights![i]!;
      else wNeg += weights![i]!;
    }
    throw new DiscernError('DATA_INVALID', `bootstrap AUC: the event weights of the signal sum to ${wPos} and of the background to ${wNeg}; each class needs a positive total weight`, { signalWeight: wPos, backgroundWeight: wNeg });
  }
  const rng = createRng(options.seed ?? 0);
  const sample = new Int32Array(truth.length);
  const drawn = new Float64Array(nBoot);
  let kept = 0;
  for (let b = 0; b < nBoot; b++) {
    let k = 0;
    for (let t = 0; t < posIdx.length; t++) sample[k++] = posIdx[rng.int(posIdx.length)]!;
    for (let t = 0; t < negIdx.length; t++) sample[k++] = negIdx[rng.int(negIdx.length)]!;
    const a = aucOfSample(sample, truth, s, weights, buf);
    if (!Number.isNaN(a)) drawn[kept++] = a;
  }
  const dropped = nBoot - kept;
  if (dropped > MAX_DROPPED * nBoot)
    throw new DiscernError(
      'DATA_INVALID',
      `bootstrap AUC: in ${dropped} of ${nBoot} replicates a class's drawn event weights summed to ≤ 0 (the negative weights outweigh the positive ones in many draws), so the percentile interval is not defined; use the DeLong interval (of the unweighted AUC) or weights with a clearly positive total in each class`,
      { dropped, nBoot },
    );
  const reps = drawn.slice(0, kept).sort();
  const alpha = 1 - cl;
  return { auc: point, lower: quantileSorted(reps, alpha / 2), upper: quantileSorted(reps, 1 - alpha / 2), cl, nBoot, replicates: reps, dropped };
}
