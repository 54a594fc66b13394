/**
 * Gradient histograms of a tree node: for each feature and bin, Σ g, Σ h and the number of rows, interleaved
 * (hist[(j·NB + b)·3 + {0, 1, 2}]), NB = maxBins + 1 bins per feature (the last one for missing values).
 *
 * A node of more than CHUNK_ROWS rows is cut into chunks of CHUNK_ROWS positions, summed into partial histograms
 * that are then added in chunk order (see grower.ts); the chunks depend on the node alone, so the sums are the same
 * bits whichever threads computed them. Within a histogram each feature's sums are independent of the others', so
 * the features may be split between threads too.
 */
export const CHUNK_ROWS = 16_384;

/** What a histogram pass reads (shared memory when the fit has helper threads). */
export interface HistInput {
  /** Row-major n × p bins. */
  readonly bins: Uint8Array;
  readonly p: number;
  /** Bins per feature (maxBins + 1). */
  readonly NB: number;
  /** Row positions of the current tree; a node is a range of them. */
  readonly rows: Int32Array;
  /** Gradients and hessians (K blocks of n for K-class boosting; gOff selects the block). */
  readonly g: Float64Array;
  readonly h: Float64Array;
}

/**
 * Adds rows[k0..k1) into hist (which must hold zeros, or the sums so far, for those features) for the features
 * feats[f0, f1); `all` says that feats is 0..p−1 (every feature, in order), so that the range is one of features.
 * Row-major bins: each row's gradient and hessian are read once and its bins are contiguous.
 *
 * Each loop is a function of its own: V8 compiles a long-running loop on the fly (on-stack replacement), together
 * with the code after it, and code that had never run then (a tail loop, the other branch) lacked type feedback and
 * sent the compiled function back to the interpreter on every call that reached it — hundreds of times a fit.
 */
export function accumulate(inp: HistInput, feats: Int32Array, all: boolean, f0: number, f1: number, gOff: number, k0: number, k1: number, hist: Float64Array, hOff: number): void {
  const NB3 = inp.NB * 3;
  if (all) {
    // features f0..f1−1: a row's bins from i·p + f0, the histogram from hOff + f0·NB3
    const k = accumulateAll4(inp.bins, inp.p, f0, f1 - f0, NB3, inp.rows, inp.g, inp.h, gOff, k0, k1, hist, hOff + f0 * NB3);
    accumulateAll1(inp.bins, inp.p, f0, f1 - f0, NB3, inp.rows, inp.g, inp.h, gOff, k, k1, hist, hOff + f0 * NB3);
  } else accumulateSome(inp.bins, inp.p, NB3, inp.rows, inp.g, inp.h, feats, f0, f1, gOff, k0, k1, hist, hOff);
}

/**
 * Features j0..j0+nj−1 (row i's bins from i·p + j0, the histogram from hOff), four rows at a time: four independent
 * chains of loads and adds per feature (25 % faster than one row at a time on MAGIC's 10 features). Within a bin the
 * rows are still added in order, so the sums are the same bits. Returns the first row position not done (fewer than
 * four left).
 */
function accumulateAll4(bins: Uint8Array, p: number, j0: number, nj: number, NB3: number, rows: Int32Array, g: Float64Array, h: Float64Array, gOff: number, k0: number, k1: number, hist: Float64Array, hOff: number): number {
  let k = k0;
  for (; k + 3 < k1; k += 4) {
    const i0 = rows[k]!, i1 = rows[k + 1]!, i2 = rows[k + 2]!, i3 = rows[k + 3]!;
    const g0 = g[gOff + i0]!, h0 = h[gOff + i0]!, g1 = g[gOff + i1]!, h1 = h[gOff + i1]!;
    const g2 = g[gOff + i2]!, h2 = h[gOff + i2]!, g3 = g[gOff + i3]!, h3 = h[gOff + i3]!;
    const o0 = i0 * p + j0, o1 = i1 * p + j0, o2 = i2 * p + j0, o3 = i3 * p + j0;
    let base = hOff;
    for (let j = 0; j < nj; j++) {
      let t = base + bins[o0 + j]! * 3;
      hist[t]! += g0;
      hist[t + 1]! += h0;
      hist[t + 2]! += 1;
      t = base + bins[o1 + j]! * 3;
      hist[t]! += g1;
      hist[t + 1]! += h1;
      hist[t + 2]! += 1;
      t = base + bins[o2 + j]! * 3;
      hist[t]! += g2;
      hist[t + 1]! += h2;
      hist[t + 2]! += 1;
      t = base + bins[o3 + j]! * 3;
      hist[t]! += g3;
      hist[t + 1]! += h3;
      hist[t + 2]! += 1;
      base += NB3;
    }
  }
  return k;
}

/** The same, one row at a time (the rows accumulateAll4 left). */
function accumulateAll1(bins: Uint8Array, p: number, j0: number, nj: number, NB3: number, rows: Int32Array, g: Float64Array, h: Float64Array, gOff: number, k0: number, k1: number, hist: Float64Array, hOff: number): void {
  for (let k = k0; k < k1; k++) {
    const i = rows[k]!;
    const gi = g[gOff + i]!, hi = h[gOff + i]!;
    const o = i * p + j0;
    let base = hOff;
    for (let j = 0; j < nj; j++) {
      const t = base + bins[o + j]! * 3;
      hist[t]! += gi;
      hist[t + 1]! += hi;
      hist[t + 2]! += 1;
      base += NB3;
    }
  }
}

/**
 * accumulate for every feature in f0..f1−1 without the counts, which `counts` holds already (counts[j·NB + b], for
 * the rows of the fit: a tree's root without row subsampling has the same counts every iteration). A third fewer
 * loads and stores than accumulate; the counts, whole numbers, are the same bits either way.
 */
export function accumulateSums(inp: HistInput, counts: Float64Array, f0: number, f1: number, gOff: number, k0: number, k1: number, hist: Float64Array, hOff: number): void {
  const NB = inp.NB, NB3 = NB * 3;
  const k = sums4(inp.bins, inp.p, f0, f1 - f0, NB3, inp.rows, inp.g, inp.h, gOff, k0, k1, hist, hOff + f0 * NB3);
  sums1(inp.bins, inp.p, f0, f1 - f0, NB3, inp.rows, inp.g, inp.h, gOff, k, k1, hist, hOff + f0 * NB3);
  for (let c = f0 * NB; c < f1 * NB; c++) hist[hOff + 3 * c + 2] = counts[c]!;
}

/** accumulateAll4 without the counts (a specialisation, not a flag: the fit's hottest loop, a third fewer loads and stores). */
function sums4(bins: Uint8Array, p: number, j0: number, nj: number, NB3: number, rows: Int32Array, g: Float64Array, h: Float64Array, gOff: number, k0: number, k1: number, hist: Float64Array, hOff: number): number {
  let k = k0;
  for (; k + 3 < k1; k += 4) {
    const i0 = rows[k]!, i1 = rows[k + 1]!, i2 = rows[k + 2]!, i3 = rows[k + 3]!;
    const g0 = g[gOff + i0]!, h0 = h[gOff + i0]!, g1 = g[gOff + i1]!, h1 = h[gOff + i1]!;
    const g2 = g[gOff + i2]!, h2 = h[gOff + i2]!, g3 = g[gOff + i3]!, h3 = h[gOff + i3]!;
    const o0 = i0 * p + j0, o1 = i1 * p + j0, o2 = i2 * p + j0, o3 = i3 * p + j0;
    let base = hOff;
    for (let j = 0; j < nj; j++) {
      let t = base + bins[o0 + j]! * 3;
      hist[t]! += g0;
      hist[t + 1]! += h0;
      t = base + bins[o1 + j]! * 3;
      hist[t]! += g1;
      hist[t + 1]! += h1;
      t = base + bins[o2 + j]! * 3;
      hist[t]! += g2;
      hist[t + 1]! += h2;
      t = base + bins[o3 + j]! * 3;
      hist[t]! += g3;
      hist[t + 1]! += h3;
      base += NB3;
    }
  }
  return k;
}

/** accumulateAll1 without the counts (see sums4). */
function sums1(bins: Uint8Array, p: number, j0: number, nj: number, NB3: number, rows: Int32Array, g: Float64Array, h: Float64Array, gOff: number, k0: number, k1: number, hist: Float64Array, hOff: number): void {
  for (let k = k0; k < k1; k++) {
    const i = rows[k]!;
    const gi = g[gOff + i]!, hi = h[gOff + i]!;
    const o = i * p + j0;
    let base = hOff;
    for (let j = 0; j < nj; j++) {
      const t = base + bins[o + j]! * 3;
      hist[t]! += gi;
      hist[t + 1]! += hi;
      base += NB3;
    }
  }
}

/** The number of rows of rows[0, n) in each bin of each feature, into counts[j·NB + b] (zeros first). */
export function countBins(bins: Uint8Array, p: number, NB: number, rows: Int32Array, n: number, counts: Float64Array): void {
  counts.fill(0);
  for (let k = 0; k < n; k++) {
    const o = rows[k]! * p;
    for (let j = 0; j < p; j++) counts[j * NB + bins[o + j]!]! += 1;
  }
}

/** The features feats[f0, f1) only (feature subsampling), one row at a time. */
function accumulateSome(bins: Uint8Array, p: number, NB3: number, rows: Int32Array, g: Float64Array, h: Float64Array, feats: Int32Array, f0: number, f1: number, gOff: number, k0: number, k1: number, hist: Float64Array, hOff: number): void {
  for (let k = k0; k < k1; k++) {
    const i = rows[k]!;
    const gi = g[gOff + i]!, hi = h[gOff + i]!;
    const o = i * p;
    for (let f = f0; f < f1; f++) {
      const j = feats[f]!;
      const t = hOff + j * NB3 + bins[o + j]! * 3;
      hist[t]! += gi;
      hist[t + 1]! += hi;
      hist[t + 2]! += 1;
    }
  }
}

/** Zeros the bins of features feats[f0, f1) of the histogram at hist[off…]. */
export function zeroFeatures(hist: Float64Array, off: number, feats: Int32Array, all: boolean, f0: number, f1: number, NB3: number): void {
  if (all) hist.fill(0, off + f0 * NB3, off + f1 * NB3);
  else for (let f = f0; f < f1; f++) hist.fill(0, off + feats[f]! * NB3, off + (feats[f]! + 1) * NB3);
}

/** Adds the partial histograms parts[c·size …] of chunks 0..chunks−1, in that order, into hist (features feats[0, nFeats)). */
export function addChunks(parts: Float64Array, chunks: number, size: number, feats: Int32Array, all: boolean, nFeats: number, NB3: number, hist: Float64Array): void {
  for (let c = 0; c < chunks; c++) {
    const o = c * size;
    if (all) for (let t = 0; t < size; t++) hist[t]! += parts[o + t]!;
    else
      for (let f = 0; f < nFeats; f++) {
        const a = feats[f]! * NB3;
        for (let t = a; t < a + NB3; t++) hist[t]! += parts[o + t]!;
      }
  }
}
