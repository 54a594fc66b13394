import { DiscernError, type DenseMatrix } from '@discern/linalg';
import { type DensityModel, type FitOptions, type FitReport, type ModelJSON, argmaxRows } from '../estimator.js';
import { checkPredictX, checkWeights, checkX, notFitted } from '../validate.js';
import { intOption, jsonInt, jsonKind, jsonNumbers, logFactorial, matrixCopy, nest, numberOption, optionMatrix, weightsOrOnes } from './common.js';
import { type Blocks, type DiscreteParams, type SparseRows, discretePosterior, fitDiscreteMixture, makeDiscreteParams } from './discrete-em.js';

const NAME = 'MultinomialMixture';

export interface MultinomialMixtureOptions {
  /** Number of components K (default 1). */
  readonly nComponents?: number;
  /** Dirichlet/Laplace smoothing added to every category count in the M-step (default 1; 0 = maximum likelihood). */
  readonly alpha?: number;
  /** 'random' responsibilities (default), or explicit starting mixing weights (K) and category probabilities (K×J). */
  readonly init?: 'random' | { readonly weights: readonly number[]; readonly probabilities: readonly (readonly number[])[] };
  /** Restarts from random responsibilities; the highest final log-likelihood wins (default 1). */
  readonly nInit?: number;
  /** Stop when the mean log-likelihood changes by less than tol (default 1e-6). */
  readonly tol?: number;
  readonly maxIter?: number;
  readonly seed?: number;
}

/** Checks count rows (finite and ≥ 0, or NaN = missing) and stores them sparsely with their multinomial coefficients. */
function encode(X: DenseMatrix, where: string): SparseRows {
  const { rows: n, cols: J, data } = X;
  const rowPtr = new Int32Array(n + 1);
  const cells: number[] = [];
  const counts: number[] = [];
  const constant = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let total = 0;
    let lf = 0;
    for (let j = 0; j < J; j++) {
      const v = data[i * J + j]!;
      if (Number.isNaN(v)) continue;
      if (!(v >= 0) || v === Infinity)
        throw new DiscernError('DATA_INVALID', `${where}: the count at row ${i}, column ${j} is ${v}; counts must be finite and ≥ 0 (NaN marks a missing cell)`, { row: i, column: j, value: v });
      if (v === 0) continue;
      cells.push(j);
      counts.push(v);
      total += v;
      lf += logFactorial(v);
    }
    constant[i] = logFactorial(total) - lf;
    rowPtr[i + 1] = cells.length;
  }
  return { n, rowPtr, cell: Int32Array.from(cells), count: Float64Array.from(counts), constant };
}

/**
 * Mixture of multinomials for count vectors (bag-of-words, histograms): p(x) = Σ_k π_k Mult(x | n, θ_k), fitted by EM
 * with Laplace smoothing α. The log-likelihood includes the multinomial coefficient log(n! / Π_j x_j!) (n = Σ_j x_j;
 * log Γ for non-integer counts). A NaN cell is missing: it is dropped from that row's likelihood and coefficient,
 * so the row contributes Π_{j observed} θ_kj^{x_j} (not renormalised over the observed cells: that keeps the M-step in
 * closed form, at the price of a small downward pull on θ_kj of cells that are often missing).
 */
export class MultinomialMixture implements DensityModel {
  readonly kind = 'multinomial-mixture';
  readonly nComponents: number;
  readonly alpha: number;
  readonly nInit: number;
  readonly tol: number;
  readonly maxIter: number;
  readonly seed: number;
  private readonly initOption: NonNullable<MultinomialMixtureOptions['init']>;
  private params: DiscreteParams | undefined;
  private report: FitReport | undefined;

  constructor(options: MultinomialMixtureOptions = {}) {
    this.nComponents = intOption(options.nComponents, 1, 'nComponents', NAME, 1);
    this.alpha = numberOption(options.alpha, 1, 'alpha', NAME, (v) => v >= 0 && Number.isFinite(v), 'a finite number ≥ 0');
    this.initOption = options.init ?? 'random';
    if (this.initOption !== 'random' && typeof this.initOption !== 'object')
      throw new DiscernError('INVALID_ARGUMENT', `${NAME}: init must be 'random' or { weights, probabilities }, got ${JSON.stringify(this.initOption)}`, { estimator: NAME });
    this.nInit = intOption(options.nInit, 1, 'nInit', NAME, 1);
    this.tol = numberOption(options.tol, 1e-6, 'tol', NAME, (v) => v >= 0 || v === -Infinity, 'a number ≥ 0');
    this.maxIter = intOption(options.maxIter, 100, 'maxIter', NAME, 1);
    this.seed = intOption(options.seed, 0, 'seed', NAME, -2147483648);
  }

  get nFeatures(): number {
    return this.params?.T ?? 0;
  }

  get fitReport(): FitReport | undefined {
    return this.report;
  }

  fit(X: DenseMatrix, options: FitOptions = {}): this {
    const K = this.nComponents;
    checkX(X, NAME, K, { allowMissing: true });
    checkWeights(options.weights, X.rows, NAME);
    const rows = encode(X, NAME);
    const J = X.cols;
    const blocks: Blocks = { start: Int32Array.of(0, J), blockOf: new Int32Array(J) };
    const start = typeof this.initOption === 'object' ? startParams(this.initOption, K, J) : undefined;
    const res = fitDiscreteMixture(
      rows,
      weightsOrOnes(options.weights, X.rows),
      blocks,
      { estimator: NAME, K, alpha: this.alpha, nInit: this.nInit, maxIter: this.maxIter, tol: this.tol, seed: this.seed, ...(start ? { start } : {}) },
      options,
    );
    this.params = res.params;
    this.report = res.report;
    return this;
  }

  private posterior(X: DenseMatrix): { resp: Float64Array; logDensity: Float64Array; K: number } {
    const P = this.params;
    if (!P) throw notFitted(NAME);
    checkPredictX(X, P.T, NAME, { allowMissing: true });
    return { ...discretePosterior(encode(X, NAME), P), K: P.K };
  }

  /** log p(x) per row, multinomial coefficient included. */
  scoreSamples(X: DenseMatrix): Float64Array {
    return this.posterior(X).logDensity;
  }

  score(X: DenseMatrix): number {
    const s = this.scoreSamples(X);
    let t = 0;
    for (let i = 0; i < s.length; i++) t += s[i]!;
    return t / s.length;
  }

  predictProba(X: DenseMatrix): DenseMatrix {
    const { resp, K } = this.posterior(X);
    return { rows: X.rows, cols: K, data: resp };
  }

  predict(X: DenseMatrix): Int32Array {
    return argmaxRows(this.predictProba(X));
  }

  /** Free parameters: K − 1 weights and K(J − 1) probabilities. */
  get nParameters(): number {
    if (!this.params) throw notFitted(NAME);
    return this.params.K - 1 + this.params.K * (this.params.T - 1);
  }

  bic(X: DenseMatrix): number {
    return -2 * this.score(X) * X.rows + this.nParameters * Math.log(X.rows);
  }

  aic(X: DenseMatrix): number {
    return -2 * this.score(X) * X.rows + 2 * this.nParameters;
  }

  get weights(): Float64Array {
    if (!this.params) throw notFitted(NAME);
    return this.params.weights.slice();
  }

  /** K×J category probabilities θ_kj (rows sum to one). */
  get probabilities(): DenseMatrix {
    if (!this.params) throw notFitted(NAME);
    return matrixCopy(this.params.K, this.params.T, this.params.theta);
  }

  toJSON(): ModelJSON {
    const P = this.params;
    if (!P) throw notFitted(NAME);
    return {
      kind: this.kind,
      version: 1,
      nFeatures: P.T,
      nComponents: P.K,
      weights: Array.from(P.weights),
      probabilities: nest(P.theta, [P.K, P.T]),
      options: { alpha: this.alpha, nInit: this.nInit, tol: this.tol, maxIter: this.maxIter, seed: this.seed },
    };
  }

  static fromJSON(json: ModelJSON): MultinomialMixture {
    jsonKind(json, 'multinomial-mixture', NAME);
    const o = json as Record<string, unknown>;
    const J = jsonInt(o, 'nFeatures', NAME, 1);
    const K = jsonInt(o, 'nComponents', NAME, 1);
    const weights = jsonNumbers(o, 'weights', NAME, [K]);
    const theta = jsonNumbers(o, 'probabilities', NAME, [K, J]);
    checkSimplex(weights, 1, K, `${NAME}.fromJSON: weights`);
    checkSimplex(theta, K, J, `${NAME}.fromJSON: probabilities`);
    const raw = (typeof o.options === 'object' && o.options !== null ? o.options : {}) as MultinomialMixtureOptions;
    const m = new MultinomialMixture({ ...raw, nComponents: K });
    m.params = makeDiscreteParams(K, J, weights, theta);
    return m;
  }
}

/** Each of `rows` consecutive runs of `len` values must be ≥ 0 and sum to 1 (to 1e-8). */
export function checkSimplex(v: Float64Array, rows: number, len: number, what: string): void {
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let c = 0; c < len; c++) {
      const x = v[r * len + c]!;
      if (!(x >= 0)) throw new DiscernError('DATA_INVALID', `${what}: entry ${c} of row ${r} is ${x}; probabilities must be ≥ 0`, { row: r, index: c, value: x });
      s += x;
    }
    if (Math.abs(s - 1) > 1e-8) throw new DiscernError('DATA_INVALID', `${what}: row ${r} sums to ${s}; probabilities must sum to 1`, { row: r, sum: s });
  }
}

function startParams(init: { readonly weights: readonly number[]; readonly probabilities: readonly (readonly number[])[] }, K: number, J: number): DiscreteParams {
  const weights = optionMatrix([init.weights], 1, K, 'init.weights', NAME);
  const theta = optionMatrix(init.probabilities, K, J, 'init.probabilities', NAME);
  checkSimplex(weights, 1, K, `${NAME}: init.weights`);
  checkSimplex(theta, K, J, `${NAME}: init.probabilities`);
  return makeDiscreteParams(K, J, weights, theta);
}
