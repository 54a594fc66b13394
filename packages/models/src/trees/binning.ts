import { type Rng } from '@discern/linalg';

/**
 * Feature binning for the histogram trees, as scikit-learn's `_BinMapper` (sklearn/ensemble/_hist_gradient_boosting/
 * binning.py): per feature at most `maxBins` bins for the values that are there, and one more bin, index `maxBins`,
 * for the missing ones (NaN), so a binned value fits in a byte.
 *
 * One difference: each threshold is then moved, within the gap between the two training values it separates (so
 * that it splits the training rows exactly as scikit-learn's does), to the nearest float32 rounding boundary (see
 * snapToFloat32). A model's decisions on a double x are then those of a float32 graph on fround(x): the exported
 * float32 model scores a CSV file like the model itself, not only on inputs that are already float32.
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

const F32_MAX = 3.4028234663852886e38;
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);

/** The float32 after c (a finite float32) towards +∞. */
function nextUp32(c: number): number {
  if (c === 0) return 1.401298464324817e-45;
  f32[0] = c;
  u32[0] = c > 0 ? u32[0]! + 1 : u32[0]! - 1;
  return f32[0]!;
}

/** The double before x (x finite, > −MAX). */
function nextDown64(x: number): number {
  if (x === 0) return -5e-324;
  f64[0] = x;
  u64[0] = x > 0 ? u64[0]! - 1n : u64[0]! + 1n;
  return f64[0]!;
}

/**
 * The largest double that float32 rounding (to nearest, ties to even) sends to the float32 c: the midpoint between
 * c and the next float32 when that midpoint rounds down to c (c's last bit even), else the double just below it.
 */
export function float32Boundary(c: number): number {
  const next = nextUp32(c);
  if (!Number.isFinite(next)) return F32_MAX;
  const mid = (c + next) / 2; // exact: float32 midpoints are doubles
  return Math.fround(mid) === c ? mid : nextDown64(mid);
}

/**
 * Moves a threshold t within [a, b) — the gap between the training values it separates, where every threshold splits
 * the training rows the same — to a float32 rounding boundary, the nearer of the two around t when both fall in the
 * gap; t itself when none does (a and b closer than float32 can tell apart). Then, for every double x,
 * x ≤ t' exactly when fround(x) ≤ fround(t'): a float32 ONNX graph given the rounded input decides as the model
 * does on the double.
 */
export function snapToFloat32(t: number, a: number, b: number): number {
  if (!(Math.abs(t) < F32_MAX)) return t;
  const c = Math.fround(t);
  let best = t, dist = Infinity;
  for (const cand of [float32Boundary(c), c > -F32_MAX ? float32Boundary(c === 0 ? -1.401298464324817e-45 : prevFloat32(c)) : NaN]) {
    if (!(cand >= a && cand < b)) continue;
    const d = Math.abs(cand - t);
    if (d < dist) {
      dist = d;
      best = cand;
    }
  }
  return best;
}

function prevFloat32(c: number): number {
  f32[0] = c;
  u32[0] = c > 0 ? u32[0]! - 1 : u32[0]! + 1;
  return f32[0]!;
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
  for (let k = 0; k < out.length; k++) {
    if (out[k]! > ALMOST_INF) out[k] = ALMOST_INF;
    // the gap [a, b) of training values around the threshold, where it can move without changing any training split
    const t = out[k]!;
    let lo = 0, hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid]! <= t) lo = mid + 1;
      else hi = mid;
    }
    const a = lo > 0 ? sorted[lo - 1]! : -Infinity;
    const b = lo < n ? sorted[lo]! : Infinity;
    out[k] = snapToFloat32(t, a, b);
  }
  return out;
}

/**
 * Which of n rows make the thresholds, as positions 0..n−1 in increasing order: all of them, or BINNING_SUBSAMPLE
 * drawn with `rng` when there are more.
 */
export function binningPositions(n: number, rng: Rng): Int32Array {
  if (n <= BINNING_SUBSAMPLE) return Int32Array.from({ length: n }, (_, k) => k);
  const pick = rng.choice(n, BINNING_SUBSAMPLE);
  pick.sort();
  return pick;
}

/** The thresholds of feature j from its values in the rows `use` of the row-major n×p matrix X (see the module comment). */
export function thresholdsOf(X: Float64Array, p: number, j: number, use: Int32Array, maxBins: number): Float64Array {
  const col = new Float64Array(use.length);
  let m = 0;
  for (let k = 0; k < use.length; k++) {
    const v = X[use[k]! * p + j]!;
    if (v === v) col[m++] = v;
  }
  return featureThresholds(sortValues(col.subarray(0, m)), maxBins);
}

/** The index of a double's high 32-bit word in a Uint32Array over its bytes (1 on little-endian machines). */
const HIGH = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1 ? 1 : 0;
/** Bits of a digit of sortValues (three passes a 32-bit word). */
const DIGIT = 11;

/**
 * Sorts the doubles of v (none NaN) in place, ascending with −0 before +0, as Float64Array.prototype.sort does: a
 * least-significant-digit radix sort of their IEEE bits made order-preserving (the sign bit of a positive value
 * flipped, every bit of a negative one), 11 bits a pass, skipping the passes whose digit is the same in every value.
 * The same array as sort(), in ~0.63 of its time on MAGIC's 13,314 values of a feature. Short arrays use sort().
 */
export function sortValues(v: Float64Array): Float64Array {
  const n = v.length;
  if (n < 1024) return v.sort();
  const words = new Uint32Array(v.buffer, v.byteOffset, 2 * n);
  let hi = new Uint32Array(n), lo = new Uint32Array(n), hi2 = new Uint32Array(n), lo2 = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const h = words[2 * i + HIGH]!, l = words[2 * i + 1 - HIGH]!;
    const negative = h >>> 31 === 1;
    hi[i] = negative ? ~h >>> 0 : (h | 0x80000000) >>> 0;
    lo[i] = negative ? ~l >>> 0 : l;
  }
  const count = new Int32Array(1 << DIGIT);
  const mask = (1 << DIGIT) - 1;
  for (let pass = 0; pass < 6; pass++) {
    const key = pass < 3 ? lo : hi;
    const shift = (pass % 3) * DIGIT;
    count.fill(0);
    for (let i = 0; i < n; i++) count[(key[i]! >>> shift) & mask]!++;
    if (count[(key[0]! >>> shift) & mask] === n) continue;
    for (let d = 0, at = 0; d <= mask; d++) {
      const c = count[d]!;
      count[d] = at;
      at += c;
    }
    for (let i = 0; i < n; i++) {
      const k = count[(key[i]! >>> shift) & mask]!++;
      hi2[k] = hi[i]!;
      lo2[k] = lo[i]!;
    }
    [hi, hi2] = [hi2, hi];
    [lo, lo2] = [lo2, lo];
  }
  for (let i = 0; i < n; i++) {
    const h = hi[i]!, l = lo[i]!;
    const negative = h >>> 31 === 0;
    words[2 * i + HIGH] = negative ? ~h >>> 0 : h & 0x7fffffff;
    words[2 * i + 1 - HIGH] = negative ? ~l >>> 0 : l;
  }
  return v;
}

/** Whether feature j has a missing value in the rows `rows` of X. */
export function hasMissingValue(X: Float64Array, p: number, j: number, rows: Int32Array): boolean {
  for (let k = 0; k < rows.length; k++) if (X[rows[k]! * p + j] !== X[rows[k]! * p + j]) return true;
  return false;
}

/**
 * Thresholds of every feature from the rows `rows` of the row-major n×p matrix X (at most BINNING_SUBSAMPLE of them,
 * drawn with `rng` when there are more).
 */
export function fitBins(X: Float64Array, p: number, rows: Int32Array, maxBins: number, rng: Rng): BinMapping {
  return binMapping(X, p, rows, binningPositions(rows.length, rng), maxBins);
}

/** fitBins with the rows rows[positions[k]] making the thresholds. */
export function binMapping(X: Float64Array, p: number, rows: Int32Array, positions: Int32Array, maxBins: number): BinMapping {
  const use = positions.length === rows.length ? rows : Int32Array.from(positions, (k) => rows[k]!);
  const thresholds: Float64Array[] = [];
  const nBins = new Int32Array(p);
  const hasMissing = new Uint8Array(p);
  for (let j = 0; j < p; j++) {
    const t = thresholdsOf(X, p, j, use, maxBins);
    thresholds.push(t);
    nBins[j] = t.length + 1;
    // missing values are looked for in every training row, not only the subsample used for the thresholds
    hasMissing[j] = hasMissingValue(X, p, j, rows) ? 1 : 0;
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
  for (let j = 0; j < p; j++) binColumn(X, p, j, rows, m.thresholds[j]!, m.missingBin, out);
  return out;
}

/** Buckets of binColumn's index (see there). */
const BUCKETS = 1024;

/**
 * Bins feature j of the rows `rows` of X by its thresholds t into column j of the row-major rows.length × p `out`:
 * binOf's bins, found through an index of BUCKETS equal buckets between the first and last thresholds. A value's
 * bucket k = ⌊(v − t₀)·scale⌋ (clamped) is monotone in v, so every threshold in an earlier bucket lies below v and
 * every one in a later bucket above it: the first b with v ≤ t[b] lies among the thresholds of bucket k, or just after
 * them — a search of a few thresholds instead of all of them (and of the branches a processor mispredicts).
 */
export function binColumn(X: Float64Array, p: number, j: number, rows: Int32Array, t: Float64Array, missingBin: number, out: Uint8Array): void {
  const nt = t.length;
  const lo = t[0]!;
  const scale = BUCKETS / (t[nt - 1]! - lo);
  if (nt < 8 || !(scale > 0 && scale < Infinity)) {
    for (let k = 0; k < rows.length; k++) out[k * p + j] = binOf(X[rows[k]! * p + j]!, t, missingBin);
    return;
  }
  // first[k]: the thresholds of buckets before k (so bucket k's are first[k]..first[k + 1] − 1)
  const first = new Int32Array(BUCKETS + 1);
  for (let b = 0; b < nt; b++) first[bucketOf(t[b]!, lo, scale) + 1]!++;
  for (let k = 0; k < BUCKETS; k++) first[k + 1]! += first[k]!;
  for (let k = 0; k < rows.length; k++) {
    const v = X[rows[k]! * p + j]!;
    if (v !== v) {
      out[k * p + j] = missingBin;
      continue;
    }
    const q = bucketOf(v, lo, scale);
    let a = first[q]!, e = first[q + 1]!;
    while (a < e) {
      const mid = (a + e) >>> 1;
      if (v <= t[mid]!) e = mid;
      else a = mid + 1;
    }
    out[k * p + j] = a;
  }
}

/** The bucket of binColumn's index that v falls in (the first or last one for a value outside the thresholds). */
function bucketOf(v: number, lo: number, scale: number): number {
  const x = (v - lo) * scale;
  return x < 0 ? 0 : x >= BUCKETS ? BUCKETS - 1 : x | 0;
}
