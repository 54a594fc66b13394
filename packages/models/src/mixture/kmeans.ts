import { type DenseMatrix, type Rng, createRng } from '@discern/linalg';
import { DiscernError } from '@discern/core';
import { type Cancellation, checkNotCancelled, checkpoint, fitCancellation } from '../cancel.js';
import { type FitOptions, type FitReport, type ModelJSON } from '../estimator.js';
import { checkMemory, doubles, ints } from '../resources.js';
import { checkPredictX, checkWeights, checkX, notFitted } from '../validate.js';
import { ModelReader, type ModelSource } from '../model-json.js';
import { bestRestart, intOption, matrixCopy, nest, numberOption, optionMatrix, weightsOrOnes } from './common.js';

const NAME = 'KMeans';

export interface KMeansOptions {
  /** Number of clusters (default 8, as scikit-learn). */
  readonly nClusters?: number;
  /** 'kmeans++' (default): greedy k-means++ seeding; 'random': k distinct rows; or explicit starting centers (then nInit is 1). */
  readonly init?: 'kmeans++' | 'random' | { readonly centers: readonly (readonly number[])[] };
  /** Restarts; the run with the lowest inertia is kept (default 10). */
  readonly nInit?: number;
  /** Lloyd iterations per restart (default 300). */
  readonly maxIter?: number;
  /** Stop when the squared center shift is ≤ tol × the mean feature variance (default 1e-4, as scikit-learn). */
  readonly tol?: number;
  readonly seed?: number;
}

export interface LloydResult {
  readonly centers: Float64Array;
  readonly labels: Int32Array;
  readonly inertia: number;
  readonly iterations: number;
  readonly converged: boolean;
  readonly reason: 'labels_stable' | 'tol' | 'max_iter';
  /** Weighted inertia against the centers of each iteration, before they are updated. */
  readonly history: number[];
}

function sqDist(X: Float64Array, i: number, C: Float64Array, k: number, p: number): number {
  let s = 0;
  const xo = i * p, co = k * p;
  for (let j = 0; j < p; j++) {
    const d = X[xo + j]! - C[co + j]!;
    s += d * d;
  }
  return s;
}

/** scikit-learn's tolerance: `tol` times the mean of the (unweighted, ddof 0) feature variances. */
export function absoluteTolerance(X: DenseMatrix, tol: number): number {
  const { rows: n, cols: p, data } = X;
  let total = 0;
  for (let j = 0; j < p; j++) {
    let m = 0;
    for (let i = 0; i < n; i++) m += data[i * p + j]!;
    m /= n;
    let v = 0;
    for (let i = 0; i < n; i++) {
      const d = data[i * p + j]! - m;
      v += d * d;
    }
    total += v / n;
  }
  return (total / p) * tol;
}

/**
 * Greedy k-means++ seeding (Arthur & Vassilvitskii 2007, with scikit-learn's 2 + ⌊ln k⌋ local trials per center: of
 * several candidates drawn ∝ w·D², keep the one that lowers the potential most). Returns the row indices chosen.
 */
export function kmeansPlusPlus(X: DenseMatrix, w: Float64Array, k: number, rng: Rng, cancel?: Cancellation): Int32Array {
  const { rows: n, cols: p, data } = X;
  const trials = 2 + Math.floor(Math.log(k));
  const chosen = new Int32Array(k);
  chosen[0] = rng.choice(n, 1, { weights: w })[0]!;
  const closest = new Float64Array(n);
  const cand = new Float64Array(n);
  const best = new Float64Array(n);
  const cum = new Float64Array(n);
  let pot = 0;
  for (let i = 0; i < n; i++) {
    closest[i] = sqDist(data, i, data, chosen[0]!, p);
    pot += w[i]! * closest[i]!;
  }
  for (let c = 1; c < k; c++) {
    checkpoint(cancel, 'k-means++ seeding');
    let acc = 0;
    for (let i = 0; i < n; i++) cum[i] = acc += w[i]! * closest[i]!;
    let bestPot = Infinity;
    let bestId = -1;
    for (let t = 0; t < trials; t++) {
      const r = rng.uniform() * pot;
      // first index with cum ≥ r (numpy's searchsorted, side 'left'), clipped to the last row
      let lo = 0, hi = n - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cum[mid]! < r) lo = mid + 1;
        else hi = mid;
      }
      let candPot = 0;
      for (let i = 0; i < n; i++) {
        const d = Math.min(closest[i]!, sqDist(data, i, data, lo, p));
        cand[i] = d;
        candPot += w[i]! * d;
      }
      if (candPot < bestPot) {
        bestPot = candPot;
        bestId = lo;
        best.set(cand);
      }
    }
    chosen[c] = bestId;
    closest.set(best);
    pot = bestPot;
  }
  return chosen;
}

/** Nearest center per row (first wins ties); returns the weighted inertia and fills labels/dist. */
function assign(data: Float64Array, w: Float64Array, n: number, p: number, C: Float64Array, k: number, labels: Int32Array, dist: Float64Array): number {
  let inertia = 0;
  for (let i = 0; i < n; i++) {
    let bd = Infinity, bk = 0;
    for (let c = 0; c < k; c++) {
      const d = sqDist(data, i, C, c, p);
      if (d < bd) {
        bd = d;
        bk = c;
      }
    }
    labels[i] = bk;
    dist[i] = bd;
    inertia += w[i]! * bd;
  }
  return inertia;
}

/**
 * Lloyd's algorithm from the given centers (updated in place), as scikit-learn's `_kmeans_single_lloyd`: stop when the
 * labels no longer change, or when the summed squared center shift is ≤ tolAbs; labels and inertia are then recomputed
 * against the final centers. An empty cluster is moved to the row farthest from its center.
 */
export function lloyd(X: DenseMatrix, w: Float64Array, centers: Float64Array, k: number, maxIter: number, tolAbs: number, cancel?: Cancellation): LloydResult {
  const { rows: n, cols: p, data } = X;
  const labels = new Int32Array(n);
  const old = new Int32Array(n).fill(-1);
  const dist = new Float64Array(n);
  const sums = new Float64Array(k * p);
  const wsum = new Float64Array(k);
  const history: number[] = [];
  let strict = false;
  let shiftOk = false;
  let it = 0;
  while (it < maxIter) {
    it++;
    checkpoint(cancel, () => `Lloyd iteration ${it}`);
    history.push(assign(data, w, n, p, centers, k, labels, dist));
    sums.fill(0);
    wsum.fill(0);
    for (let i = 0; i < n; i++) {
      const c = labels[i]!, wi = w[i]!;
      wsum[c]! += wi;
      for (let j = 0; j < p; j++) sums[c * p + j]! += wi * data[i * p + j]!;
    }
    relocateEmpty(data, w, n, p, k, labels, dist, sums, wsum);
    let shift = 0;
    for (let c = 0; c < k; c++) {
      if (!(wsum[c]! > 0)) continue; // no weight at all (every row weighted 0): the center stays
      for (let j = 0; j < p; j++) {
        const v = sums[c * p + j]! / wsum[c]!;
        const d = v - centers[c * p + j]!;
        shift += d * d;
        centers[c * p + j] = v;
      }
    }
    let same = true;
    for (let i = 0; i < n && same; i++) if (labels[i] !== old[i]) same = false;
    if (same) {
      strict = true;
      break;
    }
    if (shift <= tolAbs) {
      shiftOk = true;
      break;
    }
    old.set(labels);
  }
  const inertia = assign(data, w, n, p, centers, k, labels, dist);
  return { centers, labels, inertia, iterations: it, converged: strict || shiftOk, reason: strict ? 'labels_stable' : shiftOk ? 'tol' : 'max_iter', history };
}

function relocateEmpty(data: Float64Array, w: Float64Array, n: number, p: number, k: number, labels: Int32Array, dist: Float64Array, sums: Float64Array, wsum: Float64Array): void {
  const taken = new Set<number>();
  for (let c = 0; c < k; c++) {
    if (wsum[c]! !== 0) continue;
    // the farthest positively weighted row not yet moved, taken out of its cluster
    let far = -1, fd = -1;
    for (let i = 0; i < n; i++)
      if (w[i]! > 0 && dist[i]! > fd && !taken.has(i)) {
        fd = dist[i]!;
        far = i;
      }
    if (far < 0) return;
    taken.add(far);
    const from = labels[far]!, wi = w[far]!;
    for (let j = 0; j < p; j++) {
      sums[from * p + j]! -= wi * data[far * p + j]!;
      sums[c * p + j] = wi * data[far * p + j]!;
    }
    wsum[from]! -= wi;
    wsum[c] = wi;
    labels[far] = c;
    dist[far] = 0;
  }
}

/** k-means clustering (Lloyd) with k-means++ seeding and restarts; per-event weights as scikit-learn's sample_weight. */
export class KMeans {
  readonly kind = 'kmeans';
  readonly nClusters: number;
  readonly nInit: number;
  readonly maxIter: number;
  readonly tol: number;
  readonly seed: number;
  readonly init: NonNullable<KMeansOptions['init']>;
  private centers: Float64Array | undefined;
  private p = 0;
  private inertiaValue = Number.NaN;
  private report: FitReport | undefined;

  constructor(options: KMeansOptions = {}) {
    this.nClusters = intOption(options.nClusters, 8, 'nClusters', NAME, 1);
    this.init = options.init ?? 'kmeans++';
    if (typeof this.init === 'string' && this.init !== 'kmeans++' && this.init !== 'random')
      throw new DiscernError('INVALID_ARGUMENT', (n) => `${NAME}: ${n.option('init')} must be 'kmeans++', 'random' or { centers }, got ${JSON.stringify(this.init)}`, { estimator: NAME, option: 'init' });
    this.nInit = typeof this.init === 'object' ? 1 : intOption(options.nInit, 10, 'nInit', NAME, 1);
    this.maxIter = intOption(options.maxIter, 300, 'maxIter', NAME, 1);
    this.tol = numberOption(options.tol, 1e-4, 'tol', NAME, (v) => v >= 0, 'a number ≥ 0');
    this.seed = intOption(options.seed, 0, 'seed', NAME, -2147483648);
  }

  get nFeatures(): number {
    return this.p;
  }

  get fitReport(): FitReport | undefined {
    return this.report;
  }

  /** Weighted sum of squared distances of the training rows to their nearest center. */
  get inertia(): number {
    if (!this.centers) throw notFitted(NAME);
    return this.inertiaValue;
  }

  /** k × p matrix of centers. */
  get clusterCenters(): DenseMatrix {
    if (!this.centers) throw notFitted(NAME);
    return matrixCopy(this.nClusters, this.p, this.centers);
  }

  /** Weights must be non-negative (a negative weight would push a center away from its rows). */
  fit(X: DenseMatrix, options: FitOptions = {}): this {
    checkNotCancelled(options, this.kind);
    const k = this.nClusters;
    checkX(X, NAME, k);
    checkWeights(options.weights, X.rows, NAME);
    // centers of the best and the current restart with their sums, per-row labels and distances, k-means++'s arrays
    checkMemory(
      NAME,
      [
        ['centers', doubles(3 * k * X.cols + k)],
        ['per-row labels and distances', doubles(6 * X.rows) + ints(3 * X.rows)],
      ],
      (n) => `use fewer ${n.option('nClusters')} (now ${k})`,
      { option: 'nClusters' },
    );
    const w = weightsOrOnes(options.weights, X.rows);
    const tolAbs = absoluteTolerance(X, this.tol);
    const rng = createRng(this.seed);
    const p = X.cols;
    const run = (_r: number, cancel: Cancellation): LloydResult => lloyd(X, w, this.startCenters(X, w, rng, cancel), k, this.maxIter, tolAbs, cancel);
    const { best, bestInit, values: inertias } = bestRestart(this.nInit, options, fitCancellation(options, this.kind), run, (res) => res.inertia, 'min');
    this.centers = best.centers;
    this.p = p;
    this.inertiaValue = best.inertia;
    this.report = {
      iterations: best.iterations,
      converged: best.converged,
      reason: best.reason,
      history: best.history,
      historyLabel: 'weighted inertia before each center update',
      details: { bestInit, inertias, tolAbsolute: tolAbs },
    };
    return this;
  }

  private startCenters(X: DenseMatrix, w: Float64Array, rng: Rng, cancel: Cancellation): Float64Array {
    const k = this.nClusters, p = X.cols;
    if (typeof this.init === 'object') return optionMatrix(this.init.centers, k, p, 'init.centers', NAME);
    const idx = this.init === 'kmeans++' ? kmeansPlusPlus(X, w, k, rng, cancel) : rng.choice(X.rows, k);
    const c = new Float64Array(k * p);
    for (let j = 0; j < k; j++) c.set(X.data.subarray(idx[j]! * p, idx[j]! * p + p), j * p);
    return c;
  }

  /** Index of the nearest center per row. */
  predict(X: DenseMatrix): Int32Array {
    const C = this.fitted(X);
    const labels = new Int32Array(X.rows);
    assign(X.data, new Float64Array(X.rows).fill(1), X.rows, this.p, C, this.nClusters, labels, new Float64Array(X.rows));
    return labels;
  }

  /** n × k matrix of Euclidean distances to every center. */
  transform(X: DenseMatrix): DenseMatrix {
    const C = this.fitted(X);
    const k = this.nClusters;
    const out = new Float64Array(X.rows * k);
    for (let i = 0; i < X.rows; i++) for (let c = 0; c < k; c++) out[i * k + c] = Math.sqrt(sqDist(X.data, i, C, c, this.p));
    return { rows: X.rows, cols: k, data: out };
  }

  private fitted(X: DenseMatrix): Float64Array {
    if (!this.centers) throw notFitted(NAME);
    checkPredictX(X, this.p, NAME);
    return this.centers;
  }

  toJSON(): ModelJSON {
    if (!this.centers) throw notFitted(NAME);
    return {
      kind: this.kind,
      version: 1,
      nFeatures: this.p,
      nClusters: this.nClusters,
      clusterCenters: nest(this.centers, [this.nClusters, this.p]),
      inertia: this.inertiaValue,
      options: { nInit: this.nInit, maxIter: this.maxIter, tol: this.tol, seed: this.seed },
    };
  }

  /** Rebuilds a fitted model from `toJSON()` output, checked as loadEstimator does (MODEL_INVALID naming the field). */
  static fromJSON(json: unknown, source?: ModelSource): KMeans {
    const r = ModelReader.of(json, source).kind('kmeans').version();
    const p = r.get('nFeatures').int(1);
    const k = r.get('nClusters').int(1);
    const centers = r.get('clusterCenters').numbers([k, p]);
    const inertia = r.get('inertia').number({ min: 0 });
    const options = r.get('options');
    const opts = (options.value === undefined ? {} : options.object()) as KMeansOptions;
    const m = options.construct(() => new KMeans({ nClusters: k, nInit: opts.nInit ?? 10, maxIter: opts.maxIter ?? 300, tol: opts.tol ?? 1e-4, seed: opts.seed ?? 0 }));
    m.centers = centers;
    m.p = p;
    m.inertiaValue = inertia;
    return m;
  }
}
