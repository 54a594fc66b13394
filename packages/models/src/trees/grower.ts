import { type BinMapping, ALMOST_INF } from './binning.js';
import { type HistogramBuilder, type HistInput } from './histogram.js';
import { type Tree, TreeBuilder } from './tree.js';

/**
 * Grows one regression tree on gradients and hessians, best-first, as scikit-learn's TreeGrower
 * (sklearn/ensemble/_hist_gradient_boosting/grower.py) and LightGBM's leaf-wise growth: the leaf whose best split
 * gains most is split next, until `maxLeafNodes` leaves (or no leaf can be split); `maxDepth` bounds the depth.
 * With maxLeafNodes null and maxDepth set, every leaf that can be split is, to that depth: depth-wise growth.
 *
 * A split of a node with gradient and hessian sums (G, H) into (G_L, H_L) and (G_R, H_R) gains
 *
 *   gain = G_L²/(H_L + λ) + G_R²/(H_R + λ) − G²/(H + λ)        (λ = l2Regularization)
 *
 * (twice the decrease of the second-order approximation of the loss); each side must keep minSamplesLeaf rows and a
 * hessian sum of at least minSumHessianInLeaf, and the gain must be positive. A leaf's value is
 * −learningRate·G/(H + λ). Only the smaller child's histogram is built from its rows; the larger one's is its
 * parent's minus the smaller's (the histogram-subtraction trick).
 *
 * Negative event weights make hessian sums that can shrink as rows are added. So the checks on the hessian never
 * stop a scan early (unlike the count, which only grows), and a node whose hessian sum is below
 * 2·minSumHessianInLeaf — in particular one whose sum is zero or negative — is never split: its value would be
 * meaningless (−G/H with H ≤ 0 points uphill).
 *
 * Small nodes are searched sparsely. A node of at most SPARSE_ROWS rows whose histogram is built from its rows also
 * records which bins its rows occupy (a bitmap per feature); its larger child inherits the bitmap (a superset of its
 * own bins). The search then visits the occupied bins only, in the same order — an empty bin is skipped by the dense
 * scan too — and the larger child's subtraction touches only the bins the smaller child occupies (elsewhere the
 * smaller child's sums are +0, and x − 0 = x). On MAGIC with 31 leaves, half the searches are of nodes below 300 rows,
 * whose rows occupy a third of the bins or fewer. The splits are the same bits either way.
 */
export interface GrowOptions {
  readonly maxLeafNodes: number | null;
  readonly maxDepth: number | null;
  readonly minSamplesLeaf: number;
  readonly minSumHessianInLeaf: number;
  readonly l2: number;
  readonly learningRate: number;
}

/** The best split of a node (a copy of the search's BestSplit). */
type Split = Readonly<BestSplit>;

interface Node {
  readonly id: number;
  readonly start: number;
  readonly end: number;
  readonly depth: number;
  readonly G: number;
  readonly H: number;
  hist: Float64Array | undefined;
  /**
   * Set on the larger child of a split: `hist` still holds the parent's histogram, and this node's is hist − minus (the
   * smaller child's), made in bestSplit feature by feature, just before each is scanned (and not at all when the node
   * is never searched: too small, or the tree is full).
   */
  minus: Float64Array | undefined;
  /** The bins this node's rows occupy, or a superset (W words a feature), when it is small enough (see above). */
  occ: Int32Array | undefined;
  /** Set with minus when the smaller child has `occ`: the bins where minus is not zero. */
  minusOcc: Int32Array | undefined;
  split: Split | undefined;
}

/**
 * Nodes of at most this many rows, with a histogram built from their rows, record their occupied bins (see above).
 * Tuned on MAGIC: 128 and 512 were slower; from ~500 rows most bins are occupied and the bitmaps cost more than they save.
 */
export const SPARSE_ROWS = 256;

/** A grown tree, with each internal node's split bin (for binned prediction) and each leaf's rows. */
export interface GrownTree {
  readonly tree: Tree;
  /** Per node: the last bin that goes left (internal nodes). */
  readonly binThreshold: Int32Array;
  /** Leaves as [node, start, end) ranges of the rows array. */
  readonly leaves: readonly (readonly [number, number, number])[];
}

export interface GrowInput {
  readonly data: HistInput;
  readonly mapping: BinMapping;
  readonly builder: HistogramBuilder;
  /** The features this tree may split on (shared memory when the builder's pool is used). */
  readonly feats: Int32Array;
  /** Offset of this tree's gradient block in g and h. */
  readonly gOff: number;
  /** The tree's rows are data.rows[0, nRows). */
  readonly nRows: number;
  readonly options: GrowOptions;
  /** Scratch for the partition: at least nRows numbers. */
  readonly scratch: Int32Array;
  /** Histogram buffers to reuse. */
  readonly pool: Float64Array[];
  /** Occupancy bitmaps to reuse (p·W words each). */
  readonly occPool: Int32Array[];
  /** Nodes of at most this many rows are searched sparsely (SPARSE_ROWS; tests compare it with 0, all dense). */
  readonly sparseRows: number;
  /** Scratch of the partition: a side per bin (NB numbers). */
  readonly sides: Uint8Array;
  /** Scratch of the split search. */
  readonly best: BestSplit;
  /**
   * The bins again, column by column (feature j's at j·n): the partition reads one feature of a node's rows, which
   * in this layout lie in one small array (13 KB for MAGIC, in the L1 cache) instead of one cache line per row.
   */
  readonly binsByFeature: Uint8Array;
  /** Rows of the binned matrices (the stride of binsByFeature). */
  readonly n: number;
}

/** Σ g and Σ h of rows[start, end). */
function nodeSums(g: Float64Array, h: Float64Array, rows: Int32Array, gOff: number, start: number, end: number): [number, number] {
  let G = 0, H = 0;
  for (let k = start; k < end; k++) {
    const i = gOff + rows[k]!;
    G += g[i]!;
    H += h[i]!;
  }
  return [G, H];
}

/** Best split of a node from its histogram; undefined when none is allowed or none gains. */
function bestSplit(inp: GrowInput, node: Node): Split | undefined {
  const { mapping, feats, options: o } = inp;
  const hist = node.hist!;
  const NB3 = inp.data.NB * 3;
  const n = node.end - node.start;
  const { G, H } = node;
  const lam = o.l2;
  const parent = (G * G) / (H + lam);
  const best = inp.best;
  best.gain = 0;
  best.feature = -1;
  const { minus, occ, minusOcc } = node;
  const W = wordsPerFeature(inp.data.NB);
  const minN = o.minSamplesLeaf, minH = o.minSumHessianInLeaf;
  for (let f = 0; f < feats.length; f++) {
    const j = feats[f]!;
    const nb = mapping.nBins[j]!;
    const base = j * NB3;
    const miss = mapping.hasMissing[j] === 1;
    const mo = base + mapping.missingBin * 3;
    const end = miss ? nb : nb - 1;
    // the subtraction trick (see Node): only the smaller child's bins when it has a bitmap; otherwise all of them, the
    // missing bin first, the others while they are scanned (or first, for a sparse scan)
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
  return best.feature < 0 ? undefined : { ...best };
}

/** The best split found so far (one object per fit, filled in place). */
export interface BestSplit {
  gain: number;
  feature: number;
  bin: number;
  missingLeft: boolean;
  GL: number;
  HL: number;
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
    if (gain > best.gain) {
      best.gain = gain;
      best.feature = feature;
      best.bin = b;
      best.missingLeft = missingLeft;
      best.GL = GL;
      best.HL = HL;
    }
  }
  // the bins in use not reached (an early stop, or the last bin, never a split point)
  if (minus) for (let t = base + Math.min(b, end) * 3 + (b < end ? 3 : 0); t < base + nb * 3; t++) hist[t]! -= minus[t]!;
}

/** Words of an occupancy bitmap per feature (NB bins). */
function wordsPerFeature(NB: number): number {
  return (NB + 31) >>> 5;
}

/** Sets occ's bits for the bins of rows[k0, k1), every feature (feature j's W words at j·W). */
function occupancy(bins: Uint8Array, p: number, W: number, rows: Int32Array, k0: number, k1: number, occ: Int32Array): void {
  occ.fill(0);
  for (let k = k0; k < k1; k++) {
    const o = rows[k]! * p;
    for (let j = 0; j < p; j++) {
      const b = bins[o + j]!;
      occ[j * W + (b >>> 5)]! |= 1 << (b & 31);
    }
  }
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
 * bin is skipped there too); a set bin may be empty (a larger child's bitmap is its parent's).
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
      if (gain > best.gain) {
        best.gain = gain;
        best.feature = feature;
        best.bin = b;
        best.missingLeft = missingLeft;
        best.GL = GL;
        best.HL = HL;
      }
    }
  }
}

/** Whether a node may be split at all (enough rows and hessian for two children). */
function splittable(inp: GrowInput, n: number, H: number): boolean {
  const o = inp.options;
  return n >= 2 * o.minSamplesLeaf && H >= 2 * o.minSumHessianInLeaf && n >= 2;
}

/** Stable partition of rows[start, end) by the split; returns the first position of the right child. */
function partition(inp: GrowInput, node: Node, s: Split): number {
  // which side each bin goes to, looked up: no branch on the row's side (a coin toss to the branch predictor, which
  // made the branching form the slowest loop of a tree)
  const side = inp.sides;
  for (let v = 0; v < side.length; v++) side[v] = v <= s.bin ? 1 : 0;
  side[inp.mapping.missingBin] = s.missingLeft ? 1 : 0;
  const rows = inp.data.rows, tmp = inp.scratch;
  const l = partitionRows(rows, tmp, side, inp.binsByFeature, s.feature * inp.n, node.start, node.end);
  rows.set(tmp.subarray(0, node.end - l), l);
  return l;
}

/**
 * The left rows of rows[start, end) moved to its front in order, the right ones to tmp in order; returns where the
 * left ones end. Each row is written to both places and only its side's cursor moves. Four rows at a time: their
 * loads are independent, so the processor overlaps them (55 → 37 ms a fit on MAGIC against one row at a time). (Its
 * loops are functions of their own: see accumulate in histogram.ts on V8's on-stack replacement.)
 */
function partitionRows(rows: Int32Array, tmp: Int32Array, side: Uint8Array, col: Uint8Array, off: number, start: number, end: number): number {
  let l = start, r = 0, k = start;
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

/** partitionRows for the last rows (fewer than four), from cursors l and r. */
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

/** Grows the tree (see the module comment). */
export function growTree(inp: GrowInput): GrownTree {
  const o = inp.options;
  const lam = o.l2;
  const tb = new TreeBuilder(1, o.maxLeafNodes !== null ? 2 * o.maxLeafNodes : 64);
  const binThr: number[] = [];
  const leaves: [number, number, number][] = [];
  const takeHist = (): Float64Array => inp.pool.pop() ?? new Float64Array(inp.data.p * inp.data.NB * 3);
  const W = wordsPerFeature(inp.data.NB);
  const takeOcc = (start: number, end: number): Int32Array | undefined => {
    if (end - start > inp.sparseRows) return undefined;
    const occ = inp.occPool.pop() ?? new Int32Array(inp.data.p * W);
    occupancy(inp.data.bins, inp.data.p, W, inp.data.rows, start, end, occ);
    return occ;
  };
  const release = (n: Node): void => {
    if (n.hist) inp.pool.push(n.hist);
    if (n.occ) inp.occPool.push(n.occ);
    n.hist = undefined;
    n.occ = undefined;
  };
  const leafValue = (G: number, H: number): number => (H + lam > 0 ? (-o.learningRate * G) / (H + lam) : 0);
  const finalize = (n: Node): void => {
    tb.value[n.id] = leafValue(n.G, n.H);
    leaves.push([n.id, n.start, n.end]);
    release(n);
  };

  const rootId = tb.add();
  const [G0, H0] = nodeSums(inp.data.g, inp.data.h, inp.data.rows, inp.gOff, 0, inp.nRows);
  const root: Node = { id: rootId, start: 0, end: inp.nRows, depth: 0, G: G0, H: H0, hist: undefined, minus: undefined, occ: undefined, minusOcc: undefined, split: undefined };
  const frontier: Node[] = [];
  const consider = (n: Node): void => {
    if (n.hist === undefined || (o.maxDepth !== null && n.depth >= o.maxDepth) || !splittable(inp, n.end - n.start, n.H)) return finalize(n);
    n.split = bestSplit(inp, n);
    n.minus = undefined;
    n.minusOcc = undefined;
    if (n.split) frontier.push(n);
    else finalize(n);
  };
  if (splittable(inp, inp.nRows, H0) && (o.maxDepth === null || o.maxDepth > 0) && (o.maxLeafNodes === null || o.maxLeafNodes > 1)) {
    root.hist = takeHist();
    inp.builder.build(inp.feats, inp.gOff, 0, inp.nRows, root.hist);
    root.occ = takeOcc(0, inp.nRows);
  }
  consider(root);
  let nLeaves = 1;
  while (frontier.length > 0) {
    if (o.maxLeafNodes !== null && nLeaves >= o.maxLeafNodes) break;
    // the largest gain first; on a tie, the node made first
    let bi = 0;
    for (let k = 1; k < frontier.length; k++) if (frontier[k]!.split!.gain > frontier[bi]!.split!.gain) bi = k;
    const node = frontier.splice(bi, 1)[0]!;
    const s = node.split!;
    const mid = partition(inp, node, s);
    const nb = inp.mapping.nBins[s.feature]!;
    // splitting after the last bin of present values sends every present value left: threshold +∞ (ALMOST_INF)
    const threshold = s.bin >= nb - 1 ? ALMOST_INF : inp.mapping.thresholds[s.feature]![s.bin]!;
    const [lid, rid] = tb.split(node.id, s.feature, threshold, s.missingLeft, s.gain);
    binThr[node.id] = s.bin;
    nLeaves++;
    const depth = node.depth + 1;
    const left: Node = { id: lid, start: node.start, end: mid, depth, G: s.GL, H: s.HL, hist: undefined, minus: undefined, occ: undefined, minusOcc: undefined, split: undefined };
    const right: Node = { id: rid, start: mid, end: node.end, depth, G: node.G - s.GL, H: node.H - s.HL, hist: undefined, minus: undefined, occ: undefined, minusOcc: undefined, split: undefined };
    const full = o.maxLeafNodes !== null && nLeaves >= o.maxLeafNodes;
    const deep = o.maxDepth !== null && depth >= o.maxDepth;
    const canL = !full && !deep && splittable(inp, mid - node.start, left.H);
    const canR = !full && !deep && splittable(inp, node.end - mid, right.H);
    if (canL || canR) {
      // the smaller child from its rows, the larger by subtraction from the parent (in its split search: see Node)
      const [small, large] = mid - node.start <= node.end - mid ? [left, right] : [right, left];
      small.hist = takeHist();
      inp.builder.build(inp.feats, inp.gOff, small.start, small.end, small.hist);
      small.occ = takeOcc(small.start, small.end);
      large.hist = node.hist!;
      large.minus = small.hist;
      large.occ = node.occ;
      large.minusOcc = small.occ;
      node.hist = undefined;
      node.occ = undefined;
    } else release(node);
    // left before right, whichever is the larger: the smaller child's histogram and bitmap, if released by its own
    // search, are back in their pools but untouched until the larger child's search has used them (nothing is taken
    // meanwhile)
    consider(left);
    consider(right);
  }
  for (const n of frontier) finalize(n);
  const tree = tb.finish();
  const bt = new Int32Array(tree.feature.length);
  for (let i = 0; i < bt.length; i++) bt[i] = binThr[i] ?? 0;
  return { tree, binThreshold: bt, leaves };
}

/** The leaf a binned row reaches. */
export function binnedLeaf(tree: Tree, binThr: Int32Array, bins: Uint8Array, off: number, missingBin: number): number {
  const { feature, missingLeft, left, right } = tree;
  let node = 0;
  for (;;) {
    const f = feature[node]!;
    if (f < 0) return node;
    const b = bins[off + f]!;
    node = (b === missingBin ? missingLeft[node] === 1 : b <= binThr[node]!) ? left[node]! : right[node]!;
  }
}
