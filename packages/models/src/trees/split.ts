/**
 * The kernels of a tree node's split: the search for the best split from the node's histogram (dense, or over the
 * occupied bins only: see grower.ts) and the partition of its rows. They read and write only what their arguments
 * name, so that any thread of a fit may run them (see work.ts).
 */

/** What a split search reads besides the node: the binning, the features the tree may use, the limits. */
export interface SearchSpace {
  /** Bins per feature for the values that are there. */
  readonly nBins: Int32Array;
  /** 1 where the training rows had a missing value. */
  readonly hasMissing: Uint8Array;
  /** The missing bin (maxBins), NB − 1. */
  readonly missingBin: number;
  /** Bins per feature in a histogram (maxBins + 1). */
  readonly NB: number;
  /** The features the tree may split on: feats[0, nFeats). */
  readonly feats: Int32Array;
  readonly minSamplesLeaf: number;
  readonly minSumHessianInLeaf: number;
  readonly l2: number;
}

/** A node to search: its histogram and, for a larger child not yet subtracted, the smaller child's (see grower.ts). */
export interface SearchNode {
  readonly hist: Float64Array;
  /** The smaller child's histogram, to subtract feature by feature during the search. */
  readonly minus: Float64Array | undefined;
  /** The bins the node's rows occupy, or a superset (W words a feature); undefined: search every bin. */
  readonly occ: Int32Array | undefined;
  /** With minus: the bins the smaller child occupies (minus is zero elsewhere). */
  readonly minusOcc: Int32Array | undefined;
  /** Rows, and their sums of gradients and hessians. */
  readonly n: number;
  readonly G: number;
  readonly H: number;
}

/**
 * The best split of a node over the features feats[f0, f1), from the best so far in `best` (see startBest; best.feature
 * stays −1 when none is allowed or none gains): searched in parts in order, the search of all of them. New bests are
 * recorded in best.chain when it is set (see mergeGroup). With `minus`, the node's histogram is its own afterwards
 * (for the features searched).
 */
export function searchFeatures(s: SearchSpace, f0: number, f1: number, node: SearchNode, best: BestSplit): void {
  const { nBins, hasMissing, feats } = s;
  const { hist, minus, occ, minusOcc, n, G, H } = node;
  const NB3 = s.NB * 3;
  const lam = s.l2;
  const parent = (G * G) / (H + lam);
  const W = wordsPerFeature(s.NB);
  const minN = s.minSamplesLeaf, minH = s.minSumHessianInLeaf;
  for (let f = f0; f < f1; f++) {
    const j = feats[f]!;
    const nb = nBins[j]!;
    const base = j * NB3;
    const miss = hasMissing[j] === 1;
    const mo = base + s.missingBin * 3;
    const end = miss ? nb : nb - 1;
    // the subtraction trick (see grower.ts): only the smaller child's bins when it has a bitmap; otherwise all of
    // them, the missing bin first, the others while they are scanned (or first, for a sparse scan)
    let fused = minus;
    if (minus && minusOcc) {
      subtractOccupied(hist, minus, minusOcc, j * W, W, base);
      fused = undefined;
    } else if (minus) {
      if (miss) for (let t = mo; t < mo + 3; t++) hist[t]! -= minus[t]!;
      if (occ) {
        for (let t = base; t < base + nb * 3; t++) hist[t]! -= minus[t]!;
        fused = undefined;
      }
    }
    // missing values right: splits after bins 0..nb−2, and after nb−1 (all present values left) when some are missing
    if (occ) scanOccupied(hist, occ, j * W, base, end, 0, 0, 0, n, G, H, lam, parent, minN, minH, j, false, best);
    else scanBins(hist, fused, base, end, nb, 0, 0, 0, n, G, H, lam, parent, minN, minH, j, false, best);
    // missing values left: splits after bins 0..nb−2 (the bins are subtracted by now)
    if (!miss) continue;
    if (occ) scanOccupied(hist, occ, j * W, base, nb - 1, hist[mo]!, hist[mo + 1]!, hist[mo + 2]!, n, G, H, lam, parent, minN, minH, j, true, best);
    else scanBins(hist, undefined, base, nb - 1, nb, hist[mo]!, hist[mo + 1]!, hist[mo + 2]!, n, G, H, lam, parent, minN, minH, j, true, best);
  }
}

/** The best split found so far (filled in place). */
export interface BestSplit {
  gain: number;
  feature: number;
  bin: number;
  missingLeft: boolean;
  GL: number;
  HL: number;
  /** Where each new best's gain, GL and HL go, from chainAt (CHAIN_RECORDS at most; undefined: not recorded). */
  chain: Float64Array | undefined;
  chainAt: number;
  /** New bests so far (beyond CHAIN_RECORDS only counted). */
  records: number;
}

/** No split yet; new bests recorded from chain[at…] when `chain` is given. */
export function startBest(best: BestSplit, chain: Float64Array | undefined, at: number): void {
  best.gain = 0;
  best.feature = -1;
  best.chain = chain;
  best.chainAt = at;
  best.records = 0;
}

/** New bests recorded per group of features (a longer chain is searched again: see mergeGroup). */
export const CHAIN_RECORDS = 128;

/**
 * A new best split, recorded when best.chain is set. (A function of its own: the scans stay small enough for V8 to
 * inline them into searchFeatures — written out in them, a search took 15 % longer.)
 */
function take(best: BestSplit, gain: number, feature: number, bin: number, missingLeft: boolean, GL: number, HL: number): void {
  best.gain = gain;
  best.feature = feature;
  best.bin = bin;
  best.missingLeft = missingLeft;
  best.GL = GL;
  best.HL = HL;
  const c = best.chain;
  if (c === undefined) return;
  if (best.records < CHAIN_RECORDS) {
    const o = best.chainAt + 3 * best.records;
    c[o] = gain;
    c[o + 1] = GL;
    c[o + 2] = HL;
  }
  best.records++;
}

/**
 * Whether a split of left sums (GL, HL) passes the scans' test against a best gain B (the division-free form: see
 * scanBins; the same expressions, so the same bits).
 */
function passes(GL: number, HL: number, B: number, G: number, H: number, lam: number, parent: number): boolean {
  const HR = H - HL;
  const GR = G - GL;
  const dL = HL + lam, dR = HR + lam;
  return GL * GL * dR + GR * GR * dL > (B + parent) * dL * dR;
}

/**
 * The search of a node's features in groups, each from no split (on any thread), is merged into the search of all of
 * them in order, exactly: a candidate is taken when it passes the test against the best so far (passes, then
 * gain > best), a test that only gets harder as the best grows. So when group g's chain of new bests, searched from no
 * split, first exceeds the best B of the groups before it at record r, every candidate before r fails against B too
 * (it failed against a best ≤ B, or its gain is ≤ B); if r passes against B, the search from B takes r and goes on as
 * the group's did, to the group's own best. If none exceeds B, B stands. Only when r fails against B (a gain within
 * rounding of B) or the chain was too long to keep must the group be searched again from B: then this returns false.
 *
 * `out` holds the group's best split (gain, feature, bin, missingLeft, GL, HL) and its chain's length at
 * out[o…o+6], the chain from o + GROUP_HEAD; `best` is B, updated.
 */
export function mergeGroup(out: Float64Array, o: number, G: number, H: number, lam: number, best: BestSplit): boolean {
  if (out[o + 1]! < 0) return true;
  const records = out[o + 6]!;
  if (records <= CHAIN_RECORDS) {
    let k = 0;
    while (k < records && !(out[o + GROUP_HEAD + 3 * k]! > best.gain)) k++;
    if (k === records) return true;
    const c = o + GROUP_HEAD + 3 * k;
    if (passes(out[c + 1]!, out[c + 2]!, best.gain, G, H, lam, (G * G) / (H + lam))) {
      best.gain = out[o]!;
      best.feature = out[o + 1]!;
      best.bin = out[o + 2]!;
      best.missingLeft = out[o + 3] === 1;
      best.GL = out[o + 4]!;
      best.HL = out[o + 5]!;
      return true;
    }
  }
  return false;
}

/** Words before a group's chain in mergeGroup's `out`, and a group's words in all. */
export const GROUP_HEAD = 7;
export const GROUP_WORDS = GROUP_HEAD + 3 * CHAIN_RECORDS;

/** A group's search into out[o…] (see mergeGroup), from `best` as startBest left it with the chain at o + GROUP_HEAD. */
export function writeGroup(out: Float64Array, o: number, best: BestSplit): void {
  out[o] = best.gain;
  out[o + 1] = best.feature;
  out[o + 2] = best.bin;
  out[o + 3] = best.missingLeft ? 1 : 0;
  out[o + 4] = best.GL;
  out[o + 5] = best.HL;
  out[o + 6] = best.records;
}

/**
 * Scans the splits after bins 0..end−1 of one feature, left sums starting at (GL, HL, NL) (the missing bin's when
 * missing values go left), and records a better one in `best`. With `minus`, each of the feature's nb bins in use
 * becomes hist − minus as it is read (all of them, also those after an early stop), so that the histogram is the
 * node's own afterwards.
 */
function scanBins(
  hist: Float64Array,
  minus: Float64Array | undefined,
  base: number,
  end: number,
  nb: number,
  GL: number,
  HL: number,
  NL: number,
  n: number,
  G: number,
  H: number,
  lam: number,
  parent: number,
  minN: number,
  minH: number,
  feature: number,
  missingLeft: boolean,
  best: BestSplit,
): void {
  let b = 0;
  for (; b < end; b++) {
    const t = base + b * 3;
    if (minus) {
      hist[t]! -= minus[t]!;
      hist[t + 1]! -= minus[t + 1]!;
      hist[t + 2]! -= minus[t + 2]!;
    }
    // an empty bin changes no sum: its split is the previous bin's, which cannot be a new best
    const c = hist[t + 2]!;
    if (c === 0) continue;
    GL += hist[t]!;
    HL += hist[t + 1]!;
    NL += c;
    if (NL < minN) continue;
    if (n - NL < minN) break;
    const HR = H - HL;
    if (HL < minH || HR < minH) continue;
    const GR = G - GL;
    // gain > best ⇔ GL²/dL + GR²/dR > best + parent ⇔ GL²·dR + GR²·dL > (best + parent)·dL·dR (dL, dR > 0): no
    // division in the loop; the gain itself is computed for a new best only
    const dL = HL + lam, dR = HR + lam;
    if (!(dL > 0 && dR > 0) || !(GL * GL * dR + GR * GR * dL > (best.gain + parent) * dL * dR)) continue;
    const gain = (GL * GL) / dL + (GR * GR) / dR - parent;
    if (gain > best.gain) take(best, gain, feature, b, missingLeft, GL, HL);
  }
  // the bins in use not reached (an early stop, or the last bin, never a split point)
  if (minus) for (let t = base + Math.min(b, end) * 3 + (b < end ? 3 : 0); t < base + nb * 3; t++) hist[t]! -= minus[t]!;
}

/** Words of an occupancy bitmap per feature (NB bins). */
export function wordsPerFeature(NB: number): number {
  return (NB + 31) >>> 5;
}

/**
 * The bitmap of the bins of rows[k0, k1) for the features feats[f0, f1), at occ[j·W…] for feature j (the other
 * features' words are left as they are).
 */
export function occupancy(bins: Uint8Array, p: number, W: number, rows: Int32Array, k0: number, k1: number, feats: Int32Array, f0: number, f1: number, occ: Int32Array): void {
  for (let f = f0; f < f1; f++) occ.fill(0, feats[f]! * W, (feats[f]! + 1) * W);
  for (let k = k0; k < k1; k++) {
    const o = rows[k]! * p;
    for (let f = f0; f < f1; f++) {
      const j = feats[f]!;
      const b = bins[o + j]!;
      occ[j * W + (b >>> 5)]! |= 1 << (b & 31);
    }
  }
}

/**
 * Zeros the bins set in occ[oOff, oOff + W) of one feature's histogram (its bins start at base), and its missing bin
 * (read by every search of a feature with missing values). A node with a bitmap is only ever read on its set bins
 * and the missing bin (see grower.ts), so this is all of it that must be zero before its rows are added.
 */
export function zeroOccupied(hist: Float64Array, occ: Int32Array, oOff: number, W: number, base: number, missingBin: number): void {
  for (let w = 0; w < W; w++) {
    let word = occ[oOff + w]!;
    while (word !== 0) {
      const low = word & -word;
      word ^= low;
      const t = base + ((w << 5) + 31 - Math.clz32(low)) * 3;
      hist[t] = 0;
      hist[t + 1] = 0;
      hist[t + 2] = 0;
    }
  }
  const m = base + missingBin * 3;
  hist[m] = 0;
  hist[m + 1] = 0;
  hist[m + 2] = 0;
}

/** hist −= minus on the bins set in occ[oOff, oOff + W) (one feature's, whose bins start at base). */
function subtractOccupied(hist: Float64Array, minus: Float64Array, occ: Int32Array, oOff: number, W: number, base: number): void {
  for (let w = 0; w < W; w++) {
    let word = occ[oOff + w]!;
    while (word !== 0) {
      const low = word & -word;
      word ^= low;
      const t = base + ((w << 5) + 31 - Math.clz32(low)) * 3;
      hist[t]! -= minus[t]!;
      hist[t + 1]! -= minus[t + 1]!;
      hist[t + 2]! -= minus[t + 2]!;
    }
  }
}

/**
 * scanBins over the bins set in occ[oOff, oOff + W) only, in increasing order (the other bins are empty, and an empty
 * bin is skipped there too); a set bin may be empty (a larger child's bitmap is its parent's). Its test of a bin is
 * scanBins's, written out again: as a function of its own it would be a call per bin, or, inlined, make the scans too
 * large for V8 to inline into searchFeatures (see take).
 */
function scanOccupied(
  hist: Float64Array,
  occ: Int32Array,
  oOff: number,
  base: number,
  end: number,
  GL: number,
  HL: number,
  NL: number,
  n: number,
  G: number,
  H: number,
  lam: number,
  parent: number,
  minN: number,
  minH: number,
  feature: number,
  missingLeft: boolean,
  best: BestSplit,
): void {
  const wEnd = (end + 31) >>> 5;
  for (let w = 0; w < wEnd; w++) {
    let word = occ[oOff + w]!;
    while (word !== 0) {
      const low = word & -word;
      word ^= low;
      const b = (w << 5) + 31 - Math.clz32(low);
      if (b >= end) return;
      const t = base + b * 3;
      const c = hist[t + 2]!;
      if (c === 0) continue;
      GL += hist[t]!;
      HL += hist[t + 1]!;
      NL += c;
      if (NL < minN) continue;
      if (n - NL < minN) return;
      const HR = H - HL;
      if (HL < minH || HR < minH) continue;
      const GR = G - GL;
      const dL = HL + lam, dR = HR + lam;
      if (!(dL > 0 && dR > 0) || !(GL * GL * dR + GR * GR * dL > (best.gain + parent) * dL * dR)) continue;
      const gain = (GL * GL) / dL + (GR * GR) / dR - parent;
      if (gain > best.gain) take(best, gain, feature, b, missingLeft, GL, HL);
    }
  }
}

/**
 * The left rows of rows[start, end) moved to its front in order, the right ones to tmp[tOff…] in order; returns
 * where the left ones end. Each row is written to both places and only its side's cursor moves. Four rows at a time: their
 * loads are independent, so the processor overlaps them (55 → 37 ms a fit on MAGIC against one row at a time). (Its
 * loops are functions of their own: see accumulate in histogram.ts on V8's on-stack replacement.)
 */
export function partitionRows(rows: Int32Array, tmp: Int32Array, tOff: number, side: Uint8Array, col: Uint8Array, off: number, start: number, end: number): number {
  let l = start, r = tOff, k = start;
  for (; k + 3 < end; k += 4) {
    const i0 = rows[k]!, i1 = rows[k + 1]!, i2 = rows[k + 2]!, i3 = rows[k + 3]!;
    const s0 = side[col[off + i0]!]!, s1 = side[col[off + i1]!]!, s2 = side[col[off + i2]!]!, s3 = side[col[off + i3]!]!;
    rows[l] = i0;
    tmp[r] = i0;
    l += s0;
    r += 1 - s0;
    rows[l] = i1;
    tmp[r] = i1;
    l += s1;
    r += 1 - s1;
    rows[l] = i2;
    tmp[r] = i2;
    l += s2;
    r += 1 - s2;
    rows[l] = i3;
    tmp[r] = i3;
    l += s3;
    r += 1 - s3;
  }
  return partitionTail(rows, tmp, side, col, off, k, end, l, r);
}

/** partitionRows for the last rows (fewer than four), from cursors l and r (into rows and tmp). */
function partitionTail(rows: Int32Array, tmp: Int32Array, side: Uint8Array, col: Uint8Array, off: number, k0: number, end: number, l: number, r: number): number {
  for (let k = k0; k < end; k++) {
    const i = rows[k]!;
    const left = side[col[off + i]!]!;
    rows[l] = i;
    tmp[r] = i;
    l += left;
    r += 1 - left;
  }
  return l;
}
