import { binColumn, hasMissingValue, thresholdsOf } from './binning.js';
import { CHUNK_ROWS, type HistInput, accumulate, accumulateSums, zeroFeatures } from './histogram.js';
import { binaryTerms, multinomialTerms } from './losses.js';
import { type BestSplit, GROUP_HEAD, GROUP_WORDS, type SearchNode, type SearchSpace, mergeGroup, occupancy, partitionRows, searchFeatures, startBest, wordsPerFeature, writeGroup, zeroOccupied } from './split.js';
import { CONTROL_WORDS, type ItemRunner } from '../team.js';

/**
 * The work of a boosted-tree fit as jobs of items that any of its threads may run (see team.ts): the arrays they
 * share (over shared memory when the fit has helper threads), where each job finds its parameters, and what each
 * item computes. Every item reads and writes only what its job's parameters name, and no item's result depends on
 * the thread that runs it or on how a job was cut into items, so the fit gives the same bits on any number of
 * threads:
 *
 * - GRADIENTS: the gradients, hessians and loss terms of a block of rows (losses.ts; the terms are then added in
 *   row order by the calling thread);
 * - CHUNKS: the partial histogram of one chunk of CHUNK_ROWS positions of a node of more rows (added in chunk order);
 * - SEARCH: the best splits of one or two nodes (split.ts) over a group of the tree's features, with the subtraction
 *   of the smaller sibling's histogram, and first, for a node of at most CHUNK_ROWS rows, the histogram of those
 *   features (the thread that built them searches them, from its own cache); MERGE: one node's groups merged into
 *   the search of all its features in order (split.ts's mergeGroup: the same split whatever the groups);
 * - PARTITION: the stable partition of one part of a node's rows (the parts are then put together in order);
 * - BINNING: one feature's thresholds and bins (binning.ts), from the training rows copied to ws.X;
 * - SPLIT: a task, not a job: a whole split of a node, speculatively, on a helper (see grower.ts).
 *
 * Jobs find their parameters in a channel: channel 0 holds the calling thread's jobs, channel 1 the speculative
 * split's (whose jobs run item by item on the helper that took it).
 *
 * Histograms live in slots: slot s holds a histogram at hists[s·size] and a bitmap of occupied bins at
 * occs[s·p·W], allocated once per fit for the most nodes a tree can hold histograms for at a time.
 */
export const GRADIENTS = 0, CHUNKS = 1, SEARCH = 2, PARTITION = 3, BINNING = 4, SPLIT = 5, MERGE = 6;

/** GRADIENTS: the rows of an item (the last one may have fewer). */
export const G_ROWS = 0;

/** SEARCH, node q's at q·S_WORDS: its slot, its smaller sibling's (−1: none), whether each has a bitmap, its rows. */
export const S_SLOT = 0, S_MINUS = 1, S_OCC = 2, S_MINUS_OCC = 3, S_ROWS = 4, S_WORDS = 5;
/**
 * SEARCH: features searched, the groups they are searched in (items), the nodes (one or two), and S_BUILD 1 when each
 * group first builds its features of the histogram the H_ parameters describe.
 */
export const S_FEATS = 2 * S_WORDS, S_GROUPS = S_FEATS + 1, S_NODES = S_FEATS + 2, S_BUILD = S_FEATS + 3;
/**
 * Integer parameters of a channel's job (chan.par), after SEARCH's (whose job may build a histogram). A histogram
 * built (SEARCH with S_BUILD, CHUNKS): the rows, the gradient block, the slot, the features (H_ALL: 0..p−1),
 * H_COUNTS 1 when the rows are all the fit's rows, whose counts per bin are ws.counts, and H_OCC 1 when the slot's
 * bitmap is made of the rows' bins (see buildFeatures).
 */
export const H_START = S_BUILD + 1, H_END = H_START + 1, H_GOFF = H_START + 2, H_SLOT = H_START + 3, H_FEATS = H_START + 4, H_ALL = H_START + 5, H_COUNTS = H_START + 6, H_OCC = H_START + 7;
/** The most groups a search is cut into. */
export const MAX_GROUPS = 8;
/** Real parameters and results of SEARCH, node q's at q·R_WORDS: G and H in, the best split out. */
export const R_G = 0, R_H = 1, R_GAIN = 2, R_FEATURE = 3, R_BIN = 4, R_MISSING_LEFT = 5, R_GL = 6, R_HL = 7, R_WORDS = 8;
/**
 * PARTITION: the node's rows [start, end), cut at mid into two parts (mid = end: one), the split feature's column
 * offset, and each part's end of left rows (out). A part [a, b) puts its right rows in tmp[a…].
 */
export const P_START = 0, P_MID = 1, P_END = 2, P_COL = 3, P_LEFT0 = 4, P_LEFT1 = 5;
/**
 * A split made ahead of time (channel 1, see grower.ts), after the job words: the node and its tree in (X_), the
 * outcome out (O_); its child splits as SEARCH results of "nodes" O_LEFT and O_RIGHT.
 */
const PAR_JOB_WORDS = H_OCC + 1, REAL_JOB_WORDS = 2 * R_WORDS;
export const X_START = PAR_JOB_WORDS, X_END = X_START + 1, X_DEPTH = X_START + 2, X_SLOT = X_START + 3, X_OCC = X_START + 4, X_SMALL_SLOT = X_START + 5;
export const X_FEATURE = X_START + 6, X_BIN = X_START + 7, X_MISSING_LEFT = X_START + 8, X_GOFF = X_START + 9, X_FEATS = X_START + 10, X_MAX_DEPTH = X_START + 11;
export const X_SPARSE = X_START + 12, O_MID = X_START + 13, O_BUILT = X_START + 14, O_SMALL_LEFT = X_START + 15, O_SMALL_OCC = X_START + 16;
export const XR_G = REAL_JOB_WORDS, XR_H = XR_G + 1, XR_GAIN = XR_G + 2, XR_GL = XR_G + 3, XR_HL = XR_G + 4;
export const O_LEFT = 3, O_RIGHT = 4;

const PAR_WORDS = O_SMALL_OCC + 1;
const REAL_WORDS = (O_RIGHT + 1) * R_WORDS;

/**
 * Where a job finds its parameters and puts its results, the partition's side per bin (NB numbers), and a search's
 * groups (node q of group g at (2g + q)·GROUP_WORDS: see split.ts's mergeGroup).
 */
export interface Channel {
  readonly par: Int32Array;
  readonly real: Float64Array;
  readonly sides: Uint8Array;
  readonly groups: Float64Array;
}

export interface Workspace extends HistInput, SearchSpace {
  /** The team's control words (team.ts). */
  readonly ctrl: Int32Array;
  /** Channel 0: the calling thread's jobs; channel 1: the speculative split's. */
  readonly channels: readonly [Channel, Channel];
  /** Training rows (of the binned matrices); classes; outputs (1 for two classes, K otherwise). */
  readonly n: number;
  readonly K: number;
  readonly D: number;
  /** The bins again, column by column (feature j's at j·n): the partition reads one feature of a node's rows. */
  readonly binsByFeature: Uint8Array;
  /** Scratch of the partition (n numbers: a node's part [a, b) uses tmp[a, b)). */
  readonly tmp: Int32Array;
  /**
   * For BINNING: the training rows' features (n × p; empty when the fit bins on the calling thread alone), the
   * positions of those whose values make the thresholds, and the thresholds (feature j's at j·maxBins, nBins[j] − 1
   * of them).
   */
  readonly X: Float64Array;
  readonly use: Int32Array;
  readonly thresholds: Float64Array;
  /** Raw scores (n × D), labels, weights, and each row's loss term. */
  readonly F: Float64Array;
  readonly y: Int32Array;
  readonly w: Float64Array;
  readonly terms: Float64Array;
  /** The count per bin of all the fit's rows (counts[j·NB + b]: a root's without row subsampling). */
  readonly counts: Float64Array;
  /** Histogram slots, their bitmaps, and the partial histograms of chunks. */
  readonly hists: Float64Array;
  readonly occs: Int32Array;
  readonly parts: Float64Array;
}

/** What a workspace is made for. */
export interface WorkspaceSize {
  readonly n: number;
  readonly p: number;
  readonly NB: number;
  readonly K: number;
  /** Histogram slots. */
  readonly slots: number;
  /** For BINNING (see Workspace.X): the training rows' features, and how many of them make the thresholds. */
  readonly binningRows: number;
  readonly binningUse: number;
  readonly minSamplesLeaf: number;
  readonly minSumHessianInLeaf: number;
  readonly l2: number;
}

/** A new workspace (zeros), over shared memory when `shared` (the fit has helper threads). */
export function createWorkspace(z: WorkspaceSize, shared: boolean): Workspace {
  const mem = (bytes: number): ArrayBufferLike => (shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  const f64 = (length: number) => new Float64Array(mem(length * 8));
  const i32 = (length: number) => new Int32Array(mem(length * 4));
  const u8 = (length: number) => new Uint8Array(mem(length));
  const { n, p, NB, K } = z;
  const D = K === 2 ? 1 : K;
  const size = p * NB * 3;
  const chunks = n > CHUNK_ROWS ? Math.ceil(n / CHUNK_ROWS) : 0;
  const channel = (): Channel => ({ par: i32(PAR_WORDS), real: f64(REAL_WORDS), sides: u8(NB), groups: f64(MAX_GROUPS * 2 * GROUP_WORDS) });
  return {
    ctrl: i32(CONTROL_WORDS),
    channels: [channel(), channel()],
    n,
    p,
    NB,
    K,
    D,
    X: f64(z.binningRows * p),
    use: i32(z.binningUse),
    thresholds: f64(p * (NB - 1)),
    bins: u8(n * p),
    binsByFeature: u8(n * p),
    rows: i32(n),
    tmp: i32(n),
    F: f64(n * D),
    y: i32(n),
    w: f64(n),
    g: f64(n * D),
    h: f64(n * D),
    terms: f64(n),
    feats: i32(p),
    counts: f64(p * NB),
    hists: f64(z.slots * size),
    occs: i32(z.slots * p * wordsPerFeature(NB)),
    parts: f64(chunks * size),
    nBins: i32(p),
    hasMissing: u8(p),
    missingBin: NB - 1,
    minSamplesLeaf: z.minSamplesLeaf,
    minSumHessianInLeaf: z.minSumHessianInLeaf,
    l2: z.l2,
  };
}

/** A thread's own scratch and views of a workspace. */
export class Local {
  readonly best: BestSplit = { gain: 0, feature: -1, bin: 0, missingLeft: false, GL: 0, HL: 0, chain: undefined, chainAt: 0, records: 0 };
  readonly pk: Float64Array;
  private readonly histViews: Float64Array[] = [];
  private readonly occViews: Int32Array[] = [];
  private readonly size: number;
  private readonly occSize: number;

  constructor(private readonly ws: Workspace) {
    this.pk = new Float64Array(ws.K);
    this.size = ws.p * ws.NB * 3;
    this.occSize = ws.p * wordsPerFeature(ws.NB);
  }

  hist(slot: number): Float64Array {
    return (this.histViews[slot] ??= this.ws.hists.subarray(slot * this.size, (slot + 1) * this.size));
  }

  occ(slot: number): Int32Array {
    return (this.occViews[slot] ??= this.ws.occs.subarray(slot * this.occSize, (slot + 1) * this.occSize));
  }
}

/** Runs the items of channel 0's jobs on this thread (the calling thread's, or a helper's). */
export function itemRunner(ws: Workspace, local: Local): ItemRunner {
  return (kind, item) => runItem(ws, local, ws.channels[0], kind, item);
}

/**
 * The histogram of rows[H_START, H_END) in slot H_SLOT for the features feats[f0, f1), and first, when H_OCC, the
 * slot's bitmap of the bins they occupy (then only those bins and the missing bins are zeroed: see split.ts's
 * zeroOccupied). Each feature's sums are independent of the others': the groups may go to any thread.
 */
function buildFeatures(ws: Workspace, local: Local, par: Int32Array, f0: number, f1: number): void {
  const slot = par[H_SLOT]!, hist = local.hist(slot), all = par[H_ALL] === 1;
  const k0 = par[H_START]!, k1 = par[H_END]!;
  if (par[H_OCC] === 1) {
    const W = wordsPerFeature(ws.NB), occ = local.occ(slot), NB3 = ws.NB * 3;
    occupancy(ws.bins, ws.p, W, ws.rows, k0, k1, ws.feats, f0, f1, occ);
    for (let f = f0; f < f1; f++) zeroOccupied(hist, occ, ws.feats[f]! * W, W, ws.feats[f]! * NB3, ws.missingBin);
  } else zeroFeatures(hist, 0, ws.feats, all, f0, f1, ws.NB * 3);
  if (all && par[H_COUNTS] === 1) accumulateSums(ws, ws.counts, f0, f1, par[H_GOFF]!, k0, k1, hist, 0);
  else accumulate(ws, ws.feats, all, f0, f1, par[H_GOFF]!, k0, k1, hist, 0);
}

/** Node q of a SEARCH job; without its smaller sibling's histogram to subtract unless `minus`. */
function searchNode(local: Local, chan: Channel, q: number, minus: boolean): SearchNode {
  const par = chan.par, i = q * S_WORDS, r = q * R_WORDS;
  const m = minus ? par[i + S_MINUS]! : -1;
  return {
    hist: local.hist(par[i + S_SLOT]!),
    minus: m >= 0 ? local.hist(m) : undefined,
    occ: par[i + S_OCC] === 1 ? local.occ(par[i + S_SLOT]!) : undefined,
    minusOcc: m >= 0 && par[i + S_MINUS_OCC] === 1 ? local.occ(m) : undefined,
    n: par[i + S_ROWS]!,
    G: chan.real[r + R_G]!,
    H: chan.real[r + R_H]!,
  };
}

/** A node's best split as the SEARCH result of node q. */
function writeBest(real: Float64Array, q: number, best: BestSplit): void {
  const r = q * R_WORDS;
  real[r + R_GAIN] = best.gain;
  real[r + R_FEATURE] = best.feature;
  real[r + R_BIN] = best.bin;
  real[r + R_MISSING_LEFT] = best.missingLeft ? 1 : 0;
  real[r + R_GL] = best.GL;
  real[r + R_HL] = best.HL;
}

/** Runs item `item` of the job of kind `kind` whose parameters are in `chan`. */
export function runItem(ws: Workspace, local: Local, chan: Channel, kind: number, item: number): void {
  const par = chan.par;
  switch (kind) {
    case GRADIENTS: {
      const i0 = item * par[G_ROWS]!, i1 = Math.min(ws.n, i0 + par[G_ROWS]!);
      if (ws.K === 2) binaryTerms(ws.F, ws.y, ws.w, ws.g, ws.h, ws.terms, i0, i1);
      else multinomialTerms(ws.F, ws.y, ws.w, ws.g, ws.h, ws.terms, ws.n, ws.K, local.pk, i0, i1);
      return;
    }
    case CHUNKS: {
      const nFeats = par[H_FEATS]!, all = par[H_ALL] === 1;
      const k0 = par[H_START]! + item * CHUNK_ROWS, k1 = Math.min(par[H_END]!, k0 + CHUNK_ROWS);
      const off = item * ws.p * ws.NB * 3;
      zeroFeatures(ws.parts, off, ws.feats, all, 0, nFeats, ws.NB * 3);
      accumulate(ws, ws.feats, all, 0, nFeats, par[H_GOFF]!, k0, k1, ws.parts, off);
      return;
    }
    case SEARCH: {
      // group `item` of the features: the histogram built first (S_BUILD), then for each node, with one group its best
      // split, else the group's for MERGE
      const nFeats = par[S_FEATS]!, groups = par[S_GROUPS]!, nodes = par[S_NODES]!;
      const f0 = Math.floor((item * nFeats) / groups), f1 = Math.floor(((item + 1) * nFeats) / groups);
      if (par[S_BUILD] === 1) buildFeatures(ws, local, par, f0, f1);
      const best = local.best;
      for (let q = 0; q < nodes; q++) {
        const o = (2 * item + q) * GROUP_WORDS;
        startBest(best, groups > 1 ? chan.groups : undefined, o + GROUP_HEAD);
        searchFeatures(ws, f0, f1, searchNode(local, chan, q, true), best);
        if (groups > 1) writeGroup(chan.groups, o, best);
        else writeBest(chan.real, q, best);
      }
      return;
    }
    case MERGE: {
      // node `item`'s groups, in order (a group searched again from the best before it has been subtracted by then)
      const q = item, r = q * R_WORDS, real = chan.real;
      const nFeats = par[S_FEATS]!, groups = par[S_GROUPS]!;
      const G = real[r + R_G]!, H = real[r + R_H]!;
      const best = local.best;
      startBest(best, undefined, 0);
      for (let g = 0; g < groups; g++)
        if (!mergeGroup(chan.groups, (2 * g + q) * GROUP_WORDS, G, H, ws.l2, best))
          searchFeatures(ws, Math.floor((g * nFeats) / groups), Math.floor(((g + 1) * nFeats) / groups), searchNode(local, chan, q, false), best);
      writeBest(real, q, best);
      return;
    }
    case BINNING: {
      const j = item, maxBins = ws.NB - 1;
      const t = thresholdsOf(ws.X, ws.p, j, ws.use, maxBins);
      ws.thresholds.set(t, j * maxBins);
      ws.nBins[j] = t.length + 1;
      // the training rows are 0..n−1 of ws.X, and ws.rows their identity (set before the job)
      ws.hasMissing[j] = hasMissingValue(ws.X, ws.p, j, ws.rows) ? 1 : 0;
      binColumn(ws.X, ws.p, j, ws.rows, t, ws.missingBin, ws.bins);
      for (let k = 0, n = ws.n; k < n; k++) ws.binsByFeature[j * n + k] = ws.bins[k * ws.p + j]!;
      return;
    }
    case PARTITION: {
      const a = item === 0 ? par[P_START]! : par[P_MID]!, b = item === 0 ? par[P_MID]! : par[P_END]!;
      par[P_LEFT0 + item] = partitionRows(ws.rows, ws.tmp, a, chan.sides, ws.binsByFeature, par[P_COL]!, a, b);
      return;
    }
  }
}
