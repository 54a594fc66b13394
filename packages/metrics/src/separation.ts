import { DiscernError } from '@discern/core';
import { asLabels, asScores, asWeights, checkLength, checkNonEmpty } from './validate.js';

/**
 * Input-variable diagnostics as TMVA shows them: each class's distribution of a variable in equal-width bins, and
 * the separation ⟨S²⟩ of signal and background computed from those same histograms.
 */

export interface ClassHistogramOptions {
  weights?: ArrayLike<number>;
  /** Number of equal-width bins (default 40). */
  bins?: number;
  /** [lo, hi]; default the smallest and largest value of all events (weights aside). */
  range?: readonly [number, number];
}

export interface ClassHistograms {
  /** bins + 1 edges, lo + k·(hi − lo)/bins (the last exactly hi). */
  edges: Float64Array;
  /** Per class: Σw of the events in each bin. */
  sumW: Float64Array[];
  /** Per class: Σw² of the events in each bin. */
  sumW2: Float64Array[];
  /** Per class: Σw of the events inside the range. */
  total: Float64Array;
  /** Events outside the range (not counted). */
  outside: number;
}

/**
 * The equal-width edges of [lo, hi] (a degenerate range is widened by 5 %, or ±0.5 around 0, so that a constant
 * variable still has a bin: the same rule as @discern/report's binEdges).
 */
export function histogramEdges(lo: number, hi: number, bins: number): Float64Array {
  if (!(Number.isInteger(bins) && bins >= 1 && bins <= 100_000)) throw new DiscernError('INVALID_ARGUMENT', `bins is ${bins}; expected an integer in [1, 100000]`, { bins });
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo <= hi)) throw new DiscernError('INVALID_ARGUMENT', `range is [${lo}, ${hi}]; expected two finite numbers lo ≤ hi`, { lo, hi });
  if (lo === hi) {
    const pad = lo === 0 ? 0.5 : Math.abs(lo) * 0.05;
    lo -= pad;
    hi += pad;
  }
  const step = (hi - lo) / bins;
  const edges = new Float64Array(bins + 1);
  for (let k = 0; k < bins; k++) edges[k] = lo + k * step;
  edges[bins] = hi;
  return edges;
}

/**
 * Weighted histograms of `values`, one per class of `yTrue` (0..nClasses−1), on shared equal-width bins. A value v
 * falls in bin ⌊(v − lo)/Δ⌋ with Δ = (hi − lo)/bins; the last bin is closed on the right (so the maximum, which
 * sets the default range, is counted); values outside [lo, hi] are counted in `outside` only.
 */
export function classHistograms(values: ArrayLike<number>, yTrue: ArrayLike<number>, nClasses: number, options: ClassHistogramOptions = {}): ClassHistograms {
  const n = yTrue.length;
  checkNonEmpty(n, 'yTrue');
  checkLength(values, n, 'values');
  if (!(Number.isInteger(nClasses) && nClasses >= 1)) throw new DiscernError('INVALID_ARGUMENT', `nClasses is ${nClasses}; expected a positive integer`, { nClasses });
  const v = asScores(values, 'values');
  const y = asLabels(yTrue, 'yTrue', nClasses);
  const w = asWeights(options.weights, n);
  let lo: number, hi: number;
  if (options.range) [lo, hi] = options.range;
  else {
    lo = Infinity;
    hi = -Infinity;
    for (let i = 0; i < n; i++) {
      if (v[i]! < lo) lo = v[i]!;
      if (v[i]! > hi) hi = v[i]!;
    }
  }
  const bins = options.bins ?? 40;
  const edges = histogramEdges(lo, hi, bins);
  const x0 = edges[0]!, x1 = edges[bins]!;
  const width = (x1 - x0) / bins;
  const sumW = Array.from({ length: nClasses }, () => new Float64Array(bins));
  const sumW2 = Array.from({ length: nClasses }, () => new Float64Array(bins));
  const total = new Float64Array(nClasses);
  let outside = 0;
  for (let i = 0; i < n; i++) {
    const x = v[i]!;
    if (x < x0 || x > x1) {
      outside++;
      continue;
    }
    const b = Math.min(bins - 1, Math.floor((x - x0) / width));
    const wi = w ? w[i]! : 1;
    const c = y[i]!;
    const sw = sumW[c]!, sw2 = sumW2[c]!;
    sw[b] = sw[b]! + wi;
    sw2[b] = sw2[b]! + wi * wi;
    total[c] = total[c]! + wi;
  }
  return { edges, sumW, sumW2, total, outside };
}

/**
 * TMVA's separation of two histograms on the same equal-width bins (TMVA::Tools::GetSeparation):
 * ⟨S²⟩ = ½ Σ_bins (ŷS − ŷB)² / (ŷS + ŷB) · Δ, with ŷ = content / (Σcontent · Δ) the normalised densities; bins where
 * ŷS + ŷB ≤ 0 (empty, or negative from negative weights) add nothing. 0 for identical shapes, 1 for no overlap;
 * NaN when a histogram's total is not positive.
 */
export function separationOfHistograms(signal: ArrayLike<number>, background: ArrayLike<number>, binWidth = 1): number {
  checkLength(background, signal.length, 'background', 'signal');
  if (!(binWidth > 0 && Number.isFinite(binWidth))) throw new DiscernError('INVALID_ARGUMENT', `binWidth is ${binWidth}; expected a positive number`, { binWidth });
  let ts = 0, tb = 0;
  for (let k = 0; k < signal.length; k++) {
    ts += signal[k]!;
    tb += background[k]!;
  }
  if (!(ts > 0 && tb > 0)) return NaN;
  const ns = ts * binWidth, nb = tb * binWidth;
  let sep = 0;
  for (let k = 0; k < signal.length; k++) {
    const s = signal[k]! / ns, b = background[k]! / nb;
    if (s + b > 0) sep += ((s - b) * (s - b)) / (s + b);
  }
  return 0.5 * sep * binWidth;
}

export interface SeparationOptions extends ClassHistogramOptions {
  /** Class index counted as signal (default 1); every other class is background. */
  posLabel?: number;
}

export interface SeparationResult {
  separation: number;
  edges: Float64Array;
  /** Σw per bin of signal and of background. */
  signal: Float64Array;
  background: Float64Array;
}

/** The separation of one variable between signal (class posLabel) and background (all other classes). */
export function separation(values: ArrayLike<number>, yTrue: ArrayLike<number>, options: SeparationOptions = {}): SeparationResult {
  const pos = options.posLabel ?? 1;
  if (!(Number.isInteger(pos) && pos >= 0)) throw new DiscernError('INVALID_ARGUMENT', `posLabel is ${pos}; expected a class index`, { posLabel: pos });
  const y = asLabels(yTrue, 'yTrue', options.posLabel === undefined ? 2 : undefined);
  const truth = new Int32Array(y.length);
  for (let i = 0; i < y.length; i++) truth[i] = y[i] === pos ? 1 : 0;
  const h = classHistograms(values, truth, 2, options);
  const bins = h.edges.length - 1;
  const width = (h.edges[bins]! - h.edges[0]!) / bins;
  return { separation: separationOfHistograms(h.sumW[1]!, h.sumW[0]!, width), edges: h.edges, signal: h.sumW[1]!, background: h.sumW[0]! };
}
