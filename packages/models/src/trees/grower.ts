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
 */
export interface GrowOptions {
  readonly maxLeafNodes: number | null;
  readonly maxDepth: number | null;
  readonly minSamplesLeaf: number;
  readonly minSumHessianInLeaf: number;
  readonly l2: number;
  readonly learningRate: number;
}

/** The best split of a node. */
interface Split {
  gain: number;
  feature: number;
  bin: number;
  missingLeft: boolean;
  GL: number;
  HL: number;
  nL: number;
}

interface Node {
  readonly id: number;
  readonly start: number;
  readonly end: number;
  readonly depth: number;
  readonly G: number;
  readonly H: number;
  hist: Float64Array | undefined;
  split: Split | undefined;
}

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
}

function nodeSums(inp: GrowInput, start: number, end: number): [number, number] {
  const { g, h, rows } = inp.data;
  let G = 0, H = 0;
  for (let k = start; k < end; k++) {
    const i = inp.gOff + rows[k]!;
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
  const minN = o.minSamplesLeaf, minH = o.minSumHessianInLeaf;
  const parent = (G * G) / (H + lam);
  let best: Split | undefined;
  let bestGain = 0;
  for (let f = 0; f < feats.length; f++) {
    const j = feats[f]!;
    const nb = mapping.nBins[j]!;
    const base = j * NB3;
    const miss = mapping.hasMissing[j] === 1;
    const mo = base + mapping.missingBin * 3;
    const GM = miss ? hist[mo]! : 0, HM = miss ? hist[mo + 1]! : 0, NM = miss ? hist[mo + 2]! : 0;
    // missing values right: splits after bins 0..nb−2, and after nb−1 (all present values left) when some are missing
    let GL = 0, HL = 0, NL = 0;
    const endA = miss ? nb : nb - 1;
    for (let b = 0; b < endA; b++) {
      const t = base + b * 3;
      GL += hist[t]!;
      HL += hist[t + 1]!;
      NL += hist[t + 2]!;
      if (NL < minN) continue;
      if (n - NL < minN) break;
      const HR = H - HL;
      if (HL < minH || HR < minH) continue;
      const GR = G - GL;
      const gain = (GL * GL) / (HL + lam) + (GR * GR) / (HR + lam) - parent;
      if (gain > bestGain) {
        bestGain = gain;
        best = { gain, feature: j, bin: b, missingLeft: false, GL, HL, nL: NL };
      }
    }
    if (!miss) continue;
    // missing values left: splits after bins 0..nb−2
    GL = GM;
    HL = HM;
    NL = NM;
    for (let b = 0; b < nb - 1; b++) {
      const t = base + b * 3;
      GL += hist[t]!;
      HL += hist[t + 1]!;
      NL += hist[t + 2]!;
      if (NL < minN) continue;
      if (n - NL < minN) break;
      const HR = H - HL;
      if (HL < minH || HR < minH) continue;
      const GR = G - GL;
      const gain = (GL * GL) / (HL + lam) + (GR * GR) / (HR + lam) - parent;
      if (gain > bestGain) {
        bestGain = gain;
        best = { gain, feature: j, bin: b, missingLeft: true, GL, HL, nL: NL };
      }
    }
  }
  return best;
}

/** Whether a node may be split at all (enough rows and hessian for two children). */
function splittable(inp: GrowInput, n: number, H: number): boolean {
  const o = inp.options;
  return n >= 2 * o.minSamplesLeaf && H >= 2 * o.minSumHessianInLeaf && n >= 2;
}

/** Stable partition of rows[start, end) by the split; returns the first position of the right child. */
function partition(inp: GrowInput, node: Node, s: Split): number {
  const { rows, bins, p } = inp.data;
  const tmp = inp.scratch;
  const j = s.feature, b = s.bin, missing = inp.mapping.missingBin, ml = s.missingLeft;
  let l = node.start, r = 0;
  for (let k = node.start; k < node.end; k++) {
    const i = rows[k]!;
    const v = bins[i * p + j]!;
    if (v === missing ? ml : v <= b) rows[l++] = i;
    else tmp[r++] = i;
  }
  rows.set(tmp.subarray(0, r), l);
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
  const release = (n: Node): void => {
    if (n.hist) inp.pool.push(n.hist);
    n.hist = undefined;
  };
  const leafValue = (G: number, H: number): number => (H + lam > 0 ? (-o.learningRate * G) / (H + lam) : 0);
  const finalize = (n: Node): void => {
    tb.value[n.id] = leafValue(n.G, n.H);
    leaves.push([n.id, n.start, n.end]);
    release(n);
  };

  const rootId = tb.add();
  const [G0, H0] = nodeSums(inp, 0, inp.nRows);
  const root: Node = { id: rootId, start: 0, end: inp.nRows, depth: 0, G: G0, H: H0, hist: undefined, split: undefined };
  const frontier: Node[] = [];
  const consider = (n: Node): void => {
    if (n.hist === undefined || (o.maxDepth !== null && n.depth >= o.maxDepth) || !splittable(inp, n.end - n.start, n.H)) return finalize(n);
    n.split = bestSplit(inp, n);
    if (n.split) frontier.push(n);
    else finalize(n);
  };
  if (splittable(inp, inp.nRows, H0) && (o.maxDepth === null || o.maxDepth > 0) && (o.maxLeafNodes === null || o.maxLeafNodes > 1)) {
    root.hist = takeHist();
    inp.builder.build(inp.feats, inp.gOff, 0, inp.nRows, root.hist);
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
    const left: Node = { id: lid, start: node.start, end: mid, depth, G: s.GL, H: s.HL, hist: undefined, split: undefined };
    const right: Node = { id: rid, start: mid, end: node.end, depth, G: node.G - s.GL, H: node.H - s.HL, hist: undefined, split: undefined };
    const full = o.maxLeafNodes !== null && nLeaves >= o.maxLeafNodes;
    const deep = o.maxDepth !== null && depth >= o.maxDepth;
    const canL = !full && !deep && splittable(inp, mid - node.start, left.H);
    const canR = !full && !deep && splittable(inp, node.end - mid, right.H);
    if (canL || canR) {
      // the smaller child from its rows, the larger by subtraction from the parent
      const [small, large] = mid - node.start <= node.end - mid ? [left, right] : [right, left];
      small.hist = takeHist();
      inp.builder.build(inp.feats, inp.gOff, small.start, small.end, small.hist);
      large.hist = node.hist!;
      node.hist = undefined;
      const hs = small.hist, hl = large.hist;
      const NB3 = inp.data.NB * 3;
      const feats = inp.feats;
      for (let f = 0; f < feats.length; f++) {
        const a = feats[f]! * NB3;
        for (let t = a; t < a + NB3; t++) hl[t]! -= hs[t]!;
      }
    } else release(node);
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
