import { ALMOST_INF, type BinMapping } from './binning.js';
import { CHUNK_ROWS, addChunks, zeroFeatures } from './histogram.js';
import { occupancy, wordsPerFeature } from './split.js';
import { type Team, serveTeam } from '../team.js';
import { type Tree, TreeBuilder } from './tree.js';
import {
  CHUNKS,
  type Channel,
  H_ALL,
  H_COUNTS,
  H_END,
  H_FEATS,
  H_GOFF,
  H_OCC,
  H_SLOT,
  H_START,
  Local,
  MAX_GROUPS,
  MERGE,
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
  SPLIT,
  S_BUILD,
  S_FEATS,
  S_GROUPS,
  S_MINUS,
  S_MINUS_OCC,
  S_NODES,
  S_OCC,
  S_ROWS,
  S_SLOT,
  S_WORDS,
  type Workspace,
  XR_G,
  XR_GAIN,
  XR_GL,
  XR_H,
  XR_HL,
  X_BIN,
  X_DEPTH,
  X_END,
  X_FEATS,
  X_FEATURE,
  X_GOFF,
  X_MAX_DEPTH,
  X_MISSING_LEFT,
  X_OCC,
  X_SLOT,
  X_SMALL_SLOT,
  X_SPARSE,
  X_START,
  O_BUILT,
  O_LEFT,
  O_MID,
  O_RIGHT,
  O_SMALL_LEFT,
  O_SMALL_OCC,
  itemRunner,
  runItem,
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
 * The steps of a tree run as jobs of the fit's team of threads (work.ts, team.ts): the smaller child's histogram and
 * the two children's split searches by groups of features, each group built and searched by the thread that claims
 * it, from its own cache (a node's histogram by chunks of rows beyond CHUNK_ROWS first), and a node's partition in
 * two parts. Each is handed to the helpers only when it is large enough to pay for the hand-over (~1 µs). The search
 * of each group starts from no split, and the groups' bests are merged into the search of all features in order,
 * exactly (split.ts's mergeGroup): the splits do not depend on the groups.
 *
 * And a helper splits a second node ahead of time. Splitting a node — partitioning its rows, building the smaller
 * child's histogram, searching both children — depends on that node alone, and its row range, histogram slots and
 * scratch are its own; only putting the split into the tree (node numbers, the frontier, the leaf count) must follow
 * the order of the gains. So while the calling thread splits the node of the largest gain, a helper splits the
 * frontier's next best, and when that node's turn comes its split is already made (on MAGIC with 31 leaves it is the
 * very next split 43 % of the time, and is split later in the tree 84 % of the time). A node split ahead of time
 * that never gets its turn (the tree fills up) just stays a leaf: its rows were reordered within its range, which
 * changes nothing about a leaf. The trees are the same bits on any number of threads.
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
  /** Whether the slot's bitmap holds the bins this node's rows occupy, or a superset (see above). */
  occ: boolean;
  split: Split | undefined;
}

/**
 * Nodes of at most this many rows, with a histogram built from their rows, record their occupied bins (see above).
 * Tuned on MAGIC: 128 and 512 were slower; from ~500 rows most bins are occupied and the bitmaps cost more than they save.
 */
export const SPARSE_ROWS = 256;

/** From this many rows a node's partition is made in two parts. */
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
  /** Free histogram slots (taken and given back; one more than a tree holds at a time, for a split made ahead). */
  readonly slots: number[];
  /** Nodes of at most this many rows are searched sparsely (SPARSE_ROWS; tests compare it with 0, all dense). */
  readonly sparseRows: number;
  /** Whether the tree's rows are all the fit's rows (no row subsampling): the root's counts are then ws.counts. */
  readonly allRows: boolean;
  /** Σ g and Σ h of the tree's rows in their order, when the gradient pass added them up (nodeSums's bits). */
  readonly rootSums?: Float64Array | undefined;
}

/** What a split of a node needs to know of its tree (the same on every thread). */
interface TreeContext {
  readonly gOff: number;
  readonly nFeats: number;
  readonly maxDepth: number | null;
  readonly sparseRows: number;
}

/**
 * Where a split runs: the calling thread, whose jobs go to the team through channel 0, or a helper splitting a node
 * ahead of time, whose jobs run here, item by item, through channel 1.
 */
interface Runner {
  readonly ws: Workspace;
  readonly chan: Channel;
  /** Runs a job of `count` items (on the team when `share` and it has helpers). */
  readonly run: (kind: number, count: number, share: boolean) => void;
  /** Threads that may take part in a job, besides this one. */
  readonly helpers: number;
}

/** A node to split: its rows, sums, histogram and best split. */
interface SplitNode {
  readonly start: number;
  readonly end: number;
  readonly depth: number;
  readonly G: number;
  readonly H: number;
  readonly slot: number;
  readonly occ: boolean;
  readonly split: Split;
}

/** What splitting a node computes before the split is put into the tree. */
interface Outcome {
  /** The first row position of the right child. */
  readonly mid: number;
  /** Whether the children got histograms (the smaller one in the slot given, the larger one the parent's). */
  readonly built: boolean;
  readonly smallLeft: boolean;
  readonly smallOcc: boolean;
  /** The children's best splits (undefined: not searched, or no split gains). */
  readonly left: Split | undefined;
  readonly right: Split | undefined;
}

/** A node to search (see split.ts's SearchNode). */
interface Target {
  readonly slot: number;
  readonly minus: number;
  readonly occ: boolean;
  readonly minusOcc: boolean;
  readonly rows: number;
  readonly G: number;
  readonly H: number;
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
function splittable(ws: Workspace, n: number, H: number): boolean {
  return n >= 2 * ws.minSamplesLeaf && H >= 2 * ws.minSumHessianInLeaf && n >= 2;
}

/** A histogram to build: of rows[start, end), into `slot`, with the bitmap of their bins when `occ`; `allRows`: they are all the fit's rows. */
interface Build {
  readonly slot: number;
  readonly start: number;
  readonly end: number;
  readonly occ: boolean;
  readonly allRows: boolean;
}

/** The split of node q of the last SEARCH job of a channel (undefined: none gains). */
function searchResult(real: Float64Array, q: number): Split | undefined {
  const r = q * R_WORDS;
  if (real[r + R_FEATURE]! < 0) return undefined;
  return { gain: real[r + R_GAIN]!, feature: real[r + R_FEATURE]!, bin: real[r + R_BIN]!, missingLeft: real[r + R_MISSING_LEFT] === 1, GL: real[r + R_GL]!, HL: real[r + R_HL]! };
}

/**
 * The best splits of one or two nodes, after building histogram `build` (see the histogram.ts module comment) when
 * given: by groups of features on the team, each group's histogram and then its search (merged in order: the same
 * splits whatever the groups), unless every node is sparse (a sparse search is a few µs: not worth a hand-over).
 */
function search(r: Runner, t: TreeContext, targets: readonly Target[], build: Build | undefined): (Split | undefined)[] {
  const { ws } = r;
  const { par, real } = r.chan;
  const all = t.nFeats === ws.p;
  if (build) {
    par[H_COUNTS] = build.allRows ? 1 : 0;
    par[H_OCC] = build.occ ? 1 : 0;
    par[H_START] = build.start;
    par[H_END] = build.end;
    par[H_GOFF] = t.gOff;
    par[H_SLOT] = build.slot;
    par[H_FEATS] = t.nFeats;
    par[H_ALL] = all ? 1 : 0;
  }
  const m = build ? build.end - build.start : 0;
  if (build && m > CHUNK_ROWS) {
    // partial histograms of the chunks, added in chunk order: the same bits however they were computed
    const W = wordsPerFeature(ws.NB), occSize = ws.p * W;
    if (build.occ) occupancy(ws.bins, ws.p, W, ws.rows, build.start, build.end, ws.feats, 0, t.nFeats, ws.occs.subarray(build.slot * occSize, (build.slot + 1) * occSize));
    const NB3 = ws.NB * 3;
    const size = ws.p * NB3;
    const hist = ws.hists.subarray(build.slot * size, (build.slot + 1) * size);
    const chunks = Math.ceil(m / CHUNK_ROWS);
    r.run(CHUNKS, chunks, true);
    zeroFeatures(hist, 0, ws.feats, all, 0, t.nFeats, NB3);
    addChunks(ws.parts, chunks, hist.length, ws.feats, all, t.nFeats, NB3, hist);
  }
  par[S_BUILD] = build && m <= CHUNK_ROWS ? 1 : 0;
  par[S_FEATS] = t.nFeats;
  targets.forEach((n, q) => {
    const i = q * S_WORDS, k = q * R_WORDS;
    par[i + S_SLOT] = n.slot;
    par[i + S_MINUS] = n.minus;
    par[i + S_OCC] = n.occ ? 1 : 0;
    par[i + S_MINUS_OCC] = n.minusOcc ? 1 : 0;
    par[i + S_ROWS] = n.rows;
    real[k + R_G] = n.G;
    real[k + R_H] = n.H;
  });
  const groups = r.helpers > 0 && targets.some((n) => !n.occ) ? Math.min(r.helpers + 1, t.nFeats, MAX_GROUPS) : 1;
  par[S_GROUPS] = groups;
  par[S_NODES] = targets.length;
  r.run(SEARCH, groups, groups > 1);
  if (groups > 1) r.run(MERGE, targets.length, false);
  return targets.map((_, q) => searchResult(real, q));
}

/** Stable partition of rows[start, end) by the split; returns the first position of the right child. */
function partition(r: Runner, start: number, end: number, s: Split): number {
  const { ws, chan } = r;
  const { par, sides } = chan;
  const { rows, tmp } = ws;
  // which side each bin goes to, looked up: no branch on the row's side (a coin toss to the branch predictor, which
  // made the branching form the slowest loop of a tree)
  for (let v = 0; v < sides.length; v++) sides[v] = v <= s.bin ? 1 : 0;
  sides[ws.missingBin] = s.missingLeft ? 1 : 0;
  // in two parts, [start, mid) and [mid, end), when the team may share it: each part's left rows at its front, its
  // right ones in tmp at the part's own positions; then the second part's left rows after the first's, and the right
  // rows after them
  const parts = r.helpers > 0 && end - start >= PART_SHARE_ROWS ? 2 : 1;
  const mid = parts === 2 ? start + ((end - start) >> 1) : end;
  par[P_START] = start;
  par[P_MID] = mid;
  par[P_END] = end;
  par[P_COL] = s.feature * ws.n;
  r.run(PARTITION, parts, parts === 2);
  const l0 = par[P_LEFT0]!;
  if (parts === 1) {
    rows.set(tmp.subarray(start, start + end - l0), l0);
    return l0;
  }
  const l1 = par[P_LEFT1]!;
  rows.copyWithin(l0, mid, l1);
  const l = l0 + (l1 - mid);
  rows.set(tmp.subarray(start, start + mid - l0), l);
  rows.set(tmp.subarray(mid, mid + end - l1), l + (mid - l0));
  return l;
}

/**
 * Splits node x: partitions its rows; unless `full` (the split fills the tree) or neither child may be split, builds
 * the smaller child's histogram in `smallSlot` (the larger child takes x's slot) and searches the children that may
 * be split.
 */
function computeSplit(r: Runner, t: TreeContext, x: SplitNode, smallSlot: number, full: boolean): Outcome {
  const { ws } = r;
  const s = x.split;
  const mid = partition(r, x.start, x.end, s);
  const nL = mid - x.start, nR = x.end - mid;
  const GR = x.G - s.GL, HR = x.H - s.HL;
  const deep = t.maxDepth !== null && x.depth + 1 >= t.maxDepth;
  const canL = !full && !deep && splittable(ws, nL, s.HL);
  const canR = !full && !deep && splittable(ws, nR, HR);
  if (!canL && !canR) return { mid, built: false, smallLeft: false, smallOcc: false, left: undefined, right: undefined };
  // the smaller child from its rows, the larger by subtraction from the parent (in its split search)
  const smallLeft = nL <= nR;
  const [a, b] = smallLeft ? [x.start, mid] : [mid, x.end];
  const smallOcc = b - a <= t.sparseRows;
  // (objects, not functions that make them: under tsx, a named closure made per split costs a helper call)
  const small: Target = { slot: smallSlot, minus: -1, occ: smallOcc, minusOcc: false, rows: b - a, G: smallLeft ? s.GL : GR, H: smallLeft ? s.HL : HR };
  const large: Target = { slot: x.slot, minus: smallSlot, occ: x.occ, minusOcc: smallOcc, rows: x.end - x.start - (b - a), G: smallLeft ? GR : s.GL, H: smallLeft ? HR : s.HL };
  const L = smallLeft ? small : large;
  const R = smallLeft ? large : small;
  // the larger child first: the heavier search (it subtracts), which the calling thread claims before a helper can
  const [first, second, firstIsLeft] = smallLeft ? [R, L, false] : [L, R, true];
  const canFirst = firstIsLeft ? canL : canR, canSecond = firstIsLeft ? canR : canL;
  const targets = canFirst && canSecond ? [first, second] : canFirst ? [first] : [second];
  const found = search(r, t, targets, { slot: smallSlot, start: a, end: b, occ: smallOcc, allRows: false });
  const [a1, a2] = canFirst ? [found[0], found[1]] : [undefined, found[0]];
  return { mid, built: true, smallLeft, smallOcc, left: firstIsLeft ? a1 : a2, right: firstIsLeft ? a2 : a1 };
}

function writeSplit(real: Float64Array, q: number, s: Split | undefined): void {
  const r = q * R_WORDS;
  real[r + R_FEATURE] = s ? s.feature : -1;
  if (!s) return;
  real[r + R_GAIN] = s.gain;
  real[r + R_BIN] = s.bin;
  real[r + R_MISSING_LEFT] = s.missingLeft ? 1 : 0;
  real[r + R_GL] = s.GL;
  real[r + R_HL] = s.HL;
}

/** Posts node x's split to the helpers (channel 1), to be made ahead of time with `smallSlot`. */
function postSplit(ws: Workspace, team: Team, t: TreeContext, x: SplitNode, smallSlot: number): void {
  const { par, real } = ws.channels[1];
  par[X_START] = x.start;
  par[X_END] = x.end;
  par[X_DEPTH] = x.depth;
  par[X_SLOT] = x.slot;
  par[X_OCC] = x.occ ? 1 : 0;
  par[X_SMALL_SLOT] = smallSlot;
  par[X_FEATURE] = x.split.feature;
  par[X_BIN] = x.split.bin;
  par[X_MISSING_LEFT] = x.split.missingLeft ? 1 : 0;
  par[X_GOFF] = t.gOff;
  par[X_FEATS] = t.nFeats;
  par[X_MAX_DEPTH] = t.maxDepth ?? -1;
  par[X_SPARSE] = t.sparseRows;
  real[XR_G] = x.G;
  real[XR_H] = x.H;
  real[XR_GAIN] = x.split.gain;
  real[XR_GL] = x.split.GL;
  real[XR_HL] = x.split.HL;
  team.post(SPLIT);
}

/** The helper's side of postSplit: makes the split (never `full`: that is decided when it is put into the tree). */
function splitAhead(r: Runner): void {
  const { par, real } = r.chan;
  const maxDepth = par[X_MAX_DEPTH]!;
  const t: TreeContext = { gOff: par[X_GOFF]!, nFeats: par[X_FEATS]!, maxDepth: maxDepth < 0 ? null : maxDepth, sparseRows: par[X_SPARSE]! };
  const split: Split = { gain: real[XR_GAIN]!, feature: par[X_FEATURE]!, bin: par[X_BIN]!, missingLeft: par[X_MISSING_LEFT] === 1, GL: real[XR_GL]!, HL: real[XR_HL]! };
  const x: SplitNode = { start: par[X_START]!, end: par[X_END]!, depth: par[X_DEPTH]!, G: real[XR_G]!, H: real[XR_H]!, slot: par[X_SLOT]!, occ: par[X_OCC] === 1, split };
  const out = computeSplit(r, t, x, par[X_SMALL_SLOT]!, false);
  par[O_MID] = out.mid;
  par[O_BUILT] = out.built ? 1 : 0;
  par[O_SMALL_LEFT] = out.smallLeft ? 1 : 0;
  par[O_SMALL_OCC] = out.smallOcc ? 1 : 0;
  writeSplit(real, O_LEFT, out.left);
  writeSplit(real, O_RIGHT, out.right);
}

/** The outcome of a split made ahead of time (after Team.collect). */
function readOutcome(chan: Channel): Outcome {
  const { par, real } = chan;
  return { mid: par[O_MID]!, built: par[O_BUILT] === 1, smallLeft: par[O_SMALL_LEFT] === 1, smallOcc: par[O_SMALL_OCC] === 1, left: searchResult(real, O_LEFT), right: searchResult(real, O_RIGHT) };
}

/** A helper thread's service of a fit: channel 0's job items, and splits made ahead of time (the task a worker runs: see hist-worker.ts). */
export function serveFit(ws: Workspace): void {
  const local = new Local(ws);
  const items = itemRunner(ws, local);
  const chan = ws.channels[1];
  const ahead: Runner = {
    ws,
    chan,
    helpers: 0,
    run: (kind, count) => {
      for (let i = 0; i < count; i++) runItem(ws, local, chan, kind, i);
    },
  };
  serveTeam(ws.ctrl, (kind, item) => (kind === SPLIT ? splitAhead(ahead) : items(kind, item)));
}

/** The node of the largest gain in the frontier, but `skip` (on a tie, the node made first); −1 when none. */
function bestOf(frontier: readonly Node[], skip: Node | undefined): number {
  let bi = -1;
  for (let k = 0; k < frontier.length; k++) if (frontier[k] !== skip && (bi < 0 || frontier[k]!.split!.gain > frontier[bi]!.split!.gain)) bi = k;
  return bi;
}

/** Grows the tree (see the module comment). */
export function growTree(inp: GrowInput): GrownTree {
  const { ws, team, options: o } = inp;
  const lam = o.l2;
  const tb = new TreeBuilder(1, o.maxLeafNodes !== null ? 2 * o.maxLeafNodes : 64);
  const binThr: number[] = [];
  const leaves: [number, number, number][] = [];
  const t: TreeContext = { gOff: inp.gOff, nFeats: inp.nFeats, maxDepth: o.maxDepth, sparseRows: inp.sparseRows };
  const main: Runner = { ws, chan: ws.channels[0], helpers: team.helpers, run: (kind, count, share) => team.run(kind, count, share) };
  const takeSlot = (): number => {
    const slot = inp.slots.pop();
    if (slot === undefined) throw new Error('growTree: no free histogram slot (the workspace has too few)');
    return slot;
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
  const node = (id: number, start: number, end: number, depth: number, G: number, H: number): Node => ({ id, start, end, depth, G, H, slot: -1, occ: false, split: undefined });
  const frontier: Node[] = [];
  let nLeaves = 1;
  const full = (leafCount: number): boolean => o.maxLeafNodes !== null && leafCount >= o.maxLeafNodes;

  // the root
  const [G0, H0] = inp.rootSums ? [inp.rootSums[0]!, inp.rootSums[1]!] : nodeSums(ws.g, ws.h, ws.rows, inp.gOff, 0, inp.nRows);
  const root = node(tb.add(), 0, inp.nRows, 0, G0, H0);
  if (splittable(ws, inp.nRows, H0) && (o.maxDepth === null || o.maxDepth > 0) && !full(1)) {
    root.slot = takeSlot();
    root.occ = inp.nRows <= inp.sparseRows;
    const build = { slot: root.slot, start: 0, end: inp.nRows, occ: root.occ, allRows: inp.allRows };
    root.split = search(main, t, [{ slot: root.slot, minus: -1, occ: root.occ, minusOcc: false, rows: inp.nRows, G: G0, H: H0 }], build)[0];
  }
  if (root.split) frontier.push(root);
  else finalize(root);

  /** Puts node x's split into the tree, with the outcome made for it (the smaller child's histogram in smallSlot). */
  const commit = (x: Node, out: Outcome, smallSlot: number): void => {
    const s = x.split!;
    const nb = inp.mapping.nBins[s.feature]!;
    // splitting after the last bin of present values sends every present value left: threshold +∞ (ALMOST_INF)
    const threshold = s.bin >= nb - 1 ? ALMOST_INF : inp.mapping.thresholds[s.feature]![s.bin]!;
    const [lid, rid] = tb.split(x.id, s.feature, threshold, s.missingLeft, s.gain);
    binThr[x.id] = s.bin;
    nLeaves++;
    const depth = x.depth + 1;
    const left = node(lid, x.start, out.mid, depth, s.GL, s.HL);
    const right = node(rid, out.mid, x.end, depth, x.G - s.GL, x.H - s.HL);
    // a split made ahead of time did not know whether it fills the tree: then its children are leaves all the same
    const keep = out.built && !full(nLeaves);
    if (keep) {
      const [small, large] = out.smallLeft ? [left, right] : [right, left];
      small.slot = smallSlot;
      small.occ = out.smallOcc;
      large.slot = x.slot;
      large.occ = x.occ;
      x.slot = -1;
    } else {
      release(x);
      inp.slots.push(smallSlot);
    }
    for (const [c, split] of [[left, out.left], [right, out.right]] as const) {
      if (keep && split) {
        c.split = split;
        frontier.push(c);
      } else finalize(c);
    }
  };

  // the split made ahead of time by a helper: its node (still on the frontier) and the slot of its smaller child
  let ahead: { node: Node; slot: number } | undefined;
  /** Posts the split of the frontier's second best to a helper, if that node may be split in this tree. */
  const splitSecond = (): void => {
    if (ahead || team.helpers === 0 || full(nLeaves + 1)) return;
    const first = bestOf(frontier, undefined);
    const second = bestOf(frontier, frontier[first]);
    const x = frontier[second];
    // a node of more than two chunks would need the partial histograms of the calling thread
    if (!x || x.end - x.start > 2 * CHUNK_ROWS || !team.mayPost()) return;
    ahead = { node: x, slot: takeSlot() };
    postSplit(ws, team, t, { ...x, split: x.split! }, ahead.slot);
  };

  splitSecond();
  while (frontier.length > 0 && !full(nLeaves)) {
    // the largest gain first; on a tie, the node made first
    const x = frontier.splice(bestOf(frontier, undefined), 1)[0]!;
    let out: Outcome | undefined;
    let smallSlot: number;
    if (ahead?.node === x) {
      smallSlot = ahead.slot;
      if (team.collect()) out = readOutcome(ws.channels[1]);
      ahead = undefined;
    } else smallSlot = takeSlot();
    out ??= computeSplit(main, t, { ...x, split: x.split! }, smallSlot, full(nLeaves + 1));
    commit(x, out, smallSlot);
    splitSecond();
  }
  if (ahead) {
    // never split: a leaf, whichever part of the split the helper made
    team.collect();
    inp.slots.push(ahead.slot);
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
