import { invalid } from '../validate.js';

export interface DensityHistogram {
  /** Bin edges, `bins + 1` of them. */
  edges: number[];
  /** Σw / (W·Δx) per bin, where W is the total weight inside the range: the histogram integrates to 1. */
  density: number[];
  /** √Σw² / (W·Δx) per bin, the usual weighted-histogram error. */
  error: number[];
  /** Events outside the range (not counted, not in W). */
  outside: number;
}

/** Equal-width bins over [lo, hi]; a degenerate range is widened so that a constant score still gets a bin. */
export function binEdges(lo: number, hi: number, bins: number): number[] {
  if (!Number.isInteger(bins) || bins < 1 || bins > 10_000) throw invalid(`bins must be an integer in [1, 10000]; got ${bins}`, { bins });
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || lo > hi) throw invalid(`range must be two finite numbers lo ≤ hi; got [${lo}, ${hi}]`, { lo, hi });
  if (lo === hi) {
    const pad = lo === 0 ? 0.5 : Math.abs(lo) * 0.05;
    lo -= pad;
    hi += pad;
  }
  const step = (hi - lo) / bins;
  return Array.from({ length: bins + 1 }, (_, i) => (i === bins ? hi : lo + i * step));
}

/**
 * Weighted histogram normalised to unit area. Values must already be finite. The last bin is closed on the
 * right so that the maximum of the data, which sets the default range, is counted.
 */
export function densityHistogram(values: ArrayLike<number>, weights: ArrayLike<number> | undefined, edges: readonly number[], what: string): DensityHistogram {
  const bins = edges.length - 1;
  const lo = edges[0] as number;
  const hi = edges[bins] as number;
  const width = (hi - lo) / bins;
  const sumW = new Array<number>(bins).fill(0);
  const sumW2 = new Array<number>(bins).fill(0);
  let total = 0;
  let outside = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    const w = weights ? (weights[i] as number) : 1;
    if (v < lo || v > hi) {
      outside++;
      continue;
    }
    const b = Math.min(bins - 1, Math.floor((v - lo) / width));
    sumW[b] = (sumW[b] as number) + w;
    sumW2[b] = (sumW2[b] as number) + w * w;
    total += w;
  }
  // Negative event weights are legal in physics samples, but the total must be positive to normalise.
  if (!(total > 0)) {
    throw invalid(`${what}: the total weight inside the range [${lo}, ${hi}] is ${total}; a positive total is needed to normalise the histogram`, {
      what,
      total,
    });
  }
  const norm = total * width;
  return {
    edges: [...edges],
    density: sumW.map((s) => s / norm),
    error: sumW2.map((s) => Math.sqrt(s) / norm),
    outside,
  };
}
