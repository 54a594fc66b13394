import { type DenseMatrix, type Rng, createRng, softmaxInto } from '@discern/linalg';
import { DiscernError, type Naming } from '@discern/core';
import { type Cancellation, fitCancellation } from '../cancel.js';
import { type DensityModel, type FitOptions, type FitReport, type ModelJSON } from '../estimator.js';
import { optionBase, optionPath } from '../naming.js';
import { type MemoryPart, doubles, ints } from '../resources.js';
import { notFitted } from '../validate.js';
import { type EmRun, MixtureModel, bestRestart, emFitReport, emIterations, intOption, numberOption, weightsOrOnes } from './common.js';

/**
 * The EM engine, and the model base class below, shared by the multinomial mixture and the latent class model. Both
 * are mixtures whose component densities are products of categorical probabilities θ_k,c over "cells" c grouped
 * into blocks that each sum to one (one block of J categories for a multinomial; one block of C_j codes per feature
 * for latent classes). A row is stored sparsely as (cell, count) entries — a missing value simply has no entry, so it contributes a factor 1 —
 * and contributes log π_k + Σ count · log θ_k,cell (+ a per-row constant, e.g. the multinomial coefficient).
 *
 * M-step with Laplace/Dirichlet smoothing α: θ_k,c = (Σ_i w_i r_ik n_ic + α) / Σ_{c' in block} (Σ_i w_i r_ik n_ic' + α),
 * π_k = N_k / Σ N_k. With α > 0 this is MAP-EM; the history records the data log-likelihood.
 */
export interface SparseRows {
  readonly n: number;
  /** Row i's entries are [rowPtr[i], rowPtr[i+1]). */
  readonly rowPtr: Int32Array;
  readonly cell: Int32Array;
  readonly count: Float64Array;
  /** Per-row additive constant of the log-likelihood (the multinomial coefficient, or 0). */
  readonly constant: Float64Array;
}

export interface DiscreteParams {
  readonly K: number;
  /** Cells per component (T). */
  readonly T: number;
  readonly weights: Float64Array;
  /** K×T probabilities, each block summing to one. */
  readonly theta: Float64Array;
  readonly logWeights: Float64Array;
  readonly logTheta: Float64Array;
}

/** Block structure: cell c belongs to block blockOf[c]; blocks are contiguous [start[b], start[b+1]). */
export interface Blocks {
  readonly start: Int32Array;
  readonly blockOf: Int32Array;
}

export function makeDiscreteParams(K: number, T: number, weights: Float64Array, theta: Float64Array): DiscreteParams {
  const logWeights = new Float64Array(K);
  const logTheta = new Float64Array(K * T);
  for (let k = 0; k < K; k++) logWeights[k] = Math.log(weights[k]!);
  for (let c = 0; c < K * T; c++) logTheta[c] = Math.log(theta[c]!);
  return { K, T, weights, theta, logWeights, logTheta };
}

/** log π_k + Σ count · log θ_k,cell for every row and component (n×K). */
export function discreteLogJoint(rows: SparseRows, P: DiscreteParams): Float64Array {
  const { K, T, logWeights, logTheta } = P;
  const out = new Float64Array(rows.n * K);
  for (let i = 0; i < rows.n; i++) {
    const a = rows.rowPtr[i]!, b = rows.rowPtr[i + 1]!;
    for (let k = 0; k < K; k++) {
      let s = logWeights[k]!;
      for (let e = a; e < b; e++) s += rows.count[e]! * logTheta[k * T + rows.cell[e]!]!;
      out[i * K + k] = s;
    }
  }
  return out;
}

/** M-step from responsibilities (n×K): smoothed, block-normalised probabilities and mixing weights. */
export function discreteMStep(rows: SparseRows, w: Float64Array, resp: Float64Array, K: number, blocks: Blocks, alpha: number): DiscreteParams {
  const T = blocks.blockOf.length;
  const nb = blocks.start.length - 1;
  const acc = new Float64Array(K * T);
  const nk = new Float64Array(K);
  for (let i = 0; i < rows.n; i++) {
    const a = rows.rowPtr[i]!, b = rows.rowPtr[i + 1]!;
    for (let k = 0; k < K; k++) {
      const wr = w[i]! * resp[i * K + k]!;
      if (wr === 0) continue;
      nk[k]! += wr;
      for (let e = a; e < b; e++) acc[k * T + rows.cell[e]!]! += wr * rows.count[e]!;
    }
  }
  const theta = new Float64Array(K * T);
  for (let k = 0; k < K; k++)
    for (let bl = 0; bl < nb; bl++) {
      const s0 = blocks.start[bl]!, s1 = blocks.start[bl + 1]!;
      let tot = 0;
      for (let c = s0; c < s1; c++) tot += acc[k * T + c]! + alpha;
      // a block without any data or smoothing in this component (α = 0) stays uniform rather than 0/0
      for (let c = s0; c < s1; c++) theta[k * T + c] = tot > 0 ? (acc[k * T + c]! + alpha) / tot : 1 / (s1 - s0);
    }
  let total = 0;
  for (let k = 0; k < K; k++) total += nk[k]!;
  const weights = new Float64Array(K);
  for (let k = 0; k < K; k++) weights[k] = nk[k]! / total;
  return makeDiscreteParams(K, T, weights, theta);
}

/** Mean (weighted) log-likelihood of the rows, responsibilities written into `lj` in place. */
function eStep(rows: SparseRows, w: Float64Array, P: DiscreteParams, totalW: number): { ll: number; resp: Float64Array } {
  const lj = discreteLogJoint(rows, P);
  let s = 0;
  for (let i = 0; i < rows.n; i++) {
    const wi = w[i]!;
    const v = softmaxInto(lj, i * P.K, P.K, lj) + rows.constant[i]!;
    if (wi !== 0) s += wi * v;
  }
  return { ll: s / totalW, resp: lj };
}

export interface DiscreteFitSettings {
  readonly estimator: string;
  /** The model's kind, for what a cancelled fit says it stopped. */
  readonly kind: string;
  readonly K: number;
  readonly alpha: number;
  readonly nInit: number;
  readonly maxIter: number;
  readonly tol: number;
  readonly seed: number;
  /** Explicit starting parameters (then one restart), or undefined for random responsibilities. */
  readonly start?: DiscreteParams;
}

/**
 * What a discrete mixture's fit allocates (see resources.ts) for n rows, K components and T cells: the rows in sparse
 * form (at most one entry per cell and row), the responsibilities (the last E-step's and the one being made), and the
 * probabilities with their logarithms and the M-step's sums.
 */
export function discreteFitMemory(n: number, entries: number, K: number, T: number): MemoryPart[] {
  return [
    ['the rows in sparse form', doubles(entries + n) + ints(entries + n + 1)],
    ['responsibilities', doubles(2 * n * K)],
    ['probabilities per component and cell', doubles(4 * K * T) + ints(2 * T)],
  ];
}

export function fitDiscreteMixture(rows: SparseRows, w: Float64Array, blocks: Blocks, s: DiscreteFitSettings, options: FitOptions): { params: DiscreteParams; report: FitReport } {
  const rng = createRng(s.seed);
  let totalW = 0;
  for (let i = 0; i < w.length; i++) totalW += w[i]!;
  const restart = (r: number, cancel: Cancellation): EmRun & { params: DiscreteParams } => {
    let P = s.start ?? discreteMStep(rows, w, randomResp(rows.n, s.K, rng.fork(`init-${r}`)), s.K, blocks, s.alpha);
    let resp: Float64Array = new Float64Array(0);
    const run = emIterations(
      { estimator: s.estimator, maxIter: s.maxIter, tol: s.tol, restart: r, cancel, regularisation: 'alpha' },
      options,
      () => {
        const e = eStep(rows, w, P, totalW);
        resp = e.resp;
        return e.ll;
      },
      () => {
        P = discreteMStep(rows, w, resp, s.K, blocks, s.alpha);
      },
    );
    return { ...run, params: P };
  };
  const { best, bestInit, values } = bestRestart(s.start ? 1 : s.nInit, options, fitCancellation(options, s.kind), restart, (run) => run.lowerBound, 'max');
  return {
    params: best.params,
    report: emFitReport(best, bestInit, values, 'mean log-likelihood per EM iteration, under the parameters entering it (weighted when event weights are given)', { alpha: s.alpha }),
  };
}

function randomResp(n: number, K: number, rng: Rng): Float64Array {
  const resp = new Float64Array(n * K);
  for (let i = 0; i < n; i++) {
    let t = 0;
    for (let k = 0; k < K; k++) t += resp[i * K + k] = rng.uniform();
    for (let k = 0; k < K; k++) resp[i * K + k]! /= t;
  }
  return resp;
}

/** Responsibilities (n×K) and log densities (n) of rows under fitted parameters. */
export function discretePosterior(rows: SparseRows, P: DiscreteParams): { resp: Float64Array; logDensity: Float64Array } {
  const lj = discreteLogJoint(rows, P);
  const logDensity = new Float64Array(rows.n);
  for (let i = 0; i < rows.n; i++) logDensity[i] = softmaxInto(lj, i * P.K, P.K, lj) + rows.constant[i]!;
  return { resp: lj, logDensity };
}

/**
 * Each of `rows` consecutive runs of `len` values of the option at `path` ('init.weights') must be ≥ 0 and sum to 1
 * (to 1e-8); INVALID_ARGUMENT naming the entry otherwise.
 */
export function checkSimplex(v: Float64Array, rows: number, len: number, estimator: string, path: string, oneRow = rows === 1): void {
  const at = (n: Naming, r: number, c?: number): string => `${optionPath(n, path)}${oneRow ? '' : `[${r}]`}${c === undefined ? '' : `[${c}]`}`;
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let c = 0; c < len; c++) {
      const x = v[r * len + c]!;
      if (!(x >= 0)) throw new DiscernError('INVALID_ARGUMENT', (n) => `${estimator}: ${at(n, r, c)} is ${x}; probabilities must be ≥ 0`, { estimator, option: optionBase(path), value: x });
      s += x;
    }
    if (Math.abs(s - 1) > 1e-8) throw new DiscernError('INVALID_ARGUMENT', (n) => `${estimator}: ${at(n, r)} sums to ${s}; probabilities must sum to 1`, { estimator, option: optionBase(path), sum: s });
  }
}

/** The options the multinomial mixture and the latent class model share; `Init` is their explicit start. */
export interface DiscreteMixtureOptions<Init extends object> {
  readonly nComponents?: number;
  readonly alpha?: number;
  readonly init?: 'random' | Init;
  readonly nInit?: number;
  readonly tol?: number;
  readonly maxIter?: number;
  readonly seed?: number;
}

/**
 * What the multinomial mixture and the latent class model share around the EM engine: their options, the fit from
 * encoded rows, posteriors and densities of encoded rows, the mixing weights and the options saved by toJSON. A
 * subclass encodes its rows (`predictRows` for a fitted model) and knows its own parameter shapes.
 */
export abstract class DiscreteMixture<Init extends object> extends MixtureModel implements DensityModel {
  abstract readonly kind: string;
  abstract get nFeatures(): number;
  abstract fit(X: DenseMatrix, options?: FitOptions): this;
  abstract toJSON(): ModelJSON;
  readonly nComponents: number;
  readonly alpha: number;
  readonly nInit: number;
  readonly tol: number;
  readonly maxIter: number;
  readonly seed: number;
  /** The class name used in error messages. */
  protected readonly label: string;
  protected readonly initOption: 'random' | Init;
  protected params: DiscreteParams | undefined;
  protected report: FitReport | undefined;

  /** Checks the options in order; `checkMore` runs right after `init` (a subclass's own options). */
  constructor(options: DiscreteMixtureOptions<Init>, label: string, checkMore: () => void = () => {}) {
    super();
    this.label = label;
    this.nComponents = intOption(options.nComponents, 1, 'nComponents', label, 1);
    this.alpha = numberOption(options.alpha, 1, 'alpha', label, (v) => v >= 0 && Number.isFinite(v), 'a finite number ≥ 0');
    this.initOption = options.init ?? 'random';
    if (this.initOption !== 'random' && typeof this.initOption !== 'object')
      throw new DiscernError('INVALID_ARGUMENT', (n) => `${label}: ${n.option('init')} must be 'random' or { weights, probabilities }, got ${JSON.stringify(this.initOption)}`, { estimator: label, option: 'init' });
    checkMore();
    this.nInit = intOption(options.nInit, 1, 'nInit', label, 1);
    this.tol = numberOption(options.tol, 1e-6, 'tol', label, (v) => v >= 0 || v === -Infinity, 'a number ≥ 0');
    this.maxIter = intOption(options.maxIter, 100, 'maxIter', label, 1);
    this.seed = intOption(options.seed, 0, 'seed', label, -2147483648);
  }

  get fitReport(): FitReport | undefined {
    return this.report;
  }

  /** Runs EM on encoded rows (from `start` when given) and keeps the fitted parameters and report. */
  protected fitRows(rows: SparseRows, blocks: Blocks, start: DiscreteParams | undefined, options: FitOptions): void {
    const res = fitDiscreteMixture(
      rows,
      weightsOrOnes(options.weights, rows.n),
      blocks,
      { estimator: this.label, kind: this.kind, K: this.nComponents, alpha: this.alpha, nInit: this.nInit, maxIter: this.maxIter, tol: this.tol, seed: this.seed, ...(start ? { start } : {}) },
      options,
    );
    this.params = res.params;
    this.report = res.report;
  }

  /** The rows of X encoded for the fitted model, with its parameters (NOT_FITTED before fit, X checked). */
  protected abstract predictRows(X: DenseMatrix): { rows: SparseRows; P: DiscreteParams };

  private posterior(X: DenseMatrix): { resp: Float64Array; logDensity: Float64Array; K: number } {
    const { rows, P } = this.predictRows(X);
    return { ...discretePosterior(rows, P), K: P.K };
  }

  /** log p(x) per row (the multinomial coefficient included; missing values left out). */
  scoreSamples(X: DenseMatrix): Float64Array {
    return this.posterior(X).logDensity;
  }

  /** n×K posterior component probabilities. */
  predictProba(X: DenseMatrix): DenseMatrix {
    const { resp, K } = this.posterior(X);
    return { rows: X.rows, cols: K, data: resp };
  }

  /** Mixing weights π_k (length K). */
  get weights(): Float64Array {
    if (!this.params) throw notFitted(this.label);
    return this.params.weights.slice();
  }

  /** The options toJSON saves (nComponents and the shapes are saved beside them). */
  protected optionsJSON(): Record<string, number> {
    return { alpha: this.alpha, nInit: this.nInit, tol: this.tol, maxIter: this.maxIter, seed: this.seed };
  }
}
