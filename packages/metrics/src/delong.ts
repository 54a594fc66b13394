import { DiscernError, createRng } from '@discern/linalg';
import { binaryInput, type BinaryOptions } from './roc.js';
import { normalPpf } from './special.js';
import { checkLevel } from './validate.js';

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

/** 1-based midranks of x (ties share the mean of their ranks), O(n log n). */
function midranks(x: Float64Array): Float64Array {
  const n = x.length;
  const idx = new Uint32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  idx.sort((a, b) => x[a]! - x[b]!);
  const r = new Float64Array(n);
  for (let i = 0; i < n; ) {
    let j = i;
    while (j < n && x[idx[j]!] === x[idx[i]!]) j++;
    const mid = 0.5 * (i + j - 1) + 1;
    for (let k = i; k < j; k++) r[idx[k]!] = mid;
    i = j;
  }
  return r;
}

/**
 * AUC with DeLong's variance (DeLong, DeLong & Clarke-Pearson 1988), computed from midranks as in Sun & Xu 2014:
 * the placement value of positive i is V10_i = (Tz_i − Tx_i)/n (the fraction of negatives below it, ties ½), of
 * negative j V01_j = 1 − (Tz_j − Ty_j)/m; Var(AUC) = S10/m + S01/n with S the sample variances of the placements.
 * The interval is AUC ± z·se, clipped to [0, 1]. Unweighted: the theory is for independent unweighted samples.
 */
export function delongAuc(yTrue: ArrayLike<number>, score: ArrayLike<number>, options: { cl?: number; posLabel?: number } = {}): DelongResult {
  const cl = options.cl ?? 0.95;
  checkLevel(cl);
  const { truth, score: s } = binaryInput(yTrue, score, options.posLabel === undefined ? {} : { posLabel: options.posLabel });
  let m = 0;
  for (let i = 0; i < truth.length; i++) m += truth[i]!;
  const n = truth.length - m;
  if (m < 2 || n < 2) {
    throw new DiscernError('LABEL_INVALID', `DeLong interval needs at least 2 positive and 2 negative samples, got ${m} and ${n}`, { positives: m, negatives: n });
  }
  const x = new Float64Array(m), y = new Float64Array(n);
  for (let i = 0, a = 0, b = 0; i < truth.length; i++) {
    if (truth[i] === 1) x[a++] = s[i]!;
    else y[b++] = s[i]!;
  }
  const z = new Float64Array(m + n);
  z.set(x);
  z.set(y, m);
  const tx = midranks(x), ty = midranks(y), tz = midranks(z);
  const v10 = new Float64Array(m), v01 = new Float64Array(n);
  let sumRank = 0;
  for (let i = 0; i < m; i++) {
    sumRank += tz[i]!;
    v10[i] = (tz[i]! - tx[i]!) / n;
  }
  for (let j = 0; j < n; j++) v01[j] = 1 - (tz[m + j]! - ty[j]!) / m;
  const aucValue = (sumRank / m - (m + 1) / 2) / n;
  const variance = sampleVariance(v10, aucValue) / m + sampleVariance(v01, aucValue) / n;
  const se = Math.sqrt(variance);
  const q = normalPpf(1 - (1 - cl) / 2);
  return { auc: aucValue, variance, se, cl, lower: Math.max(0, aucValue - q * se), upper: Math.min(1, aucValue + q * se) };
}

/** Unbiased sample variance around a known mean of the placements (their mean is the AUC exactly). */
function sampleVariance(v: Float64Array, mean: number): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) {
    const d = v[i]! - mean;
    s += d * d;
  }
  return s / (v.length - 1);
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
  /** The replicate AUCs, sorted. */
  replicates: Float64Array;
}

/** Weighted Mann–Whitney AUC of the events listed in `idx` (with repeats). */
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
  return sum / (pos * negBelow);
}

/** The q-quantile of sorted values with linear interpolation (numpy's default percentile). */
function quantileSorted(v: Float64Array, q: number): number {
  const h = (v.length - 1) * q;
  const lo = Math.floor(h), hi = Math.ceil(h);
  return v[lo]! + (h - lo) * (v[hi]! - v[lo]!);
}

/**
 * Percentile bootstrap interval of the AUC. Signal and background are resampled separately (stratified), so each
 * replicate keeps the class sizes and always has both classes. Weighted events are resampled with their weights.
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
  if (!Number.isFinite(point)) throw new DiscernError('DATA_INVALID', 'bootstrap AUC: a class has a non-positive total weight', {});
  const rng = createRng(options.seed ?? 0);
  const sample = new Int32Array(truth.length);
  const reps = new Float64Array(nBoot);
  for (let b = 0; b < nBoot; b++) {
    let k = 0;
    for (let t = 0; t < posIdx.length; t++) sample[k++] = posIdx[rng.int(posIdx.length)]!;
    for (let t = 0; t < negIdx.length; t++) sample[k++] = negIdx[rng.int(negIdx.length)]!;
    reps[b] = aucOfSample(sample, truth, s, weights, buf);
  }
  reps.sort();
  const alpha = 1 - cl;
  return { auc: point, lower: quantileSorted(reps, alpha / 2), upper: quantileSorted(reps, 1 - alpha / 2), cl, nBoot, replicates: reps };
}
