import { type DenseMatrix, createRng, takeRows } from '@discern/linalg';
import { DiscernError, SyncWorkerPool, defaultThreads } from '@discern/core';
import { checkNotCancelled, checkpoint, fitCancellation, fitThreads } from '../cancel.js';
import { type FitOptions, type FitReport, type ModelJSON, type ValidationSet } from '../estimator.js';
import { ModelReader, type ModelSource } from '../model-json.js';
import { stratifiedHoldout } from '../holdout.js';
import { type MemoryPart, checkMemory, doubles, ints } from '../resources.js';
import { checkWeights, checkXy } from '../validate.js';
import { TreeEnsembleClassifier } from './classifier.js';
import { type BinMapping, binMapping, binRows, binningPositions } from './binning.js';
import { type TreeEnsemble, checkNoInfinity, featureImportance, outputsOf, treesFromJSON } from './ensemble.js';
import { type GrowOptions, SPARSE_ROWS, binnedLeaf, growTree, serveFit } from './grower.js';
import { CHUNK_ROWS, countBins } from './histogram.js';
import { baselineScores, binaryGradients, lossSum, multinomialGradients, sumTerms } from './losses.js';
import { Team, withTeam } from '../team.js';
import { BINNING, GRADIENTS, G_ROWS, Local, createWorkspace, itemRunner, type Workspace } from './work.js';
import { HGB_NAME, type HistGradientBoostingOptions, type ResolvedHistGradientBoostingOptions, resolveHgbOptions, resolveThreadsOption } from './options.js';
import { type Tree, type TreeJSON } from './tree.js';
import { type WeightsReport, applyNegativeWeights } from './weights.js';

const NAME = HGB_NAME;
const JSON_VERSION = 1;
/** 'auto' early stopping is on above this many rows (scikit-learn's rule). */
const AUTO_EARLY_STOPPING_ROWS = 10_000;

/** scikit-learn's _should_stop on losses: stop when none of the last nIterNoChange losses is below the one before them − tol. */
function shouldStop(losses: readonly number[], nIterNoChange: number, tol: number): boolean {
  const ref = nIterNoChange + 1;
  if (losses.length < ref) return false;
  const reference = losses[losses.length - ref]! - tol;
  for (let k = losses.length - ref + 1; k < losses.length; k++) if (losses[k]! < reference) return false;
  return true;
}

/** The largest number of nodes a tree of these options can have (a saved model's trees are checked against it). */
function maxNodes(o: ResolvedHistGradientBoostingOptions): number {
  if (o.maxLeafNodes !== null) return 2 * o.maxLeafNodes - 1;
  if (o.maxDepth !== null && o.maxDepth < 30) return 2 ** (o.maxDepth + 1) - 1;
  return 2 ** 31 - 1;
}

function checkValidation(v: ValidationSet, p: number, K: number): void {
  const bad = (message: string, extra: Record<string, unknown> = {}) => new DiscernError('INVALID_ARGUMENT', `${NAME}: the validation set ${message}`, { estimator: NAME, option: 'validation', ...extra });
  if (v.X.cols !== p) throw bad(`has ${v.X.cols} features; the training rows have ${p}`);
  if (v.X.rows < 1) throw bad('has no rows');
  if (v.y.length !== v.X.rows) throw bad(`has ${v.X.rows} rows of features but ${v.y.length} labels`);
  for (let i = 0; i < v.y.length; i++)
    if (!(v.y[i]! >= 0 && v.y[i]! < K)) throw new DiscernError('LABEL_INVALID', `${NAME}: row ${i} of the validation set has class index ${v.y[i]}; the training data has classes 0..${K - 1}`, { estimator: NAME, option: 'validation', row: i });
  checkNoInfinity(v.X, `${NAME} validation`);
  if (v.weights) checkWeights(v.weights, v.X.rows, `${NAME} validation`, true);
}

/** The most leaves a tree of these options can have on n rows (every leaf holds minSamplesLeaf rows or more). */
function maxLeaves(o: ResolvedHistGradientBoostingOptions, n: number): number {
  return Math.max(1, Math.min(o.maxLeafNodes ?? Infinity, o.maxDepth !== null && o.maxDepth < 30 ? 2 ** o.maxDepth : Infinity, Math.floor(n / o.minSamplesLeaf)));
}

/**
 * Histogram slots a fit needs: one per leaf of the tree being grown, one for each child of the node being split, and
 * one for the smaller child of the node a helper splits ahead of time (see grower.ts).
 */
function histogramSlots(o: ResolvedHistGradientBoostingOptions, n: number): number {
  return Math.min(maxLeaves(o, n), n) + 3;
}

/** What the fit allocates (see resources.ts); `copy`: the training rows are copied for the helper threads to bin. */
function fitMemory(o: ResolvedHistGradientBoostingOptions, n: number, p: number, K: number, nVal: number, copy: boolean): MemoryPart[] {
  const D = outputsOf(K);
  const NB = o.maxBins + 1;
  const hist = doubles(p * NB * 3);
  const nodes = Math.min(2 * maxLeaves(o, n), 2 * n);
  return [
    ['binned training rows (by row and by feature)', 2 * n * p],
    ['gradients, hessians and loss terms', doubles((2 * D + 1) * n)],
    ['raw scores', doubles(D * (n + nVal))],
    ['row order, labels and weights', ints(3 * n) + doubles(n)],
    ['node histograms', hist * histogramSlots(o, n)],
    ['partial histograms of large nodes', n > CHUNK_ROWS ? hist * Math.ceil(n / CHUNK_ROWS) : 0],
    ['binned validation rows', nVal * p],
    ['trees', o.maxIter * D * nodes * 41],
    ['training rows, copied for the helper threads to bin', copy ? doubles(n * p) : 0],
  ];
}

/**
 * Helper threads bin the features (one job item each) when the training rows fit in a copy of at most this many
 * values in shared memory (64 MB); larger ones are binned on the calling thread, without the copy.
 */
const SHARED_BINNING_VALUES = 2 ** 23;

/**
 * The bins of the training rows X[trainRows] into ws.bins and ws.binsByFeature, with the thresholds made from the
 * rows at `positions` of trainRows: as BINNING items on the team (from a copy of the rows in ws.X), or here.
 */
function binTraining(team: Team, ws: Workspace, X: Float64Array, trainRows: Int32Array, positions: Int32Array, maxBins: number): BinMapping {
  const { p, n } = ws;
  if (ws.X.length > 0) {
    for (let k = 0; k < n; k++) ws.X.set(X.subarray(trainRows[k]! * p, (trainRows[k]! + 1) * p), k * p);
    ws.use.set(positions);
    identity(ws.rows, n);
    team.run(BINNING, p, true);
    const thresholds = Array.from({ length: p }, (_, j) => ws.thresholds.slice(j * maxBins, j * maxBins + ws.nBins[j]! - 1));
    return { nBins: ws.nBins, thresholds, hasMissing: ws.hasMissing, missingBin: maxBins };
  }
  const mapping = binMapping(X, p, trainRows, positions, maxBins);
  binRows(X, p, trainRows, mapping, ws.bins);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) ws.binsByFeature[j * n + i] = ws.bins[i * p + j]!;
  ws.nBins.set(mapping.nBins);
  ws.hasMissing.set(mapping.hasMissing);
  return mapping;
}

/** Rows of a block of the gradient pass on several threads (see gradients in fit). */
const GRADIENT_ROWS = 2048;

/** The worker module of the fit's helper threads. */
const WORKER = new URL(import.meta.url.endsWith('.ts') ? './hist-worker.ts' : './hist-worker.js', import.meta.url);

/**
 * Gradient-boosted decision trees on histograms, scikit-learn's HistGradientBoostingClassifier (and LightGBM's
 * method): features binned into at most maxBins quantile bins on the training rows (missing values into a bin of
 * their own, sent left or right at each split by whichever the training gain prefers); binary log-loss or the K-class
 * softmax loss (one tree per class and iteration); trees grown best-first on gradient and hessian histograms (see
 * grower.ts); optional row and feature subsampling per tree, early stopping on a held-out validation loss, event
 * weights (negative ones by `negativeWeights`), and threads that never change a result.
 */
export class HistGradientBoostingClassifier extends TreeEnsembleClassifier {
  readonly kind = 'bdt';
  protected readonly label = NAME;
  readonly options: ResolvedHistGradientBoostingOptions;
  private readonly threadsOption: number | undefined;

  constructor(options: HistGradientBoostingOptions = {}) {
    super();
    this.options = resolveHgbOptions(options);
    this.threadsOption = resolveThreadsOption(NAME, options);
  }

  /** Threads for the histograms (see HistGradientBoostingOptions.threads; the default is read at fit time). */
  get threads(): number {
    return this.threadsOption ?? defaultThreads();
  }

  /** Boosting iterations kept (trees = iterations × (1 for two classes, K otherwise)). */
  get nIter(): number {
    const e = this.ensemble;
    return e.trees.length / e.outputs;
  }

  fit(X: DenseMatrix, y: Int32Array, options: FitOptions = {}): this {
    checkNotCancelled(options, this.kind);
    const K = checkXy(X, y, NAME, 2, { allowMissing: true });
    checkNoInfinity(X, NAME);
    const threads = fitThreads(options, this.threadsOption, NAME);
    const n = X.rows, p = X.cols;
    const o = this.options;
    checkWeights(options.weights, n, NAME, true, o.negativeWeights === 'keep');
    const D = outputsOf(K);
    const rng = createRng(o.seed);
    const cancel = fitCancellation(options, this.kind);

    // early stopping: on the validation set given, or on a stratified fraction of the rows
    // a validation set given to fit turns early stopping on unless it is off (false)
    const given = o.earlyStopping !== false ? options.validation : undefined;
    if (given) checkValidation(given, p, K);
    const early = given ? true : o.earlyStopping === 'auto' ? n > AUTO_EARLY_STOPPING_ROWS : o.earlyStopping;
    let fitRows: Int32Array;
    let heldOut: Int32Array | undefined;
    if (early && !given) [fitRows, heldOut] = stratifiedHoldout(y, K, o.validationFraction, rng.fork('validation'), NAME);
    else fitRows = Int32Array.from({ length: n }, (_, i) => i);

    // the training rows after the negative-weight policy
    const wIn = options.weights;
    const wFit = new Float64Array(fitRows.length);
    for (let k = 0; k < fitRows.length; k++) wFit[k] = wIn ? wIn[fitRows[k]!]! : 1;
    let weightsReport: WeightsReport | undefined;
    let trainRows = fitRows;
    let wTrain = wFit;
    if (wIn) {
      const yFit = new Int32Array(fitRows.length);
      for (let k = 0; k < fitRows.length; k++) yFit[k] = y[fitRows[k]!]!;
      const XFit = o.negativeWeights === 'pair' ? takeRows(X, fitRows).data : X.data;
      const r = applyNegativeWeights(o.negativeWeights, XFit, p, yFit, wFit, cancel);
      weightsReport = r.report;
      trainRows = new Int32Array(r.rows.length);
      wTrain = new Float64Array(r.rows.length);
      for (let k = 0; k < r.rows.length; k++) {
        trainRows[k] = fitRows[r.rows[k]!]!;
        wTrain[k] = r.w[r.rows[k]!]!;
      }
      let total = 0;
      for (let k = 0; k < wTrain.length; k++) total += wTrain[k]!;
      if (!(total > 0) && o.negativeWeights !== 'keep' && (weightsReport?.negativeRows ?? 0) > 0 && !wTrain.some((v) => v > 0))
        throw new DiscernError(
          'DATA_INVALID',
          (nm) => `${NAME}: ${nm.option('negativeWeights')}: ${o.negativeWeights} leaves no event with positive weight (${nm.weights('the event weights')} of the ${fitRows.length} training rows${heldOut ? ` once the ${nm.option('validationFraction')} is held out` : ''} sum to ${wFit.reduce((a, b) => a + b, 0)}); nothing is left to train on`,
          { estimator: NAME, total, option: 'negativeWeights' },
        );
      if (!(total > 0))
        throw new DiscernError(
          'DATA_INVALID',
          (nm) => `${NAME}: ${nm.weights('the event weights of the training rows')} sum to ${total}${heldOut ? ` once the ${nm.option('validationFraction')} is held out` : ''} (after ${nm.option('negativeWeights')} '${o.negativeWeights}'); they must sum to a positive number`,
          { estimator: NAME, total, option: 'negativeWeights' },
        );
    }
    const nT = trainRows.length;
    if (nT < 2) throw new DiscernError('TOO_FEW_SAMPLES', `${NAME} needs at least 2 training rows, got ${nT}`, { estimator: NAME, rows: nT, minSamples: 2 });
    const yT = new Int32Array(nT);
    for (let k = 0; k < nT; k++) yT[k] = y[trainRows[k]!]!;

    // validation rows: labels, weights (as given: the loss is a judgement, negative weights included)
    let Xv: Float64Array | undefined, yv: Int32Array | undefined, wv: Float64Array | undefined, nV = 0;
    if (given) {
      Xv = given.X.data;
      yv = given.y;
      wv = given.weights;
      nV = given.X.rows;
    } else if (heldOut) {
      nV = heldOut.length;
      Xv = takeRows(X, heldOut).data;
      yv = new Int32Array(nV);
      for (let k = 0; k < nV; k++) yv[k] = y[heldOut[k]!]!;
      if (wIn) {
        wv = new Float64Array(nV);
        for (let k = 0; k < nV; k++) wv[k] = wIn[heldOut[k]!]!;
      }
    }
    let wvTotal = nV;
    if (wv) {
      wvTotal = 0;
      for (let k = 0; k < nV; k++) wvTotal += wv[k]!;
      if (!(wvTotal > 0))
        throw new DiscernError('DATA_INVALID', (nm) => `${NAME}: the event weights of the validation rows sum to ${wvTotal}; ${nm.option('earlyStopping')} needs a positive validation weight`, { estimator: NAME, total: wvTotal, option: 'earlyStopping' });
    }

    const NB = o.maxBins + 1;
    const pool = threads > 1 ? SyncWorkerPool.shared(WORKER, threads - 1) : undefined;
    const shareBinning = pool !== undefined && nT * p <= SHARED_BINNING_VALUES;
    checkMemory(NAME, fitMemory(o, nT, p, K, nV, shareBinning), (nm) => `use fewer ${nm.option('maxIter')} (now ${o.maxIter}) or ${nm.option('maxLeafNodes')}, or fewer rows or features (${nT} × ${p})`, { option: 'maxIter' });
    const positions = binningPositions(nT, rng.fork('binning'));
    // the fit's arrays, over shared memory when helper threads take part (see work.ts)
    const slots = histogramSlots(o, nT);
    const ws = createWorkspace(
      { n: nT, p, NB, K, slots, binningRows: shareBinning ? nT : 0, binningUse: shareBinning ? positions.length : 0, minSamplesLeaf: o.minSamplesLeaf, minSumHessianInLeaf: o.minSumHessianInLeaf, l2: o.l2Regularization },
      pool !== undefined,
    );
    const { bins, rows, feats, F } = ws;
    ws.y.set(yT);
    ws.w.set(wTrain);

    let wSum = 0;
    for (let k = 0; k < nT; k++) wSum += wTrain[k]!;
    const baseline = baselineScores(yT, wTrain, Int32Array.from({ length: nT }, (_, i) => i), K);
    for (let i = 0; i < nT; i++) for (let d = 0; d < D; d++) F[i * D + d] = baseline[d]!;
    const Fv = new Float64Array(nV * D);
    for (let i = 0; i < nV; i++) for (let d = 0; d < D; d++) Fv[i * D + d] = baseline[d]!;

    const grow: GrowOptions = {
      maxLeafNodes: o.maxLeafNodes,
      maxDepth: o.maxDepth,
      minSamplesLeaf: o.minSamplesLeaf,
      minSumHessianInLeaf: o.minSumHessianInLeaf,
      l2: o.l2Regularization,
      learningRate: o.learningRate,
    };
    const freeSlots = Array.from({ length: slots }, (_, s) => slots - 1 - s);
    const rowRng = rng.fork('rows');
    const featRng = rng.fork('features');
    const nSample = o.subsample < 1 ? Math.max(1, Math.round(o.subsample * nT)) : nT;
    const nFeat = o.colsampleBytree < 1 ? Math.max(1, Math.round(o.colsampleBytree * p)) : p;

    const trees: Tree[] = [];
    const history: number[] = [];
    const validationLoss: number[] = [];
    let initialLoss = NaN, initialValidationLoss = NaN;
    if (nV > 0) initialValidationLoss = lossSum(Fv, yv!, wv, nV, K) / wvTotal;
    let iterations = 0;
    let stopped = false;
    const pk = new Float64Array(K);
    // Σ g and Σ h of every row, added by the gradient pass in row order (two classes): a root's without row subsampling
    const rootSums = new Float64Array(2);
    /** The gradients and hessians of the current scores, and Σ w ℓ: in one pass, or by blocks of rows on the team. */
    const gradients = (team: Team): number => {
      if (team.helpers === 0 || nT < 2 * GRADIENT_ROWS) return K === 2 ? binaryGradients(F, ws.y, ws.w, ws.g, ws.h, nT, rootSums) : multinomialGradients(F, ws.y, ws.w, ws.g, ws.h, nT, K, pk);
      // blocks of about GRADIENT_ROWS rows, a multiple of the threads (the calling thread claims the first block, so
      // with an odd one left over it would do one block more than a helper: MAGIC 7 blocks → 8, ~1.5 ms a fit); each
      // row's loss term in ws.terms, then added in row order: the one pass's bits
      const threads = team.helpers + 1;
      const blocks = threads * Math.ceil(nT / (threads * GRADIENT_ROWS));
      ws.channels[0].par[G_ROWS] = Math.ceil(nT / blocks);
      team.run(GRADIENTS, Math.ceil(nT / Math.ceil(nT / blocks)), true);
      return sumTerms(ws.terms, ws.w, ws.g, ws.h, nT, rootSums);
    };
    const boost = (team: Team): void => {
      // binning on the training rows
      const mapping = binTraining(team, ws, X.data, trainRows, positions, o.maxBins);
      const binsV = Xv ? binRows(Xv, p, Int32Array.from({ length: nV }, (_, i) => i), mapping) : undefined;
      if (nSample === nT) {
        identity(rows, nT);
        countBins(bins, p, NB, rows, nT, ws.counts);
      }
      for (let it = 1; it <= o.maxIter; it++) {
        checkpoint(cancel, () => `boosting iteration ${it} of ${o.maxIter}`);
        const loss = gradients(team) / wSum;
        if (it === 1) initialLoss = loss;
        else history.push(loss);
        // the iteration's rows (sorted, so the binned rows are read in order)
        let sample: Int32Array | undefined;
        if (nSample < nT) {
          sample = rowRng.choice(nT, nSample);
          sample.sort();
        }
        for (let k = 0; k < D; k++) {
          if (k > 0) checkpoint(cancel, () => `boosting iteration ${it} of ${o.maxIter} (class ${k})`);
          if (sample) rows.set(sample);
          else identity(rows, nT);
          if (nFeat < p) {
            const pick = featRng.choice(p, nFeat);
            pick.sort();
            feats.fill(-1);
            feats.set(pick);
          } else for (let j = 0; j < p; j++) feats[j] = j;
          const sums = K === 2 && !sample ? rootSums : undefined;
          const grown = growTree({ ws, team, mapping, gOff: k * nT, nRows: nSample, nFeats: nFeat, options: grow, slots: freeSlots, sparseRows: SPARSE_ROWS, allRows: !sample, rootSums: sums });
          const tree = grown.tree;
          trees.push(tree);
          const value = tree.value;
          if (!sample) for (const [leaf, s, e] of grown.leaves) addToRows(F, D, k, rows, s, e, value[leaf]!);
          else addBinned(F, D, k, nT, tree, grown.binThreshold, bins, p, mapping.missingBin);
          if (binsV) addBinned(Fv, D, k, nV, tree, grown.binThreshold, binsV, p, mapping.missingBin);
        }
        iterations = it;
        if (nV > 0) validationLoss.push(lossSum(Fv, yv!, wv, nV, K) / wvTotal);
        options.onProgress?.({ phase: 'iteration', step: it, total: o.maxIter, value: nV > 0 ? validationLoss[validationLoss.length - 1]! : loss });
        if (early && shouldStop([initialValidationLoss, ...validationLoss], o.nIterNoChange, o.tol)) {
          stopped = true;
          break;
        }
      }
    };
    runTeam(ws, pool, threads - 1, boost);
    history.push(lossSum(F, yT, wTrain, nT, K) / wSum);

    const ensemble: TreeEnsemble = { nFeatures: p, nClasses: K, outputs: D, baseline, trees, width: 1 };
    let best = 0;
    for (let t = 1; t < validationLoss.length; t++) if (validationLoss[t]! < validationLoss[best]!) best = t;
    const importance = featureImportance(ensemble);
    let leaves = 0;
    for (const t of trees) for (let i = 0; i < t.feature.length; i++) if (t.feature[i]! < 0) leaves++;
    const report: FitReport = {
      iterations,
      converged: true,
      reason: stopped ? 'early_stopping' : 'n_estimators',
      history,
      historyLabel: `${K === 2 ? 'log loss' : 'multinomial log loss'} (weighted mean per training event) after each iteration`,
      details: {
        initialLoss,
        validationLoss,
        ...(nV > 0 ? { initialValidationLoss, bestIteration: best + 1 } : {}),
        earlyStopping: early ? (given ? 'validation set' : 'validation fraction') : 'off',
        ...(early ? { nIterNoChange: o.nIterNoChange, tol: o.tol } : {}),
        stoppedEarly: stopped,
        trainingRows: nT,
        validationRows: nV,
        trees: trees.length,
        meanLeaves: trees.length > 0 ? leaves / trees.length : 0,
        featureImportance: { gain: importance.gain, splits: importance.splits },
        ...(weightsReport ? { negativeWeights: weightsReport } : {}),
      },
    };
    this.commit(ensemble, report);
    return this;
  }

  toJSON(): HistGradientBoostingJSON {
    const e = this.ensemble;
    return {
      kind: 'bdt',
      version: JSON_VERSION,
      nClasses: e.nClasses,
      nFeatures: e.nFeatures,
      options: { ...this.options },
      baseline: Array.from(e.baseline),
      nIter: this.nIter,
      trees: this.treesJSON(),
      fitReport: this.fitReportJSON(),
    };
  }

  /** Rebuilds a fitted model from toJSON()'s output, checked as loadEstimator does (MODEL_INVALID naming the field). */
  static fromJSON(json: unknown, source?: ModelSource): HistGradientBoostingClassifier {
    const r = ModelReader.of(json, source).kind('bdt').version();
    const K = r.get('nClasses').int(2);
    const p = r.get('nFeatures').int(1);
    const or = r.get('options');
    const m = or.construct(() => new HistGradientBoostingClassifier(or.object() as HistGradientBoostingOptions));
    const D = outputsOf(K);
    const baseline = r.get('baseline').numbers([D]);
    const nIter = r.get('nIter').int(0, m.options.maxIter);
    const trees = treesFromJSON(r.get('trees'), nIter * D, p, 1, maxNodes(m.options));
    m.commit({ nFeatures: p, nClasses: K, outputs: D, baseline, trees, width: 1 }, TreeEnsembleClassifier.readFitReport(r));
    return m;
  }
}

export interface HistGradientBoostingJSON extends ModelJSON {
  readonly kind: 'bdt';
  readonly version: number;
  readonly nClasses: number;
  readonly nFeatures: number;
  readonly options: ResolvedHistGradientBoostingOptions;
  /** The starting raw scores (1 for two classes, K otherwise). */
  readonly baseline: number[];
  /** Boosting iterations: trees holds nIter × (1 or K) trees, iteration by iteration, class by class. */
  readonly nIter: number;
  readonly trees: TreeJSON[];
  readonly fitReport: FitReport | null;
}

/**
 * Runs `boost` with the fit's team: the calling thread and, when there is a pool, `helpers` worker threads serving
 * the workspace for the whole fit (see team.ts).
 */
function runTeam(ws: Workspace, pool: SyncWorkerPool | undefined, helpers: number, boost: (team: Team) => void): void {
  const run = itemRunner(ws, new Local(ws));
  if (!pool) return boost(new Team(ws.ctrl, run, 0));
  const team = new Team(ws.ctrl, run, helpers);
  withTeam(pool, team, { ws }, (task) => serveFit(task.ws), () => boost(team));
}

// The loops of each iteration, as small functions of their own (V8 optimises them apart from the long fit).

function identity(rows: Int32Array, n: number): void {
  for (let i = 0; i < n; i++) rows[i] = i;
}

/** F[i, k] += v for the rows rows[s, e) (a leaf's). */
function addToRows(F: Float64Array, D: number, k: number, rows: Int32Array, s: number, e: number, v: number): void {
  for (let q = s; q < e; q++) F[rows[q]! * D + k]! += v;
}

/** F[i, k] += the value of the leaf binned row i reaches, for i < n. */
function addBinned(F: Float64Array, D: number, k: number, n: number, tree: Tree, binThr: Int32Array, bins: Uint8Array, p: number, missingBin: number): void {
  const value = tree.value;
  for (let i = 0; i < n; i++) F[i * D + k]! += value[binnedLeaf(tree, binThr, bins, i * p, missingBin)]!;
}

