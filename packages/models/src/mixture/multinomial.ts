import { type DenseMatrix } from '@discern/linalg';
import { DiscernError } from '@discern/core';
import { checkNotCancelled } from '../cancel.js';
import { type FitOptions, type ModelJSON } from '../estimator.js';
import { checkMemory } from '../resources.js';
import { checkPredictX, checkWeights, checkX, notFitted } from '../validate.js';
import { ModelReader, type ModelSource } from '../model-json.js';
import { logFactorial, matrixCopy, nest, optionMatrix } from './common.js';
import { type Blocks, DiscreteMixture, type DiscreteParams, type SparseRows, checkSimplex, discreteFitMemory, makeDiscreteParams } from './discrete-em.js';

const NAME = 'MultinomialMixture';

/** Explicit starting parameters: mixing weights (K) and category probabilities (K×J). */
export interface MultinomialInit {
  readonly weights: readonly number[];
  readonly probabilities: readonly (readonly number[])[];
}

export interface MultinomialMixtureOptions {
  /** Number of components K (default 1). */
  readonly nComponents?: number;
  /** Dirichlet/Laplace smoothing added to every category count in the M-step (default 1; 0 = maximum likelihood). */
  readonly alpha?: number;
  /** 'random' responsibilities (default), or explicit starting mixing weights (K) and category probabilities (K×J). */
  readonly init?: 'random' | MultinomialInit;
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
        throw new DiscernError('DATA_INVALID', (n) => `${where}: the count at ${n.row(i)}, ${n.feature(j)} is ${v}; counts must be finite and ≥ 0 (NaN marks a missing cell)`, { row: i, feature: j, value: v });
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
export class MultinomialMixture extends DiscreteMixture<MultinomialInit> {
  readonly kind = 'multinomial-mixture';

  constructor(options: MultinomialMixtureOptions = {}) {
    super(options, NAME);
  }

  get nFeatures(): number {
    return this.params?.T ?? 0;
  }

  fit(X: DenseMatrix, options: FitOptions = {}): this {
    checkNotCancelled(options, this.kind);
    const K = this.nComponents;
    checkX(X, NAME, K, { allowMissing: true });
    checkWeights(options.weights, X.rows, NAME);
    const J = X.cols;
    checkMemory(NAME, discreteFitMemory(X.rows, X.rows * J, K, J), (n) => `use fewer ${n.option('nComponents')} (now ${K}) or fewer count columns (now ${J})`, { option: 'nComponents' });
    const rows = encode(X, NAME);
    const blocks: Blocks = { start: Int32Array.of(0, J), blockOf: new Int32Array(J) };
    const start = typeof this.initOption === 'object' ? startParams(this.initOption, K, J) : undefined;
    this.fitRows(rows, blocks, start, options);
    return this;
  }

  protected predictRows(X: DenseMatrix): { rows: SparseRows; P: DiscreteParams } {
    const P = this.params;
    if (!P) throw notFitted(NAME);
    checkPredictX(X, P.T, NAME, { allowMissing: true });
    return { rows: encode(X, NAME), P };
  }

  /** Free parameters: K − 1 weights and K(J − 1) probabilities. */
  get nParameters(): number {
    if (!this.params) throw notFitted(NAME);
    return this.params.K - 1 + this.params.K * (this.params.T - 1);
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
      options: this.optionsJSON(),
    };
  }

  /** Rebuilds a fitted model from `toJSON()` output, checked as loadEstimator does (MODEL_INVALID naming the field). */
  static fromJSON(json: unknown, source?: ModelSource): MultinomialMixture {
    const r = ModelReader.of(json, source).kind('multinomial-mixture').version();
    const J = r.get('nFeatures').int(1);
    const K = r.get('nComponents').int(1);
    const weights = r.get('weights').distribution(K);
    const theta = r.get('probabilities').distributions(K, J);
    const options = r.get('options');
    const raw = (options.value === undefined ? {} : options.object()) as MultinomialMixtureOptions;
    const m = options.construct(() => new MultinomialMixture({ ...raw, nComponents: K }));
    m.params = makeDiscreteParams(K, J, weights, theta);
    return m;
  }
}

function startParams(init: MultinomialInit, K: number, J: number): DiscreteParams {
  const weights = optionMatrix([init.weights], 1, K, 'init.weights', NAME);
  const theta = optionMatrix(init.probabilities, K, J, 'init.probabilities', NAME);
  checkSimplex(weights, 1, K, NAME, 'init.weights');
  checkSimplex(theta, K, J, NAME, 'init.probabilities');
  return makeDiscreteParams(K, J, weights, theta);
}
