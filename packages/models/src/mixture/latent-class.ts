import { type DenseMatrix } from '@discern/linalg';
import { DiscernError } from '@discern/core';
import { checkNotCancelled } from '../cancel.js';
import { type FitOptions, type ModelJSON } from '../estimator.js';
import { checkMemory } from '../resources.js';
import { checkPredictX, checkWeights, checkX, notFitted } from '../validate.js';
import { ModelReader, type ModelSource } from '../model-json.js';
import { intOption, optionMatrix } from './common.js';
import { type Blocks, DiscreteMixture, type DiscreteParams, type SparseRows, checkSimplex, discreteFitMemory, makeDiscreteParams } from './discrete-em.js';

const NAME = 'LatentClassModel';

/** Explicit starting parameters: class weights (K) and per class and feature the code probabilities (K × J × C_j). */
export interface LatentClassInit {
  readonly weights: readonly number[];
  readonly probabilities: readonly (readonly (readonly number[])[])[];
}

export interface LatentClassModelOptions {
  /** Number of latent classes K (default 1). */
  readonly nComponents?: number;
  /** Laplace smoothing added to every category count in the M-step (default 1; 0 = maximum likelihood). */
  readonly alpha?: number;
  /** Categories per feature; default: the largest code seen in fit + 1. */
  readonly nCategories?: readonly number[];
  /**
   * 'random' responsibilities (default), or explicit starting parameters: class weights (K) and, per class and
   * feature, the probabilities of codes 0..C_j−1 (K × J × C_j). Requires nCategories-compatible shapes.
   */
  readonly init?: 'random' | LatentClassInit;
  readonly nInit?: number;
  /** Stop when the mean log-likelihood changes by less than tol (default 1e-6). */
  readonly tol?: number;
  readonly maxIter?: number;
  readonly seed?: number;
}

function blocksOf(nCat: Int32Array): Blocks {
  const start = new Int32Array(nCat.length + 1);
  for (let j = 0; j < nCat.length; j++) start[j + 1] = start[j]! + nCat[j]!;
  const blockOf = new Int32Array(start[nCat.length]!);
  for (let j = 0; j < nCat.length; j++) blockOf.fill(j, start[j]!, start[j + 1]!);
  return { start, blockOf };
}

/** Checks codes (integers in 0..C_j−1, or NaN = missing) and stores each observed feature as one cell with count 1. */
function encode(X: DenseMatrix, nCat: Int32Array, start: Int32Array, where: string): SparseRows {
  const { rows: n, cols: J, data } = X;
  const rowPtr = new Int32Array(n + 1);
  const cells: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < J; j++) {
      const v = data[i * J + j]!;
      if (Number.isNaN(v)) continue;
      if (!Number.isInteger(v) || v < 0 || v >= nCat[j]!)
        throw new DiscernError('DATA_INVALID', (n) => `${where}: the value at ${n.row(i)}, ${n.feature(j)} is ${v}; ${n.feature(j)} takes integer category codes 0..${nCat[j]! - 1} (NaN marks a missing value)`, {
          row: i,
          feature: j,
          value: v,
          categories: nCat[j],
        });
      cells.push(start[j]! + v);
    }
    rowPtr[i + 1] = cells.length;
  }
  return { n, rowPtr, cell: Int32Array.from(cells), count: new Float64Array(cells.length).fill(1), constant: new Float64Array(n) };
}

/**
 * Latent class model (Lazarsfeld; Goodman 1974): a mixture of products of categorical distributions, one per feature,
 * for categorical data coded 0..C_j−1. A missing value (NaN) is marginalised out — its factor Σ_c θ_kjc is 1 — so
 * rows with gaps still inform the other features. Fitted by EM with Laplace smoothing α and random restarts.
 */
export class LatentClassModel extends DiscreteMixture<LatentClassInit> {
  readonly kind = 'latent-class';
  private readonly nCategoriesOption: readonly number[] | undefined;
  private nCat: Int32Array | undefined;

  constructor(options: LatentClassModelOptions = {}) {
    super(options, NAME, () => {
      if (options.nCategories !== undefined) options.nCategories.forEach((c, j) => intOption(c, 1, `nCategories[${j}]`, NAME, 1));
    });
    this.nCategoriesOption = options.nCategories;
  }

  get nFeatures(): number {
    return this.nCat?.length ?? 0;
  }

  /** Categories per feature (C_j). */
  get nCategories(): Int32Array {
    if (!this.nCat) throw notFitted(NAME);
    return this.nCat.slice();
  }

  fit(X: DenseMatrix, options: FitOptions = {}): this {
    checkNotCancelled(options, this.kind);
    const K = this.nComponents;
    checkX(X, NAME, K, { allowMissing: true });
    checkWeights(options.weights, X.rows, NAME);
    const J = X.cols;
    let nCat: Int32Array;
    if (this.nCategoriesOption) {
      if (this.nCategoriesOption.length !== J)
        throw new DiscernError('INVALID_ARGUMENT', (n) => `${NAME}: ${n.option('nCategories')} has ${this.nCategoriesOption!.length} entries but X has ${J} features`, { estimator: NAME, option: 'nCategories' });
      nCat = Int32Array.from(this.nCategoriesOption);
    } else {
      nCat = new Int32Array(J).fill(1);
      for (let i = 0; i < X.rows; i++)
        for (let j = 0; j < J; j++) {
          const v = X.data[i * J + j]!;
          // non-integers and negatives are reported by encode(); here only the largest valid code matters
          if (Number.isInteger(v) && v >= 0 && v + 1 > nCat[j]!) nCat[j] = Math.min(v + 1, 2 ** 31 - 1);
        }
    }
    // the cells are every feature's categories: a raw value where a category code was expected (a code of 10⁹) would
    // ask for a table of 10⁹ probabilities per class, refused here before it is allocated
    let T = 0, widest = 0;
    for (let j = 0; j < J; j++) {
      T += nCat[j]!;
      if (nCat[j]! > nCat[widest]!) widest = j;
    }
    checkMemory(
      NAME,
      discreteFitMemory(X.rows, X.rows * J, K, T),
      (n) =>
        `${n.feature(widest)} has ${nCat[widest]!.toLocaleString('en-US')} categories (codes 0..${nCat[widest]! - 1}): a latent class model takes small integer category codes, so recode the feature (or set ${n.option('nCategories')}), or use fewer ${n.option('nComponents')}`,
      { feature: widest, option: 'nCategories' },
    );
    const blocks = blocksOf(nCat);
    const rows = encode(X, nCat, blocks.start, NAME);
    const start = typeof this.initOption === 'object' ? startParams(this.initOption, K, nCat, blocks) : undefined;
    this.fitRows(rows, blocks, start, options);
    this.nCat = nCat;
    return this;
  }

  protected predictRows(X: DenseMatrix): { rows: SparseRows; P: DiscreteParams } {
    const P = this.params, nCat = this.nCat;
    if (!P || !nCat) throw notFitted(NAME);
    checkPredictX(X, nCat.length, NAME, { allowMissing: true });
    return { rows: encode(X, nCat, blocksOf(nCat).start, NAME), P };
  }

  /** Free parameters: K − 1 weights and K Σ_j (C_j − 1) probabilities. */
  get nParameters(): number {
    if (!this.params || !this.nCat) throw notFitted(NAME);
    let s = 0;
    for (let j = 0; j < this.nCat.length; j++) s += this.nCat[j]! - 1;
    return this.params.K - 1 + this.params.K * s;
  }

  /** probabilities[k][j][c] = P(feature j = c | class k). */
  get probabilities(): number[][][] {
    if (!this.params || !this.nCat) throw notFitted(NAME);
    return nested(this.params, this.nCat);
  }

  toJSON(): ModelJSON {
    const P = this.params, nCat = this.nCat;
    if (!P || !nCat) throw notFitted(NAME);
    return {
      kind: this.kind,
      version: 1,
      nFeatures: nCat.length,
      nComponents: P.K,
      nCategories: Array.from(nCat),
      weights: Array.from(P.weights),
      probabilities: nested(P, nCat),
      options: this.optionsJSON(),
    };
  }

  /** Rebuilds a fitted model from `toJSON()` output, checked as loadEstimator does (MODEL_INVALID naming the field). */
  static fromJSON(json: unknown, source?: ModelSource): LatentClassModel {
    const r = ModelReader.of(json, source).kind('latent-class').version();
    const J = r.get('nFeatures').int(1);
    const K = r.get('nComponents').int(1);
    const nCat = Int32Array.from(r.get('nCategories').numbers([J], (c) => (Number.isInteger(c) && c >= 1 && c < 2 ** 31 ? undefined : 'an integer ≥ 1 (categories of a feature)')));
    const weights = r.get('weights').distribution(K);
    // each class's probabilities per feature are read (and their lengths checked against nCategories) before the
    // flat table is allocated from the declared sizes
    const pr = r.get('probabilities').items(K);
    const perClass = pr.map((rk) => rk.items(J).map((rkj, j) => rkj.distribution(nCat[j]!)));
    const blocks = blocksOf(nCat);
    const T = blocks.blockOf.length;
    const theta = new Float64Array(K * T);
    perClass.forEach((features, k) => features.forEach((probs, j) => theta.set(probs, k * T + blocks.start[j]!)));
    const options = r.get('options');
    const raw = (options.value === undefined ? {} : options.object()) as LatentClassModelOptions;
    const m = options.construct(() => new LatentClassModel({ ...raw, nComponents: K, nCategories: Array.from(nCat) }));
    m.nCat = nCat;
    m.params = makeDiscreteParams(K, blocks.blockOf.length, weights, theta);
    return m;
  }
}

function nested(P: DiscreteParams, nCat: Int32Array): number[][][] {
  const out: number[][][] = [];
  for (let k = 0; k < P.K; k++) {
    const perFeature: number[][] = [];
    let off = 0;
    for (let j = 0; j < nCat.length; j++) {
      perFeature.push(Array.from(P.theta.subarray(k * P.T + off, k * P.T + off + nCat[j]!)));
      off += nCat[j]!;
    }
    out.push(perFeature);
  }
  return out;
}

/** The init option's K × J × C_j nested probabilities → flat K×T, each (k, j) block checked to be a distribution. */
function flatten(v: unknown, K: number, nCat: Int32Array, blocks: Blocks): Float64Array {
  const T = blocks.blockOf.length;
  const out = new Float64Array(K * T);
  const bad = (at: string, expected: string, context: Record<string, unknown>): DiscernError =>
    new DiscernError('INVALID_ARGUMENT', (n) => `${NAME}: ${n.option('init')}.probabilities${at} must be ${expected}`, { estimator: NAME, option: 'init', ...context });
  if (!Array.isArray(v) || v.length !== K) throw bad('', `a K × J × C_j nested array with K = ${K}`, {});
  for (let k = 0; k < K; k++) {
    const vk: unknown = v[k];
    if (!Array.isArray(vk) || vk.length !== nCat.length) throw bad(`[${k}]`, `an array of ${nCat.length} features`, { component: k });
    for (let j = 0; j < nCat.length; j++) {
      const pj: unknown = vk[j];
      if (!Array.isArray(pj)) throw bad(`[${k}][${j}]`, `an array of ${nCat[j]} probabilities`, { component: k, feature: j });
      const block = optionMatrix([pj as number[]], 1, nCat[j]!, `init.probabilities[${k}][${j}]`, NAME);
      checkSimplex(block, 1, nCat[j]!, NAME, `init.probabilities[${k}][${j}]`);
      out.set(block, k * T + blocks.start[j]!);
    }
  }
  return out;
}

function startParams(init: LatentClassInit, K: number, nCat: Int32Array, blocks: Blocks): DiscreteParams {
  const weights = optionMatrix([init.weights], 1, K, 'init.weights', NAME);
  checkSimplex(weights, 1, K, NAME, 'init.weights');
  const theta = flatten(init.probabilities, K, nCat, blocks);
  return makeDiscreteParams(K, blocks.blockOf.length, weights, theta);
}
