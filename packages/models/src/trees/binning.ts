import { type Rng } from '@discern/linalg';

/**
 * Feature binning for the histogram trees, as scikit-learn's `_BinMapper` (sklearn/ensemble/_hist_gradient_boosting/
 * binning.py): per feature at most `maxBins` bins for the values that are there, and one more bin, index `maxBins`,
 * for the missing ones (NaN), so a binned value fits in a byte.
 *
 * Thresholds are computed on the training rows only. A feature with at most `maxBins` distinct values gets the
 * midpoints between consecutive distinct values; otherwise the `maxBins − 1` percentiles at 100·k/maxBins of its
 * values, by numpy's 'midpoint' method (the value at the virtual index (n − 1)·q when it is whole, else the mean of
 * its two neighbours). A value x goes to the first bin b with x ≤ thresholds[b] (or the last bin of that feature);
 * so a split after bin b is the rule x ≤ thresholds[b] on the raw value, which is what prediction applies.
 * Thresholds may repeat (a value that fills several percentiles); the bins between them stay empty.
 */

/** Above this many rows, the thresholds are computed on a seeded random subset of this size (as scikit-learn). */
export const BINNING_SUBSAMPLE = 200_000;

/** The largest threshold allowed: scikit-learn's ALMOST_INF; also the threshold of a "missing values go right, all others left" split. */
export const ALMOST_INF = 1e300;

export interface BinMapping {
  /** Bins per feature for the values that are there (thresholds[j].length + 1); bin maxBins is the missing bin. */
  readonly nBins: Int32Array;
  readonly thresholds: readonly Float64Array[];
  /** 1 where the training rows had a missing value in that feature. */
  readonly hasMissing: Uint8Array;
  /** The index of the missing bin (= maxBins). */
  readonly missingBin: number;
}

/** numpy's linear interpolation, `_lerp`: for t ≥ ½ it computes from b, so that lerp(a, b, 1) is b exactly. */
function lerp(a: number, b: number, t: number): number {
  const d = b - a;
  return t >= 0.5 ? b - d * (1 - t) : a + d * t;
}

/** Thresholds of one feature from its sorted non-missing values (see the module comment). */
export function featureThresholds(sorted: Float64Array, maxBins: number): Float64Array {
  const n = sorted.length;
  if (n === 0) return new Float64Array(0);
  // distinct values
  let distinct = 1;
  for (let i = 1; i < n; i++) if (sorted[i] !== sorted[i - 1]) distinct++;
  let out: Float64Array;
  if (distinct <= maxBins) {
    out = new Float64Array(distinct - 1);
    let prev = sorted[0]!;
    let k = 0;
    for (let i = 1; i < n; i++) {
      const v = sorted[i]!;
      if (v !== prev) {
        // numpy: (a + b) then *= 0.5
        out[k++] = (prev + v) * 0.5;
        prev = v;
      }
    }
  } else {
    out = new Float64Array(maxBins - 1);
    // np.linspace(0, 100, maxBins + 1)[1:-1], then np.percentile(..., method='midpoint')
    const step = 100 / maxBins;
    for (let k = 1; k < maxBins; k++) {
      const q = (k * step) / 100;
      const v = (n - 1) * q;
      const lo = Math.floor(v);
      if (v === lo) out[k - 1] = sorted[lo]!;
      else out[k - 1] = lerp(sorted[lo]!, sorted[Math.min(lo + 1, n - 1)]!, 0.5);
    }
  }
  for (let k = 0; k < out.length; k++) if (out[k]! > ALMOST_INF) out[k] = ALMOST_INF;
  return out;
}

/**
 * Thresholds of every feature from the rows `rows` of the row-major n×p matrix X (at most BINNING_SUBSAMPLE of them,
 * drawn with `rng` when there are more).
 */
export function fitBins(X: Float64Array, p: number, rows: Int32Array, maxBins: number, rng: Rng): BinMapping {
  let use = rows;
  if (rows.length > BINNING_SUBSAMPLE) {
    const pick = rng.choice(rows.length, BINNING_SUBSAMPLE);
    pick.sort();
    use = new Int32Array(BINNING_SUBSAMPLE);
    for (let k = 0; k < pick.length; k++) use[k] = rows[pick[k]!]!;
  }
  const thresholds: Float64Array[] = [];
  const nBins = new Int32Array(p);
  const hasMissing = new Uint8Array(p);
  const col = new Float64Array(use.length);
  for (let j = 0; j < p; j++) {
    let m = 0;
    for (let k = 0; k < use.length; k++) {
      const v = X[use[k]! * p + j]!;
      if (v === v) col[m++] = v;
    }
    const sorted = col.subarray(0, m).slice().sort();
    const t = featureThresholds(sorted, maxBins);
    thresholds.push(t);
    nBins[j] = t.length + 1;
  }
  // missing values are looked for in every training row, not only the subsample used for the thresholds
  for (let k = 0; k < rows.length; k++) {
    const o = rows[k]! * p;
    for (let j = 0; j < p; j++) if (X[o + j] !== X[o + j]) hasMissing[j] = 1;
  }
  return { nBins, thresholds, hasMissing, missingBin: maxBins };
}

/** The bin of one value: the first b with v ≤ t[b] (binary search), t.length when above all, missingBin for NaN. */
export function binOf(v: number, t: Float64Array, missingBin: number): number {
  if (v !== v) return missingBin;
  let lo = 0, hi = t.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (v <= t[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Bins the rows `rows` of X (row-major n×p) into a row-major rows.length × p byte matrix. */
export function binRows(X: Float64Array, p: number, rows: Int32Array, m: BinMapping, out: Uint8Array = new Uint8Array(rows.length * p)): Uint8Array {
  for (let j = 0; j < p; j++) {
    const t = m.thresholds[j]!;
    for (let k = 0; k < rows.length; k++) out[k * p + j] = binOf(X[rows[k]! * p + j]!, t, m.missingBin);
  }
  return out;
}
