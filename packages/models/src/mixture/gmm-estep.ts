import { type DenseMatrix, LOG_2PI } from '@discern/linalg';
import { normaliseLogRow } from './common.js';
import { type GmmParams } from './gmm-params.js';

/**
 * The E-step of a Gaussian mixture. log N(x | μ_k, Σ_k) = log|L_k⁻¹| − ½(p log 2π + ‖L_k⁻¹(x − μ_k)‖²) with the
 * precision Cholesky factor L_k⁻¹ computed once per M-step, so each row costs one triangular product per component.
 */

/** Sufficient statistics of one EM pass, taken about the current means (see `emPass`). */
export interface EmStats {
  readonly nk: Float64Array;
  /** Σ_i w_i r_ik (x_i − μ_k^old), K×p. */
  readonly m: Float64Array;
  /** Σ_i w_i r_ik (x_i − μ_k^old)(x_i − μ_k^old)ᵀ: lower triangles K×p×p (full, tied) or diagonals K×p (diag, spherical). */
  readonly S: Float64Array;
}

export function newStats(params: GmmParams): EmStats {
  const { K, p, type } = params;
  const full = type === 'full' || type === 'tied';
  return { nk: new Float64Array(K), m: new Float64Array(K * p), S: new Float64Array(full ? K * p * p : K * p) };
}

/** log π_k + log N(x_i | k) for component k of row i, writing x_i − μ_k into d[dOff..] on the way. */
function logJointRow(data: Float64Array, xo: number, P: GmmParams, k: number, d: Float64Array, dOff: number): number {
  const { p, means, precChol } = P;
  const mo = k * p;
  for (let j = 0; j < p; j++) d[dOff + j] = data[xo + j]! - means[mo + j]!;
  let q = 0;
  if (P.type === 'full' || P.type === 'tied') {
    const lo = P.type === 'full' ? k * p * p : 0;
    for (let a = 0; a < p; a++) {
      const row = lo + a * p;
      let s = 0;
      for (let b = 0; b <= a; b++) s += precChol[row + b]! * d[dOff + b]!;
      q += s * s;
    }
  } else if (P.type === 'diag') {
    for (let j = 0; j < p; j++) {
      const s = precChol[mo + j]! * d[dOff + j]!;
      q += s * s;
    }
  } else {
    const s = precChol[k]!;
    for (let j = 0; j < p; j++) q += d[dOff + j]! * d[dOff + j]!;
    q *= s * s;
  }
  return P.logWeights[k]! + P.logDetPrec[k]! - 0.5 * (p * LOG_2PI + q);
}

/** n×K log joint densities log π_k p(x_i | k). */
export function logJoint(X: DenseMatrix, P: GmmParams): Float64Array {
  const { rows: n, data } = X;
  const { K, p } = P;
  const out = new Float64Array(n * K);
  const d = new Float64Array(p);
  for (let i = 0; i < n; i++) for (let k = 0; k < K; k++) out[i * K + k] = logJointRow(data, i * p, P, k, d, 0);
  return out;
}

/**
 * One fused pass: E-step under P and, in the same sweep over the rows, the weighted sufficient statistics of the
 * M-step. The moments are taken about the current means μ_k^old, re-using the differences the E-step already formed;
 * the M-step then recovers μ_k = μ_k^old + m_k/N_k and Σ_k = S_k/N_k − δδᵀ. Because the new means differ little from
 * the old ones, this keeps the accuracy of the two-pass form without a second pass. Returns Σ_i w_i log p(x_i).
 */
export function emPass(X: DenseMatrix, w: Float64Array, P: GmmParams, st: EmStats): number {
  if (P.type === 'full' || P.type === 'tied') return emPassFull(X, w, P, st);
  const { rows: n, data } = X;
  const { K, p } = P;
  const { nk, m, S } = st;
  nk.fill(0);
  m.fill(0);
  S.fill(0);
  const lp = new Float64Array(K);
  const d = new Float64Array(K * p);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const xo = i * p;
    for (let k = 0; k < K; k++) lp[k] = logJointRow(data, xo, P, k, d, k * p);
    const wi = w[i]!;
    total += wi * normaliseLogRow(lp, 0, K);
    if (wi === 0) continue;
    for (let k = 0; k < K; k++) {
      const wr = wi * lp[k]!;
      if (wr === 0) continue; // an underflowed responsibility adds exactly nothing
      nk[k]! += wr;
      const dk = k * p;
      for (let j = 0; j < p; j++) {
        const da = wr * d[dk + j]!;
        m[dk + j]! += da;
        S[dk + j]! += da * d[dk + j]!;
      }
    }
  }
  return total;
}

/**
 * emPass for full and tied covariances, the hot loop of the package, written out with its locals hoisted. (A blocked,
 * BLAS-like arrangement — rows of a block in the inner loops — measured slower in V8 than this row-wise form.)
 */
function emPassFull(X: DenseMatrix, w: Float64Array, P: GmmParams, st: EmStats): number {
  const n = X.rows, data = X.data;
  const K = P.K, p = P.p, pp = p * p;
  const means = P.means, L = P.precChol, logW = P.logWeights, logDet = P.logDetPrec;
  const tied = P.type === 'tied';
  const nk = st.nk, m = st.m, S = st.S;
  nk.fill(0);
  m.fill(0);
  S.fill(0);
  const lp = new Float64Array(K);
  const d = new Float64Array(K * p);
  const c0 = new Float64Array(K);
  for (let k = 0; k < K; k++) c0[k] = logW[k]! + logDet[k]! - 0.5 * p * LOG_2PI;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const xo = i * p;
    let max = -Infinity;
    for (let k = 0; k < K; k++) {
      const dk = k * p;
      for (let j = 0; j < p; j++) d[dk + j] = data[xo + j]! - means[dk + j]!;
      const lo = tied ? 0 : k * pp;
      let q = 0;
      for (let a = 0; a < p; a++) {
        const row = lo + a * p;
        let s = 0;
        for (let b = 0; b <= a; b++) s += L[row + b]! * d[dk + b]!;
        q += s * s;
      }
      const v = c0[k]! - 0.5 * q;
      lp[k] = v;
      if (v > max) max = v;
    }
    const wi = w[i]!;
    if (!(max > -Infinity) || max === Infinity) {
      total += wi * max; // non-finite: the caller stops the fit with FIT_DIVERGED
      continue;
    }
    let sum = 0;
    for (let k = 0; k < K; k++) {
      const e = Math.exp(lp[k]! - max);
      lp[k] = e;
      sum += e;
    }
    total += wi * (max + Math.log(sum));
    if (wi === 0) continue;
    const scale = wi / sum;
    for (let k = 0; k < K; k++) {
      const wr = lp[k]! * scale;
      if (wr === 0) continue; // an underflowed responsibility adds exactly nothing
      nk[k]! += wr;
      const dk = k * p;
      const so = k * pp;
      for (let a = 0; a < p; a++) {
        const da = wr * d[dk + a]!;
        m[dk + a]! += da;
        const row = so + a * p;
        for (let b = 0; b <= a; b++) S[row + b]! += da * d[dk + b]!;
      }
    }
  }
  return total;
}
