import { ALMOST_INF, type BinMapping } from './binning.js';
import { CHUNK_ROWS, addChunks, zeroFeatures } from './histogram.js';
import { occupancy, wordsPerFeature } from './split.js';
import { type Team } from './team.js';
import { type Tree, TreeBuilder } from './tree.js';
import {
  CHUNKS,
  HISTOGRAM,
  H_ALL,
  H_END,
  H_FEATS,
  H_GOFF,
  H_GROUPS,
  H_SLOT,
  H_START,
  PARTITION,
  P_COL,
  P_END,
  P_LEFT0,
  P_LEFT1,
  P_MID,
  P_START,
  R_BIN,
  R_FEATURE,
  R_G,
  R_GAIN,
  R_GL,
  R_H,
  R_HL,
  R_MISSING_LEFT,
  R_WORDS,
  SEARCH,
  S_FEATS,
  S_MINUS,
  S_MINUS_OCC,
  S_OCC,
  S_ROWS,
  S_SLOT,
  S_WORDS,
  type Workspace,
} from './work.js';

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
 *
 * The steps of a tree run as jobs of the fit's team of threads (work.ts, team.ts): a node's histogram by groups of
 * features (by chunks of rows beyond CHUNK_ROWS), the two children's split searches side by side, a node's
 * partition in two parts. Each is handed to the helpers only when it is large enough to pay for the hand-over
 * (~1 µs); the trees are the same bits on any number of threads.
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
  readonly gain: number;
  readonly feature: number;
  readonly bin: number;
  readonly missingLeft: boolean;
  readonly GL: number;
  readonly HL: number;
}

interface Node {
  readonly id: number;
  readonly start: number;
  readonly end: number;
  readonly depth: number;
  readonly G: number;
  readonly H: number;
  /** The histogram slot (see work.ts), −1 for none. */
  slot: number;
  /**
   * Set on the larger child of a split: `slot` still holds the parent's histogram, and this node's is that minus the
   * one in slot `minus` (the smaller child's), made in its split search feature by feature, just before each is
   * scanned (and not at all when the node is never searched: too small, or the tree is full). −1 otherwise.
   */
  minus: number;
  /** Whether the slot's bitmap holds the bins this node's rows occupy, or a superset (see above). */
  occ: boolean;
  /** Set with minus when the smaller child has a bitmap: the bins where its histogram is not zero. */
  minusOcc: boolean;
  split: Split | undefined;
}

/**
 * Nodes of at most this many rows, with a histogram built from their rows, record their occupied bins (see above).
 * Tuned on MAGIC: 128 and 512 were slower; from ~500 rows most bins are occupied and the bitmaps cost more than they save.
 */
export const SPARSE_ROWS = 256;

/**
 * From this many rows a node's histogram is built by as many groups of features as the fit has threads (below, the
 * hand-over costs more than half the work), and from PART_SHARE_ROWS its partition in two parts.
 */
const HIST_SHARE_ROWS = 1024;
const PART_SHARE_ROWS = 4096;

/** A grown tree, with each internal node's split bin (for binned prediction) and each leaf's rows. */
export interface GrownTree {
  readonly tree: Tree;
  /** Per node: the last bin that goes left (internal nodes). */
  readonly binThreshold: Int32Array;
  /** Leaves as [node, start, end) ranges of the rows array. */
  readonly leaves: readonly (readonly [number, number, number])[];
}

export interface GrowInput {
  /** The fit's data and scratch (ws.rows[0, nRows) are the tree's rows, ws.feats[0, nFeats) its features). */
  readonly ws: Workspace;
  readonly team: Team;
  readonly mapping: BinMapping;
  /** Offset of this tree's gradient block in g and h. */
  readonly gOff: number;
  readonly nRows: number;
  readonly nFeats: number;
  readonly options: GrowOptions;
  /** Free histogram slots (taken and given back). */
  readonly slots: number[];
  /** Nodes of at most this many rows are searched sparsely (SPARSE_ROWS; tests compare it with 0, all dense). */
  readonly sparseRows: number;
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

/** Whether a node may be split at all (enough rows and hessian for two children). */
function splittable(o: GrowOptions, n: number, H: number): boolean {
  return n >= 2 * o.minSamplesLeaf && H >= 2 * o.minSumHessianInLeaf && n >= 2;
}

/** Whether the tree's features are 0..p−1 in order (then a group of them is a range of features). */
function allFeatures(inp: GrowInput): boolean {
  return inp.nFeats === inp.ws.p;
}

/** Builds the histogram of rows[start, end) into `slot` (see the histogram.ts module comment). */
function buildHistogram(inp: GrowInput, slot: number, start: number, end: number): void {
  const { ws, team } = inp;
  const par = ws.par;
  const all = allFeatures(inp);
  par[H_START] = start;
  par[H_END] = end;
  par[H_GOFF] = inp.gOff;
  par[H_SLOT] = slot;
  par[H_FEATS] = inp.nFeats;
  par[H_ALL] = all ? 1 : 0;
  const m = end - start;
  if (m <= CHUNK_ROWS) {
    const groups = m >= HIST_SHARE_ROWS ? Math.min(team.helpers + 1, inp.nFeats) : 1;
    par[H_GROUPS] = groups;
    team.run(HISTOGRAM, groups, groups > 1);
    return;
  }
  // partial histograms of the chunks, added in chunk order: the same bits however they were computed
  const NB3 = ws.NB * 3;
  const size = ws.p * NB3;
  const hist = ws.hists.subarray(slot * size, (slot + 1) * size);
  const chunks = Math.ceil(m / CHUNK_ROWS);
  team.run(CHUNKS, chunks, true);
  zeroFeatures(hist, 0, ws.feats, all, 0, inp.nFeats, NB3);
  addChunks(ws.parts, chunks, size, ws.feats, all, inp.nFeats, NB3, hist);
}

/** The best splits of one or two nodes (side by side on the team), into node.split. */
function search(inp: GrowInput, nodes: readonly Node[]): void {
  const { ws } = inp;
  const { par, real } = ws;
  par[S_FEATS] = inp.nFeats;
  nodes.forEach((n, q) => {
    const i = q * S_WORDS, r = q * R_WORDS;
    par[i + S_SLOT] = n.slot;
    par[i + S_MINUS] = n.minus;
    par[i + S_OCC] = n.occ ? 1 : 0;
    par[i + S_MINUS_OCC] = n.minusOcc ? 1 : 0;
    par[i + S_ROWS] = n.end - n.start;
    real[r + R_G] = n.G;
    real[r + R_H] = n.H;
  });
  // a sparse search is a few µs: two of them are not worth a hand-over
  inp.team.run(SEARCH, nodes.length, nodes.some((n) => !n.occ));
  nodes.forEach((n, q) => {
    const r = q * R_WORDS;
    n.minus = -1;
    n.minusOcc = false;
    n.split =
      real[r + R_FEATURE]! < 0
        ? undefined
        : { gain: real[r + R_GAIN]!, feature: real[r + R_FEATURE]!, bin: real[r + R_BIN]!, missingLeft: real[r + R_MISSING_LEFT] === 1, GL: real[r + R_GL]!, HL: real[r + R_HL]! };
  });
}

/** Stable partition of rows[start, end) by the split; returns the first position of the right child. */
function partition(inp: GrowInput, node: Node, s: Split): number {
  const { ws, team } = inp;
  const { par, rows, tmp } = ws;
  // which side each bin goes to, looked up: no branch on the row's side (a coin toss to the branch predictor, which
  // made the branching form the slowest loop of a tree)
  const side = ws.sides;
  for (let v = 0; v < side.length; v++) side[v] = v <= s.bin ? 1 : 0;
  side[ws.missingBin] = s.missingLeft ? 1 : 0;
  const { start, end } = node;
  // in two parts, [start, mid) and [mid, end), when the team may share it: each part's left rows at its front, its
  // right ones in tmp at the part's offset; then the second part's left rows after the first's, and the right rows
  const parts = team.helpers > 0 && end - start >= PART_SHARE_ROWS ? 2 : 1;
  const mid = parts === 2 ? start + ((end - start) >> 1) : end;
  par[P_START] = start;
  par[P_MID] = mid;
  par[P_END] = end;
  par[P_COL] = s.feature * ws.n;
  team.run(PARTITION, parts, parts === 2);
  const l0 = par[P_LEFT0]!;
  if (parts === 1) {
    rows.set(tmp.subarray(0, end - l0), l0);
    return l0;
  }
  const l1 = par[P_LEFT1]!;
  rows.copyWithin(l0, mid, l1);
  const l = l0 + (l1 - mid);
  rows.set(tmp.subarray(0, mid - l0), l);
  rows.set(tmp.subarray(mid - start, mid - start + (end - l1)), l + (mid - l0));
  return l;
}

/** Grows the tree (see the module comment). */
export function growTree(inp: GrowInput): GrownTree {
  const { ws, options: o } = inp;
  const lam = o.l2;
  const tb = new TreeBuilder(1, o.maxLeafNodes !== null ? 2 * o.maxLeafNodes : 64);
  const binThr: number[] = [];
  const leaves: [number, number, number][] = [];
  const W = wordsPerFeature(ws.NB);
  /** A slot with the histogram of rows[start, end) (and their bitmap, for a small node). */
  const histogramOf = (n: Node): void => {
    const slot = inp.slots.pop();
    if (slot === undefined) throw new Error('growTree: no free histogram slot (the workspace has too few)');
    buildHistogram(inp, slot, n.start, n.end);
    n.slot = slot;
    n.occ = n.end - n.start <= inp.sparseRows;
    if (n.occ) occupancy(ws.bins, ws.p, W, ws.rows, n.start, n.end, ws.occs, slot * ws.p * W);
  };
  const release = (n: Node): void => {
    if (n.slot >= 0) inp.slots.push(n.slot);
    n.slot = -1;
    n.occ = false;
  };
  const leafValue = (G: number, H: number): number => (H + lam > 0 ? (-o.learningRate * G) / (H + lam) : 0);
  const finalize = (n: Node): void => {
    tb.value[n.id] = leafValue(n.G, n.H);
    leaves.push([n.id, n.start, n.end]);
    release(n);
  };
  const node = (id: number, start: number, end: number, depth: number, G: number, H: number): Node => ({ id, start, end, depth, G, H, slot: -1, minus: -1, occ: false, minusOcc: false, split: undefined });
  const searchable = (n: Node): boolean => n.slot >= 0 && !(o.maxDepth !== null && n.depth >= o.maxDepth) && splittable(o, n.end - n.start, n.H);
  const frontier: Node[] = [];
  /** Searches the searchable ones of `nodes`, then, in order, puts each on the frontier or makes it a leaf. */
  const consider = (...nodes: Node[]): void => {
    const todo = nodes.filter(searchable);
    if (todo.length > 0) search(inp, todo);
    for (const n of nodes) {
      if (todo.includes(n) && n.split) frontier.push(n);
      else finalize(n);
    }
  };

  const [G0, H0] = nodeSums(ws.g, ws.h, ws.rows, inp.gOff, 0, inp.nRows);
  const root = node(tb.add(), 0, inp.nRows, 0, G0, H0);
  if (splittable(o, inp.nRows, H0) && (o.maxDepth === null || o.maxDepth > 0) && (o.maxLeafNodes === null || o.maxLeafNodes > 1)) histogramOf(root);
  consider(root);
  let nLeaves = 1;
  while (frontier.length > 0) {
    if (o.maxLeafNodes !== null && nLeaves >= o.maxLeafNodes) break;
    // the largest gain first; on a tie, the node made first
    let bi = 0;
    for (let k = 1; k < frontier.length; k++) if (frontier[k]!.split!.gain > frontier[bi]!.split!.gain) bi = k;
    const parent = frontier.splice(bi, 1)[0]!;
    const s = parent.split!;
    const mid = partition(inp, parent, s);
    const nb = inp.mapping.nBins[s.feature]!;
    // splitting after the last bin of present values sends every present value left: threshold +∞ (ALMOST_INF)
    const threshold = s.bin >= nb - 1 ? ALMOST_INF : inp.mapping.thresholds[s.feature]![s.bin]!;
    const [lid, rid] = tb.split(parent.id, s.feature, threshold, s.missingLeft, s.gain);
    binThr[parent.id] = s.bin;
    nLeaves++;
    const depth = parent.depth + 1;
    const left = node(lid, parent.start, mid, depth, s.GL, s.HL);
    const right = node(rid, mid, parent.end, depth, parent.G - s.GL, parent.H - s.HL);
    const full = o.maxLeafNodes !== null && nLeaves >= o.maxLeafNodes;
    const deep = o.maxDepth !== null && depth >= o.maxDepth;
    const canL = !full && !deep && splittable(o, mid - parent.start, left.H);
    const canR = !full && !deep && splittable(o, parent.end - mid, right.H);
    if (canL || canR) {
      // the smaller child from its rows, the larger by subtraction from the parent (in its split search: see Node)
      const [small, large] = mid - parent.start <= parent.end - mid ? [left, right] : [right, left];
      histogramOf(small);
      large.slot = parent.slot;
      large.occ = parent.occ;
      large.minus = small.slot;
      large.minusOcc = small.occ;
      parent.slot = -1;
    } else release(parent);
    consider(left, right);
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
