import { type DenseMatrix, takeRows } from '@discern/linalg';
import { DiscernError } from '@discern/core';
import { type Cancellation, checkNotCancelled, checkpoint, fitCancellation } from '../cancel.js';
import { type FitOptions, type FitReport, type ModelJSON } from '../estimator.js';
import { ModelReader, type ModelSource } from '../model-json.js';
import { checkMemory, doubles, ints } from '../resources.js';
import { checkWeights, checkXy } from '../validate.js';
import { snapToFloat32 } from './binning.js';
import { TreeEnsembleClassifier } from './classifier.js';
import { type FeatureImportance, type TreeEnsemble, checkNoInfinity, featureImportance, outputsOf, treesFromJSON } from './ensemble.js';
import { ADA_NAME, type AdaBoostOptions, type ResolvedAdaBoostOptions, resolveAdaOptions } from './options.js';
import { type Tree, type TreeJSON, TreeBuilder } from './tree.js';
import { type WeightsReport, applyNegativeWeights } from './weights.js';

const NAME = ADA_NAME;
const JSON_VERSION = 1;
/** Leaf probabilities are kept ≥ this in the real algorithm's logarithms (numpy's float64 eps, as scikit-learn). */
const PROBA_EPS = 2.220446049250313e-16;

/**
 * One shallow tree as TMVA's BDT grows it (DecisionTree::TrainNodeFast): depth-first to maxDepth; at each node,
 * for each feature, nCuts cut values evenly spaced between the node's smallest and largest value of that feature
 * (cut c = min + c·(max − min)/(nCuts + 1), c = 1..nCuts, each moved to the nearest float32 rounding boundary, at most
 * half a float32 step); the split that most lowers the weighted Gini impurity
 * W·(1 − Σ_k p_k²) wins, provided each side keeps at least minW of the (boosted) weight. Missing values are tried
 * on both sides, as in the histogram trees. Leaves hold their weighted class totals.
 */
interface AdaTreeInput {
  readonly X: Float64Array;
  readonly p: number;
  readonly y: Int32Array;
  readonly K: number;
  readonly w: Float64Array;
  readonly rows: Int32Array;
  readonly scratch: Int32Array;
  readonly maxDepth: number;
  readonly nCuts: number;
  /** The least weight a leaf may hold. */
  readonly minW: number;
}

interface AdaTree {
  readonly builder: TreeBuilder;
  /** [node, start, end) per leaf, over rows. */
  readonly leaves: [number, number, number][];
}

function impurity(t: Float64Array, off: number, K: number): number {
  let W = 0, s = 0;
  for (let k = 0; k < K; k++) {
    W += t[off + k]!;
    s += t[off + k]! * t[off + k]!;
  }
  return W > 0 ? W - s / W : 0;
}

/** Scratch of the tree grower, allocated once per fit. */
class AdaScratch {
  readonly hist: Float64Array;
  readonly miss: Float64Array;
  readonly lo: Float64Array;
  readonly hi: Float64Array;
  readonly inv: Float64Array;
  readonly hasMissing: Uint8Array;
  readonly cuts: Float64Array;
  readonly L: Float64Array;
  readonly tot: Float64Array;
  constructor(p: number, K: number, nCuts: number) {
    this.hist = new Float64Array(p * (nCuts + 1) * K);
    this.miss = new Float64Array(p * K);
    this.lo = new Float64Array(p);
    this.hi = new Float64Array(p);
    this.inv = new Float64Array(p);
    this.hasMissing = new Uint8Array(p);
    this.cuts = new Float64Array(p * nCuts);
    this.L = new Float64Array(K);
    this.tot = new Float64Array(K);
  }
}

/** Each feature's range in rows[start, end), and its missing weight per class (rows read in order, p values each). */
function nodeRanges(X: Float64Array, p: number, y: Int32Array, w: Float64Array, K: number, rows: Int32Array, start: number, end: number, s: AdaScratch): void {
  const { lo, hi, miss, hasMissing } = s;
  lo.fill(Infinity);
  hi.fill(-Infinity);
  miss.fill(0);
  hasMissing.fill(0);
  for (let q = start; q < end; q++) {
    const i = rows[q]!;
    const o = i * p;
    for (let j = 0; j < p; j++) {
      const v = X[o + j]!;
      if (v !== v) {
        hasMissing[j] = 1;
        miss[j * K + y[i]!]! += w[i]!;
        continue;
      }
      if (v < lo[j]!) lo[j] = v;
      if (v > hi[j]!) hi[j] = v;
    }
  }
}

/**
 * The cut histograms of rows[start, end). A value's bin is the first cut c with v ≤ cut (nCuts when none):
 * estimated from the grid, then corrected against the cut values themselves, so that it agrees with the rule
 * v ≤ threshold exactly.
 */
function cutHistograms(X: Float64Array, p: number, y: Int32Array, w: Float64Array, K: number, rows: Int32Array, start: number, end: number, nCuts: number, s: AdaScratch): void {
  const { lo, hi, inv, cuts, hist } = s;
  const B = nCuts + 1;
  for (let j = 0; j < p; j++) {
    if (!(hi[j]! > lo[j]!)) {
      inv[j] = NaN;
      continue;
    }
    const st = (hi[j]! - lo[j]!) / B;
    inv[j] = 1 / st;
    // each cut moved to the nearest float32 rounding boundary (binning.ts: snapToFloat32), so that an exported float32
    // graph decides on a rounded input as the model does on the double
    for (let c = 0; c < nCuts; c++) cuts[j * nCuts + c] = snapToFloat32(lo[j]! + (c + 1) * st, -Infinity, Infinity);
  }
  hist.fill(0);
  for (let q = start; q < end; q++) {
    const i = rows[q]!;
    const o = i * p;
    const yi = y[i]!, wi = w[i]!;
    for (let j = 0; j < p; j++) {
      const v = X[o + j]!;
      const r = (v - lo[j]!) * inv[j]!;
      // NaN for a missing value or a constant feature
      if (!(r === r)) continue;
      // r ≥ 0 (v ≥ lo); truncation gives ⌈r⌉ − 1 but at whole r, where the correction below takes one step
      let b = r | 0;
      if (b > nCuts) b = nCuts;
      const cb = j * nCuts;
      while (b > 0 && v <= cuts[cb + b - 1]!) b--;
      while (b < nCuts && v > cuts[cb + b]!) b++;
      hist[(j * B + b) * K + yi]! += wi;
    }
  }
}

interface AdaSplit {
  gain: number;
  feature: number;
  threshold: number;
  missingLeft: boolean;
}

/** The cut that most lowers the weighted Gini impurity (undefined when none gains or keeps minW on both sides). */
function bestAdaSplit(p: number, K: number, nCuts: number, W: number, minW: number, s: AdaScratch): AdaSplit | undefined {
  const { lo, hi, hist, miss, hasMissing, cuts, L, tot } = s;
  const B = nCuts + 1;
  const parent = impurity(tot, 0, K);
  let best: AdaSplit | undefined;
  let bestGain = 0;
  for (let j = 0; j < p; j++) {
    if (!(hi[j]! > lo[j]!)) continue;
    const anyMissing = hasMissing[j] === 1;
    L.fill(0);
    let WL = 0;
    for (let c = 0; c < nCuts; c++) {
      for (let k = 0; k < K; k++) {
        const v = hist[(j * B + c) * K + k]!;
        L[k]! += v;
        WL += v;
      }
      for (let side = 0; side < (anyMissing ? 2 : 1); side++) {
        // side 0: missing values right; side 1: left
        let wl = WL, sl = 0, sr = 0;
        for (let k = 0; k < K; k++) {
          const m = side === 1 ? miss[j * K + k]! : 0;
          const l = L[k]! + m;
          wl += m;
          const r = tot[k]! - l;
          sl += l * l;
          sr += r * r;
        }
        const wr = W - wl;
        if (!(wl >= minW) || !(wr >= minW)) continue;
        const gain = parent - (wl - sl / wl) - (wr - sr / wr);
        if (gain > bestGain) {
          bestGain = gain;
          best = { gain, feature: j, threshold: cuts[j * nCuts + c]!, missingLeft: anyMissing ? side === 1 : wl >= wr };
        }
      }
    }
  }
  return best;
}

/** Weighted class totals of rows[start, end) into tot; returns their sum. */
function classTotals(y: Int32Array, w: Float64Array, rows: Int32Array, start: number, end: number, tot: Float64Array): number {
  tot.fill(0);
  for (let q = start; q < end; q++) tot[y[rows[q]!]!]! += w[rows[q]!]!;
  let W = 0;
  for (let k = 0; k < tot.length; k++) W += tot[k]!;
  return W;
}

/** Stable partition of rows[start, end) by x_f ≤ t (missing values by ml); returns the end of the left part. */
function partitionAda(X: Float64Array, p: number, rows: Int32Array, scratch: Int32Array, start: number, end: number, f: number, t: number, ml: boolean): number {
  let l = start, r = 0;
  for (let q = start; q < end; q++) {
    const i = rows[q]!;
    const v = X[i * p + f]!;
    if (v <= t || (v !== v && ml)) rows[l++] = i;
    else scratch[r++] = i;
  }
  rows.set(scratch.subarray(0, r), l);
  return l;
}

/**
 * One tree, depth first. Its nodes are visited by a method, not a closure made per tree: V8 keeps one closure's type
 * feedback per closure, and a fresh closure per tree was compiled without any and thrown back to the interpreter
 * thousands of times a fit.
 */
class AdaTreeGrower {
  readonly tb: TreeBuilder;
  readonly leaves: [number, number, number][] = [];

  constructor(
    readonly a: AdaTreeInput,
    readonly s: AdaScratch,
  ) {
    this.tb = new TreeBuilder(a.K, 2 ** (a.maxDepth + 1));
  }

  visit(node: number, start: number, end: number, depth: number): void {
    const { a, s, tb } = this;
    const K = a.K;
    const tot = s.tot;
    const W = classTotals(a.y, a.w, a.rows, start, end, tot);
    tb.value.set(tot, node * K);
    let pure = true;
    for (let k = 0; k < K; k++) if (tot[k] !== 0 && tot[k] !== W) pure = false;
    if (depth >= a.maxDepth || !(W >= 2 * a.minW) || pure || end - start < 2) {
      this.leaves.push([node, start, end]);
      return;
    }
    nodeRanges(a.X, a.p, a.y, a.w, K, a.rows, start, end, s);
    cutHistograms(a.X, a.p, a.y, a.w, K, a.rows, start, end, a.nCuts, s);
    const best = bestAdaSplit(a.p, K, a.nCuts, W, a.minW, s);
    if (!best) {
      this.leaves.push([node, start, end]);
      return;
    }
    const l = partitionAda(a.X, a.p, a.rows, a.scratch, start, end, best.feature, best.threshold, best.missingLeft);
    const [ln, rn] = tb.split(node, best.feature, best.threshold, best.missingLeft, best.gain);
    tb.value.fill(0, node * K, node * K + K);
    this.visit(ln, start, l, depth + 1);
    this.visit(rn, l, end, depth + 1);
  }
}

function growAdaTree(a: AdaTreeInput, n: number, s: AdaScratch): AdaTree {
  const g = new AdaTreeGrower(a, s);
  g.visit(g.tb.add(), 0, n, 0);
  return { builder: g.tb, leaves: g.leaves };
}

/**
 * AdaBoost with shallow decision trees, the BDT of ROOT's TMVA (BoostType=AdaBoost, or RealAdaBoost) with its
 * defaults (800 trees of depth 3, leaves of at least 2.5 % of the weight, 20 cut values per feature, β = 0.5), and
 * for K classes the SAMME and SAMME.R algorithms (Zhu et al. 2009) that reduce to them for two classes.
 *
 * discrete: each tree votes for the majority class of its leaf; its error ε is the weighted fraction of training
 *   rows it gets wrong, its weight α = β·(ln((1 − ε)/ε) + ln(K − 1)), and the rows it gets wrong have their
 *   weights multiplied by e^α (TMVA's boost factor ((1 − ε)/ε)^β for two classes); the weights are renormalised.
 *   A row with a negative weight is scaled by the same factor (TMVA's default, InverseBoostNegWeights off), so that
 *   the negative rows keep cancelling the positive rows they were generated against.
 *   The response d_k(x) = Σ_t α_t [tree t votes k] / Σ_t α_t; for two classes d = d_1 − d_0 ∈ [−1, 1], TMVA's BDT
 *   output. A tree with ε = 0 ends the boosting (it is kept); one no better than chance (ε ≥ 1 − 1/K) ends it too
 *   (dropped, unless it is the first).
 * real: each leaf gives class log-probabilities h_k = (K − 1)(log p_k − mean_j log p_j) from its weighted class
 *   fractions p; the weights are multiplied by exp(−β (K − 1)/K Σ_k c_k log p_k(x)) with c the class coding
 *   (1 for the true class, −1/(K − 1) otherwise); the response is the mean of the trees' h.
 *
 * Probabilities are softmax(d/(K − 1)) (two classes: σ(d)), as scikit-learn's AdaBoostClassifier: a monotone map of
 * TMVA's output, not a calibrated probability. The trees' leaves store the final contributions (already divided by
 * Σα or the number of trees), so the ensemble is the same TreeEnsemble the gradient-boosted trees predict and export
 * with.
 */
export class AdaBoostClassifier extends TreeEnsembleClassifier {
  readonly kind = 'adaboost';
  protected readonly label = NAME;
  readonly options: ResolvedAdaBoostOptions;

  constructor(options: AdaBoostOptions = {}) {
    super();
    this.options = resolveAdaOptions(options);
  }

  /** Total split gain (decrease of the weighted Gini impurity, at the boosted weights) and number of splits per feature, normalised. */
  override get featureImportance(): FeatureImportance {
    return super.featureImportance;
  }

  fit(X: DenseMatrix, y: Int32Array, options: FitOptions = {}): this {
    checkNotCancelled(options, this.kind);
    const K = checkXy(X, y, NAME, 2, { allowMissing: true });
    checkNoInfinity(X, NAME);
    const n = X.rows, p = X.cols;
    checkWeights(options.weights, n, NAME, true, this.options.negativeWeights === 'keep');
    const o = this.options;
    const D = outputsOf(K);
    const cancel: Cancellation = fitCancellation(options, this.kind);
    const nodes = 2 ** (o.maxDepth + 1) - 1;
    checkMemory(
      NAME,
      [
        ['trees', o.nEstimators * nodes * (K + 6) * 8],
        ['row weights and order', doubles(2 * n) + ints(2 * n)],
        // per feature: its cut histogram ((nCuts + 1)·K), missing totals (K), range (3) and cuts (nCuts)
        ['cut histograms', doubles(p * ((o.nCuts + 2) * K + o.nCuts + 3))],
      ],
      (nm) => `use fewer ${nm.option('nEstimators')} (now ${o.nEstimators}) or a smaller ${nm.option('maxDepth')} (now ${o.maxDepth})`,
      { option: 'nEstimators' },
    );

    let rowsIdx: Int32Array = Int32Array.from({ length: n }, (_, i) => i);
    let w0: Float64Array = new Float64Array(n).fill(1);
    let weightsReport: WeightsReport | undefined;
    if (options.weights) {
      const r = applyNegativeWeights(o.negativeWeights, X.data, p, y, options.weights, cancel);
      weightsReport = r.report;
      rowsIdx = r.rows;
      w0 = Float64Array.from(r.rows, (i) => r.w[i]!);
    }
    const nT = rowsIdx.length;
    const Xt = nT === n ? X.data : takeRows(X, rowsIdx).data;
    const yt = nT === n ? y : Int32Array.from(rowsIdx, (i) => y[i]!);
    let total = 0;
    for (let i = 0; i < nT; i++) total += w0[i]!;
    if (!(total > 0) && options.weights && o.negativeWeights !== 'keep' && (weightsReport?.negativeRows ?? 0) > 0 && !w0.some((v) => v > 0))
      throw new DiscernError(
        'DATA_INVALID',
        (nm) => `${NAME}: ${nm.option('negativeWeights')}: ${o.negativeWeights} leaves no event with positive weight (${nm.weights('the event weights')} of the ${n} training rows sum to ${options.weights!.reduce((a, b) => a + b, 0)}); nothing is left to train on`,
        { estimator: NAME, total, option: 'negativeWeights' },
      );
    if (!(total > 0))
      throw new DiscernError('DATA_INVALID', (nm) => `${NAME}: ${nm.weights('the event weights of the training rows')} sum to ${total} (after ${nm.option('negativeWeights')} '${o.negativeWeights}'); they must sum to a positive number`, {
        estimator: NAME,
        total,
        option: 'negativeWeights',
      });
    if (nT < 2) throw new DiscernError('TOO_FEW_SAMPLES', `${NAME} needs at least 2 training rows, got ${nT}`, { estimator: NAME, rows: nT, minSamples: 2 });
    const w = Float64Array.from(w0, (v) => v / total);

    const rows = new Int32Array(nT);
    const scratch = new Int32Array(nT);
    const pred = new Int32Array(nT);
    const trees: Tree[] = [];
    const alphas: number[] = [];
    const errors: number[] = [];
    let reason = 'n_estimators';
    const lp = new Float64Array(K);
    const adaScratch = new AdaScratch(p, K, o.nCuts);
    for (let t = 1; t <= o.nEstimators; t++) {
      checkpoint(cancel, () => `boosting tree ${t} of ${o.nEstimators}`);
      let sw = 0;
      for (let i = 0; i < nT; i++) sw += w[i]!;
      if (!(sw > 0)) {
        reason = 'weights';
        break;
      }
      for (let i = 0; i < nT; i++) rows[i] = i;
      const { builder, leaves } = growAdaTree({ X: Xt, p, y: yt, K, w, rows, scratch, maxDepth: o.maxDepth, nCuts: o.nCuts, minW: o.minNodeSize * sw }, nT, adaScratch);
      const val = builder.value;
      if (o.algorithm === 'discrete') {
        // each leaf votes for its majority class
        let miss = 0;
        for (const [node, s, e] of leaves) {
          let c = 0;
          for (let k = 1; k < K; k++) if (val[node * K + k]! > val[node * K + c]!) c = k;
          for (let q = s; q < e; q++) {
            pred[rows[q]!] = c;
            if (yt[rows[q]!] !== c) miss += w[rows[q]!]!;
          }
          val.fill(0, node * K, node * K + K);
          val[node * K + c] = 1;
        }
        const err = miss / sw;
        if (!(err < 1 - 1 / K) && t > 1) {
          reason = 'no_better_than_chance';
          break;
        }
        const alpha = err <= 0 ? 1 : err >= 1 - 1 / K ? 1 : o.beta * (Math.log((1 - err) / err) + Math.log(K - 1));
        trees.push(builder.finish());
        alphas.push(alpha);
        errors.push(err);
        if (err <= 0 || err >= 1 - 1 / K) {
          reason = err <= 0 ? 'perfect_fit' : 'no_better_than_chance';
          options.onProgress?.({ phase: 'iteration', step: t, total: o.nEstimators, value: err });
          break;
        }
        const up = Math.exp(alpha);
        for (let i = 0; i < nT; i++) if (pred[i] !== yt[i]) w[i]! *= up;
      } else {
        // class log-probabilities per leaf, and the weight update from them
        let miss = 0;
        for (const [node, s, e] of leaves) {
          let W = 0;
          for (let k = 0; k < K; k++) W += Math.max(0, val[node * K + k]!);
          let mean = 0;
          for (let k = 0; k < K; k++) {
            const pk = W > 0 ? Math.max(0, val[node * K + k]!) / W : 1 / K;
            lp[k] = Math.log(Math.max(pk, PROBA_EPS));
            mean += lp[k]!;
          }
          mean /= K;
          let c = 0;
          for (let k = 1; k < K; k++) if (lp[k]! > lp[c]!) c = k;
          for (let k = 0; k < K; k++) val[node * K + k] = (K - 1) * (lp[k]! - mean);
          let sumLp = 0;
          for (let k = 0; k < K; k++) sumLp += lp[k]!;
          for (let q = s; q < e; q++) {
            const i = rows[q]!;
            if (yt[i] !== c) miss += w[i]!;
            // Σ_k c_k log p_k = log p_y − (Σ_{k≠y} log p_k)/(K − 1)
            const yl = lp[yt[i]!]!;
            const coded = yl - (sumLp - yl) / (K - 1);
            const e2 = -o.beta * ((K - 1) / K) * coded;
            w[i]! *= Math.exp(e2);
          }
        }
        trees.push(builder.finish());
        alphas.push(1);
        errors.push(miss / sw);
      }
      // renormalise to a total of 1
      let s2 = 0;
      for (let i = 0; i < nT; i++) s2 += w[i]!;
      if (s2 > 0) for (let i = 0; i < nT; i++) w[i]! /= s2;
      options.onProgress?.({ phase: 'iteration', step: t, total: o.nEstimators, value: errors[errors.length - 1]! });
    }
    if (trees.length === 0) throw new DiscernError('FIT_DIVERGED', `${NAME}: no tree could be fitted (the training weights sum to zero)`, { estimator: NAME });

    // the leaves' final contributions: votes scaled by α/Σα (discrete) or h/T (real), divided by K − 1, and for two
    // classes the difference of class 1's and class 0's (σ(F1 − F0) = softmax([F0, F1])_1)
    let A = 0;
    for (const a of alphas) A += a;
    const scale = o.algorithm === 'discrete' ? (t: number) => alphas[t]! / A : () => 1 / trees.length;
    const finalTrees: Tree[] = trees.map((tree, t) => {
      const m = tree.feature.length;
      const value = new Float64Array(m * D);
      const s = scale(t) / (K - 1);
      for (let i = 0; i < m; i++) {
        if (tree.feature[i]! >= 0) continue;
        if (D === 1) value[i] = s * (tree.value[i * K + 1]! - tree.value[i * K]!);
        else for (let k = 0; k < K; k++) value[i * K + k] = s * tree.value[i * K + k]!;
      }
      return { ...tree, value };
    });
    const ensemble: TreeEnsemble = { nFeatures: p, nClasses: K, outputs: D, baseline: new Float64Array(D), trees: finalTrees, width: D };
    const importance = featureImportance(ensemble);
    const report: FitReport = {
      iterations: finalTrees.length,
      converged: true,
      reason,
      history: errors,
      historyLabel: 'weighted training error of each tree (at its boosted weights)',
      details: {
        boostWeights: alphas,
        algorithm: o.algorithm,
        trainingRows: nT,
        featureImportance: { gain: importance.gain, splits: importance.splits },
        ...(weightsReport ? { negativeWeights: weightsReport } : {}),
      },
    };
    this.commit(ensemble, report);
    return this;
  }

  toJSON(): AdaBoostJSON {
    const e = this.ensemble;
    return {
      kind: 'adaboost',
      version: JSON_VERSION,
      nClasses: e.nClasses,
      nFeatures: e.nFeatures,
      options: { ...this.options },
      trees: this.treesJSON(),
      fitReport: this.fitReportJSON(),
    };
  }

  static fromJSON(json: unknown, source?: ModelSource): AdaBoostClassifier {
    const r = ModelReader.of(json, source).kind('adaboost').version();
    const K = r.get('nClasses').int(2);
    const p = r.get('nFeatures').int(1);
    const or = r.get('options');
    const m = or.construct(() => new AdaBoostClassifier(or.object() as AdaBoostOptions));
    const D = outputsOf(K);
    const count = r.get('trees').items().length;
    if (count < 1 || count > m.options.nEstimators) r.get('trees').fail(`an array of 1 to ${m.options.nEstimators} trees (options.nEstimators)`);
    const trees = treesFromJSON(r.get('trees'), count, p, D, 2 ** (m.options.maxDepth + 1) - 1);
    m.commit({ nFeatures: p, nClasses: K, outputs: D, baseline: new Float64Array(D), trees, width: D }, TreeEnsembleClassifier.readFitReport(r));
    return m;
  }
}

export interface AdaBoostJSON extends ModelJSON {
  readonly kind: 'adaboost';
  readonly version: number;
  readonly nClasses: number;
  readonly nFeatures: number;
  readonly options: ResolvedAdaBoostOptions;
  /** Each leaf holds its contribution to the response (1 number for two classes, K otherwise). */
  readonly trees: TreeJSON[];
  readonly fitReport: FitReport | null;
}
