import { type DenseMatrix, createRng, softmaxInto } from '@discern/linalg';
import { DiscernError, defaultThreads } from '@discern/core';
import { type Cancellation, checkNotCancelled, fitCancellation, fitThreads } from '../cancel.js';
import { type DensityModel, type FitOptions, type FitReport, type ModelJSON } from '../estimator.js';
import { type MemoryPart, checkMemory, doubles, ints } from '../resources.js';
import { checkPredictX, checkWeights, checkX, notFitted } from '../validate.js';
import { ModelReader, type ModelSource } from '../model-json.js';
import { type EmRun, MixtureModel, bestRestart, emFitReport, emIterations, intOption, matrixCopy, nest, numberOption, optionMatrix, weightsOrOnes } from './common.js';
import { EmPass, type EmStats, chunkRows, logJoint, newStats } from './gmm-estep.js';
import { type InitResp, initialResponsibilities } from './gmm-init.js';
import {
  COVARIANCE_TYPES,
  type CovarianceType,
  type GmmParams,
  type Regularised,
  checkEffectiveWeights,
  covarianceShape,
  covariancesFromMoments,
  makeParams,
  mStepFromResp,
  nParameters,
} from './gmm-params.js';

const NAME = 'GaussianMixture';

export interface GaussianMixtureOptions {
  /** Number of components K (default 1). */
  readonly nComponents?: number;
  /** Shape of the covariances (default 'full'); as scikit-learn's covariance_type. */
  readonly covarianceType?: CovarianceType;
  /**
   * Initial responsibilities (default 'kmeans', as scikit-learn): 'kmeans' (labels of a k-means run), 'kmeans++'
   * (the seeds alone), 'random' (random responsibilities), or starting means — weights and covariances then come
   * from assigning each row to its nearest mean, as scikit-learn's `means_init`; nInit is 1 in that case.
   */
  readonly init?: 'kmeans' | 'kmeans++' | 'random' | { readonly means: readonly (readonly number[])[] };
  /** Restarts; the one with the highest final mean log-likelihood is kept (default 1). */
  readonly nInit?: number;
  /** Added to the diagonal of every covariance (default 1e-6). */
  readonly regCovar?: number;
  /** Stop when the mean log-likelihood changes by less than tol between iterations (default 1e-3; 0 never stops early). */
  readonly tol?: number;
  /** EM iterations per restart (default 100). */
  readonly maxIter?: number;
  readonly seed?: number;
  /**
   * Threads for the E/M passes of large fits, the calling thread included (default: DISCERN_THREADS, or the cores
   * Node reports, at most 8). Rows are summed in fixed chunks combined in order, so every number of threads gives
   * the same bits; 1 keeps all work on the calling thread.
   */
  readonly threads?: number;
}

/** A regularised covariance, with the EM iteration at which it happened (0: initialisation). */
export interface RegularisedCovariance extends Regularised {
  readonly iteration: number;
}

export interface GaussianMixtureSample {
  readonly X: DenseMatrix;
  /** The component each row was drawn from. */
  readonly components: Int32Array;
}

interface RunResult extends EmRun {
  readonly params: GmmParams;
  readonly regularised: RegularisedCovariance[];
}

/**
 * Gaussian mixture fitted by EM (Dempster, Laird & Rubin 1977), with scikit-learn's options and results.
 *
 * Per-event weights, negative ones included, enter the M-step as weighted sufficient statistics: N_k = Σ w_i r_ik,
 * μ_k = Σ w_i r_ik x_i / N_k, Σ_k = Σ w_i r_ik (x_i − μ_k)(x_i − μ_k)ᵀ / N_k, π_k = N_k / Σ N_k. With negative weights
 * EM no longer has to increase the log-likelihood at every step (fitReport.details.negativeWeights, .monotone), and
 * the fit is refused — FIT_DIVERGED naming the component and N_k — when a component's effective weight N_k ≤ 0,
 * or SINGULAR_COVARIANCE when its weighted covariance is not positive definite after regCovar and bounded jitter.
 */
export class GaussianMixture extends MixtureModel implements DensityModel {
  readonly kind = 'gmm';
  readonly nComponents: number;
  readonly covarianceType: CovarianceType;
  readonly nInit: number;
  readonly regCovar: number;
  readonly tol: number;
  readonly maxIter: number;
  readonly seed: number;
  private readonly threadsOption: number | undefined;
  private readonly initOption: NonNullable<GaussianMixtureOptions['init']>;
  private params: GmmParams | undefined;
  private report: FitReport | undefined;

  constructor(options: GaussianMixtureOptions = {}) {
    super();
    this.nComponents = intOption(options.nComponents, 1, 'nComponents', NAME, 1);
    this.covarianceType = options.covarianceType ?? 'full';
    if (!COVARIANCE_TYPES.includes(this.covarianceType))
      throw new DiscernError('INVALID_ARGUMENT', (n) => `${NAME}: ${n.option('covarianceType')} must be one of ${COVARIANCE_TYPES.join(', ')}, got ${JSON.stringify(this.covarianceType)}`, { estimator: NAME, option: 'covarianceType' });
    this.initOption = options.init ?? 'kmeans';
    const okInit = typeof this.initOption === 'object' ? Array.isArray(this.initOption.means) : ['kmeans', 'kmeans++', 'random'].includes(this.initOption);
    if (!okInit) throw new DiscernError('INVALID_ARGUMENT', (n) => `${NAME}: ${n.option('init')} must be 'kmeans', 'kmeans++', 'random' or { means: number[][] }, got ${JSON.stringify(this.initOption)}`, { estimator: NAME, option: 'init' });
    this.nInit = typeof this.initOption === 'object' ? 1 : intOption(options.nInit, 1, 'nInit', NAME, 1);
    this.regCovar = numberOption(options.regCovar, 1e-6, 'regCovar', NAME, (v) => v >= 0 && Number.isFinite(v), 'a finite number ≥ 0');
    this.tol = numberOption(options.tol, 1e-3, 'tol', NAME, (v) => v >= 0 || v === -Infinity, 'a number ≥ 0 (or -Infinity)');
    this.maxIter = intOption(options.maxIter, 100, 'maxIter', NAME, 1);
    this.seed = intOption(options.seed, 0, 'seed', NAME, -2147483648);
    this.threadsOption = options.threads === undefined ? undefined : intOption(options.threads, 1, 'threads', NAME, 1);
  }

  /** Threads for the E/M passes: the threads option, else defaultThreads() (read at fit time). */
  get threads(): number {
    return this.threadsOption ?? defaultThreads();
  }

  get init(): NonNullable<GaussianMixtureOptions['init']> {
    return this.initOption;
  }

  get nFeatures(): number {
    return this.params?.p ?? 0;
  }

  get fitReport(): FitReport | undefined {
    return this.report;
  }

  fit(X: DenseMatrix, options: FitOptions = {}): this {
    checkNotCancelled(options, this.kind);
    const K = this.nComponents;
    checkX(X, NAME, K);
    checkWeights(options.weights, X.rows, NAME, true);
    const threads = fitThreads(options, this.threadsOption, NAME);
    checkMemory(NAME, fitMemory(X.rows, X.cols, K, this.covarianceType, threads), (n) => `use fewer ${n.option('nComponents')} (now ${K}), or ${n.option('covarianceType')} 'diag' (now '${this.covarianceType}' with ${X.cols} features)`, {
      option: 'nComponents',
    });
    const w = weightsOrOnes(options.weights, X.rows);
    let negativeWeights = false;
    for (let i = 0; i < w.length; i++) if (w[i]! < 0) negativeWeights = true;
    const init: InitResp = typeof this.initOption === 'object' ? { means: optionMatrix(this.initOption.means, K, X.cols, 'init.means', NAME) } : this.initOption;
    const rng = createRng(this.seed);
    const pass = new EmPass(X, w, { K, p: X.cols, type: this.covarianceType }, threads);
    // scikit-learn's rule: keep the restart with the higher final lower bound
    const { best, bestInit, values: lowerBounds } = bestRestart(
      this.nInit,
      options,
      fitCancellation(options, this.kind),
      (r, cancel) => this.runEm(X, w, pass, init, rng.fork(`init-${r}`), r, negativeWeights, options, cancel),
      (run) => run.lowerBound,
      'max',
    );
    this.params = best.params;
    let monotone = true;
    for (let t = 1; t < best.history.length; t++) if (best.history[t]! < best.history[t - 1]! - 1e-12 * Math.abs(best.history[t - 1]!)) monotone = false;
    this.report = emFitReport(best, bestInit, lowerBounds, 'mean log-likelihood per EM iteration (weighted when event weights are given)', {
      regularised: best.regularised,
      negativeWeights,
      monotone,
      ...(negativeWeights ? { note: 'negative event weights: EM is not guaranteed to increase the log-likelihood at every iteration' } : {}),
    });
    return this;
  }

  private runEm(
    X: DenseMatrix,
    w: Float64Array,
    pass: EmPass,
    init: InitResp,
    rng: ReturnType<typeof createRng>,
    restart: number,
    negativeWeights: boolean,
    options: FitOptions,
    cancel: Cancellation,
  ): RunResult {
    const K = this.nComponents, p = X.cols, type = this.covarianceType, regCovar = this.regCovar;
    const resp = initialResponsibilities(X, w, K, init, rng, cancel);
    const first = mStepFromResp(X, w, resp, K, type, regCovar);
    checkEffectiveWeights(first.nk, NAME, 'at initialisation', negativeWeights);
    const reg: Regularised[] = [];
    const regularised: RegularisedCovariance[] = [];
    const note = (iteration: number) => {
      for (const r of reg) regularised.push({ ...r, iteration });
      reg.length = 0;
    };
    let params = makeParams(type, K, p, normalised(first.nk), typeof init === 'object' ? init.means.slice() : first.means, first.covariances, { estimator: NAME, regCovar, nk: first.nk, negativeWeights }, reg);
    note(0);
    let totalW = 0;
    for (let i = 0; i < w.length; i++) totalW += w[i]!;
    const stats: EmStats = newStats(params);
    const run = emIterations(
      { estimator: NAME, maxIter: this.maxIter, tol: this.tol, restart, cancel, regularisation: 'regCovar' },
      options,
      () => pass.run(params, stats) / totalW,
      (it) => {
        checkEffectiveWeights(stats.nk, NAME, `at EM iteration ${it}`, negativeWeights);
        const delta = new Float64Array(K * p);
        const means = new Float64Array(K * p);
        for (let k = 0; k < K; k++)
          for (let j = 0; j < p; j++) {
            const dj = stats.m[k * p + j]! / stats.nk[k]!;
            delta[k * p + j] = dj;
            means[k * p + j] = params.means[k * p + j]! + dj;
          }
        const cov = covariancesFromMoments(stats.S, stats.nk, delta, K, p, type, regCovar);
        params = makeParams(type, K, p, normalised(stats.nk), means, cov, { estimator: NAME, regCovar, nk: stats.nk.slice(), negativeWeights }, reg);
        note(it);
      },
    );
    return { ...run, params, regularised };
  }

  private fitted(X: DenseMatrix): GmmParams {
    if (!this.params) throw notFitted(NAME);
    checkPredictX(X, this.params.p, NAME);
    return this.params;
  }

  /** log p(x) per row. */
  scoreSamples(X: DenseMatrix): Float64Array {
    const P = this.fitted(X);
    const lj = logJoint(X, P);
    const out = new Float64Array(X.rows);
    for (let i = 0; i < X.rows; i++) out[i] = softmaxInto(lj, i * P.K, P.K, lj);
    return out;
  }

  /** n×K responsibilities P(component k | x). */
  predictProba(X: DenseMatrix): DenseMatrix {
    const P = this.fitted(X);
    const lj = logJoint(X, P);
    for (let i = 0; i < X.rows; i++) softmaxInto(lj, i * P.K, P.K, lj);
    return { rows: X.rows, cols: P.K, data: lj };
  }

  get nParameters(): number {
    const P = this.params;
    if (!P) throw notFitted(NAME);
    return nParameters(P.type, P.K, P.p);
  }

  /** n rows drawn from the fitted mixture: component by its weight, then μ_k + L_k z with Σ_k = L_k L_kᵀ. */
  sample(n: number, seed = 0): GaussianMixtureSample {
    const P = this.params;
    if (!P) throw notFitted(NAME);
    if (!Number.isInteger(n) || n < 1) throw new DiscernError('INVALID_ARGUMENT', `${NAME}.sample: the sample size must be an integer ≥ 1, got ${n}`, { estimator: NAME, value: n });
    const rng = createRng(seed);
    const { K, p } = P;
    const comps = rng.choice(K, n, { replace: true, weights: P.weights });
    const out = new Float64Array(n * p);
    const z = new Float64Array(p);
    const chol = Array.from({ length: K }, (_, k) => this.covarianceCholesky(k));
    for (let i = 0; i < n; i++) {
      const k = comps[i]!;
      const L = chol[k]!;
      for (let j = 0; j < p; j++) z[j] = rng.normal();
      for (let a = 0; a < p; a++) {
        let s = P.means[k * p + a]!;
        for (let b = 0; b <= a; b++) s += L[a * p + b]! * z[b]!;
        out[i * p + a] = s;
      }
    }
    return { X: { rows: n, cols: p, data: out }, components: comps };
  }

  /** Lower Cholesky factor of component k's covariance (p×p row-major), inverted from the stored precision factor. */
  private covarianceCholesky(k: number): Float64Array {
    const P = this.params!;
    const p = P.p;
    const L = new Float64Array(p * p);
    if (P.type === 'full' || P.type === 'tied') {
      const o = P.type === 'full' ? k * p * p : 0;
      // invert the lower-triangular L⁻¹ column by column (forward substitution)
      for (let c = 0; c < p; c++)
        for (let a = c; a < p; a++) {
          let s = a === c ? 1 : 0;
          for (let b = c; b < a; b++) s -= P.precChol[o + a * p + b]! * L[b * p + c]!;
          L[a * p + c] = s / P.precChol[o + a * p + a]!;
        }
    } else for (let j = 0; j < p; j++) L[j * p + j] = 1 / (P.type === 'diag' ? P.precChol[k * p + j]! : P.precChol[k]!);
    return L;
  }

  /** Mixing weights π_k (length K). */
  get weights(): Float64Array {
    if (!this.params) throw notFitted(NAME);
    return this.params.weights.slice();
  }

  /** K×p means. */
  get means(): DenseMatrix {
    if (!this.params) throw notFitted(NAME);
    return matrixCopy(this.params.K, this.params.p, this.params.means);
  }

  /**
   * Covariances flat, row-major, in scikit-learn's `covariances_` layout for the type: 'full' K×p×p, 'tied' p×p,
   * 'diag' K×p, 'spherical' K (regCovar and any jitter included). See `covarianceMatrix(k)` for a p×p matrix.
   */
  get covariances(): Float64Array {
    if (!this.params) throw notFitted(NAME);
    return this.params.covariances.slice();
  }

  /** The full p×p covariance of component k, whatever the covariance type. */
  covarianceMatrix(k: number): DenseMatrix {
    const P = this.params;
    if (!P) throw notFitted(NAME);
    if (!Number.isInteger(k) || k < 0 || k >= P.K) throw new DiscernError('INVALID_ARGUMENT', `${NAME}: component ${k} does not exist; components are 0..${P.K - 1}`, { component: k });
    const p = P.p, c = P.covariances;
    if (P.type === 'full') return matrixCopy(p, p, c.subarray(k * p * p, (k + 1) * p * p));
    if (P.type === 'tied') return matrixCopy(p, p, c);
    const out = new Float64Array(p * p);
    for (let j = 0; j < p; j++) out[j * p + j] = P.type === 'diag' ? c[k * p + j]! : c[k]!;
    return { rows: p, cols: p, data: out };
  }

  /**
   * Precision Cholesky factors in scikit-learn's `precisions_cholesky_` layout, for exporters (skl2onnx builds its
   * graph from it): 'full' K×p×p and 'tied' p×p, each block the upper-triangular U (row-major) with Σ⁻¹ = U Uᵀ, so
   * that log N(x|k) = Σ_j log U_jj − ½(p log 2π + ‖(x − μ_k)ᵀU‖²); 'diag' K×p and 'spherical' K hold 1/σ.
   */
  get precisionsCholesky(): Float64Array {
    const P = this.params;
    if (!P) throw notFitted(NAME);
    if (P.type !== 'full' && P.type !== 'tied') return P.precChol.slice();
    const p = P.p;
    const out = new Float64Array(P.precChol.length);
    for (let o = 0; o < out.length; o += p * p) for (let a = 0; a < p; a++) for (let b = 0; b <= a; b++) out[o + b * p + a] = P.precChol[o + a * p + b]!;
    return out;
  }

  toJSON(): ModelJSON {
    const P = this.params;
    if (!P) throw notFitted(NAME);
    const init = typeof this.initOption === 'object' ? { means: this.initOption.means.map((r) => [...r]) } : this.initOption;
    return {
      kind: this.kind,
      version: 1,
      nFeatures: P.p,
      nComponents: P.K,
      covarianceType: P.type,
      weights: Array.from(P.weights),
      means: nest(P.means, [P.K, P.p]),
      covariances: nest(P.covariances, covarianceShape(P.type, P.K, P.p)),
      options: { init, nInit: this.nInit, regCovar: this.regCovar, tol: this.tol, maxIter: this.maxIter, seed: this.seed },
    };
  }

  /**
   * Rebuilds a fitted model from `toJSON()` output (or from scikit-learn's weights_, means_ and covariances_ under
   * the same field names), checking it as loadEstimator does: MODEL_INVALID naming the field for a wrong version
   * or shape, a non-finite number, weights that are not positive or do not sum to 1, a variance that is not
   * positive or a covariance that is not symmetric positive definite.
   */
  static fromJSON(json: unknown, source?: ModelSource): GaussianMixture {
    const r = ModelReader.of(json, source).kind('gmm').version();
    const p = r.get('nFeatures').int(1);
    const K = r.get('nComponents').int(1);
    const type = r.get('covarianceType').string(COVARIANCE_TYPES) as CovarianceType;
    const weights = r.get('weights').distribution(K, true);
    const means = r.get('means').numbers([K, p]);
    const cr = r.get('covariances');
    let cov: Float64Array;
    if (type === 'full') {
      cov = new Float64Array(K * p * p);
      cr.items(K).forEach((c, k) => cov.set(c.covariance(p), k * p * p));
    } else if (type === 'tied') cov = cr.covariance(p);
    else cov = cr.numbers(covarianceShape(type, K, p), (v) => (v > 0 ? undefined : 'a positive variance'));
    const options = r.get('options');
    const raw = (options.value === undefined ? {} : options.object()) as GaussianMixtureOptions;
    const m = options.construct(() => new GaussianMixture({ ...raw, nComponents: K, covarianceType: type }));
    const reg: Regularised[] = [];
    m.params = makeParams(type, K, p, weights, means, cov, { estimator: `${NAME}.fromJSON`, regCovar: m.regCovar, strict: true }, reg);
    return m;
  }
}

/**
 * What a fit allocates (see resources.ts): the initial responsibilities (n×K), the k-means initialisation's per-row
 * arrays, the parameters of the best and the current restart (means, covariances and their precision factors), the
 * sufficient statistics (once per chunk of rows and once summed), the E-step's blocks per thread, and shared copies
 * of the data for worker threads.
 */
function fitMemory(n: number, p: number, K: number, type: CovarianceType, threads: number): MemoryPart[] {
  const full = type === 'full' || type === 'tied';
  const cov = type === 'full' ? K * p * p : type === 'tied' ? p * p : type === 'diag' ? K * p : K;
  const stats = 1 + K + K * p + (full ? K * p * p : K * p);
  const chunks = Math.ceil(n / chunkRows(n));
  return [
    ['initial responsibilities', doubles(n * K)],
    ['the k-means initialisation', doubles(6 * n + 3 * K * p) + ints(2 * n)],
    ['means and covariances', doubles(2 * (K * p + 2 * cov) + (full ? K * p * p : K * p) + cov)],
    ['sufficient statistics per chunk of rows', doubles((chunks + 1) * stats)],
    ['E-step blocks', doubles(threads * (128 * (p + K) + K * p + K))],
    ['copies for worker threads', threads > 1 ? doubles(n * p + n) : 0],
  ];
}

function normalised(nk: Float64Array): Float64Array {
  let s = 0;
  for (let k = 0; k < nk.length; k++) s += nk[k]!;
  const out = new Float64Array(nk.length);
  for (let k = 0; k < nk.length; k++) out[k] = nk[k]! / s;
  return out;
}
