import { type Rng, createRng } from '@discern/linalg';
import { type FitOptions, type FitReport } from '../estimator.js';
import { assertFiniteLogLikelihood, normaliseLogRow } from './common.js';

/**
 * The EM engine shared by the multinomial mixture and the latent class model. Both are mixtures whose component
 * densities are products of categorical probabilities θ_k,c over "cells" c grouped into blocks that each sum to one
 * (one block of J categories for a multinomial; one block of C_j codes per feature for latent classes). A row is
 * stored sparsely as (cell, count) entries — a missing value simply has no entry, so it contributes a factor 1 —
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
    const v = normaliseLogRow(lj, i * P.K, P.K) + rows.constant[i]!;
    if (wi !== 0) s += wi * v;
  }
  return { ll: s / totalW, resp: lj };
}

export interface DiscreteFitSettings {
  readonly estimator: string;
  readonly K: number;
  readonly alpha: number;
  readonly nInit: number;
  readonly maxIter: number;
  readonly tol: number;
  readonly seed: number;
  /** Explicit starting parameters (then one restart), or undefined for random responsibilities. */
  readonly start?: DiscreteParams;
}

export function fitDiscreteMixture(rows: SparseRows, w: Float64Array, blocks: Blocks, s: DiscreteFitSettings, options: FitOptions): { params: DiscreteParams; report: FitReport } {
  const rng = createRng(s.seed);
  let totalW = 0;
  for (let i = 0; i < w.length; i++) totalW += w[i]!;
  const nInit = s.start ? 1 : s.nInit;
  let best: { params: DiscreteParams; ll: number; history: number[]; it: number; converged: boolean } | undefined;
  let bestInit = 0;
  const lowerBounds: number[] = [];
  for (let r = 0; r < nInit; r++) {
    let P = s.start ?? discreteMStep(rows, w, randomResp(rows.n, s.K, rng.fork(`init-${r}`)), s.K, blocks, s.alpha);
    const history: number[] = [];
    let ll = -Infinity;
    let converged = false;
    let it = 0;
    while (it < s.maxIter) {
      it++;
      const prev = ll;
      const e = eStep(rows, w, P, totalW);
      ll = e.ll;
      assertFiniteLogLikelihood(ll, s.estimator, it, r);
      history.push(ll);
      P = discreteMStep(rows, w, e.resp, s.K, blocks, s.alpha);
      options.onProgress?.({ phase: 'iteration', step: it, total: s.maxIter, value: ll });
      if (Math.abs(ll - prev) < s.tol) {
        converged = true;
        break;
      }
    }
    lowerBounds.push(ll);
    if (!best || ll > best.ll) {
      best = { params: P, ll, history, it, converged };
      bestInit = r;
    }
    options.onProgress?.({ phase: 'init', step: r + 1, total: nInit, value: ll });
  }
  const b = best!;
  return {
    params: b.params,
    report: {
      iterations: b.it,
      converged: b.converged,
      reason: b.converged ? 'tol' : 'max_iter',
      history: b.history,
      historyLabel: 'mean log-likelihood per EM iteration, under the parameters entering it (weighted when event weights are given)',
      details: { bestInit, lowerBound: b.ll, lowerBounds, alpha: s.alpha },
    },
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
  for (let i = 0; i < rows.n; i++) logDensity[i] = normaliseLogRow(lj, i * P.K, P.K) + rows.constant[i]!;
  return { resp: lj, logDensity };
}
