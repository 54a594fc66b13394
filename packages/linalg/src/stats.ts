import { type CholeskyResult, logDetFromCholesky, solveLower } from './cholesky.js';
import { assertArg } from '@discern/core';
import { type DenseMatrix } from './matrix.js';

const LOG_2PI = Math.log(2 * Math.PI);

/** Column means of X, weighted by w when given (weights may be negative; their sum must not be 0). */
export function weightedMean(X: DenseMatrix, w?: ArrayLike<number>): Float64Array {
  const { rows: n, cols: p, data } = X;
  const mean = new Float64Array(p);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const wi = w ? w[i]! : 1;
    total += wi;
    for (let j = 0; j < p; j++) mean[j]! += wi * data[i * p + j]!;
  }
  assertArg(total !== 0, 'weightedMean: the weights sum to zero');
  for (let j = 0; j < p; j++) mean[j]! /= total;
  return mean;
}

/**
 * Weighted covariance Σ_i w_i (x_i - μ)(x_i - μ)ᵀ / Σ_i w_i (the maximum-likelihood, "biased" form that EM and
 * QDA use; pass `ddof = 1` for the unbiased form with unit weights). Returns a p×p row-major matrix.
 */
export function weightedCovariance(X: DenseMatrix, w?: ArrayLike<number>, mean?: ArrayLike<number>, ddof = 0): Float64Array {
  const { rows: n, cols: p, data } = X;
  const mu = mean ?? weightedMean(X, w);
  const cov = new Float64Array(p * p);
  const d = new Float64Array(p);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const wi = w ? w[i]! : 1;
    total += wi;
    for (let j = 0; j < p; j++) d[j] = data[i * p + j]! - mu[j]!;
    for (let a = 0; a < p; a++) {
      const wa = wi * d[a]!;
      for (let b = 0; b <= a; b++) cov[a * p + b]! += wa * d[b]!;
    }
  }
  const denom = total - ddof;
  assertArg(denom !== 0, 'weightedCovariance: the weights sum to zero');
  for (let a = 0; a < p; a++)
    for (let b = 0; b <= a; b++) {
      const v = cov[a * p + b]! / denom;
      cov[a * p + b] = v;
      cov[b * p + a] = v;
    }
  return cov;
}

/** Unweighted column variances (ddof 0) — cheap path for standardisation and naive Bayes. */
export function columnVariance(X: DenseMatrix, w?: ArrayLike<number>, mean?: ArrayLike<number>): Float64Array {
  const { rows: n, cols: p, data } = X;
  const mu = mean ?? weightedMean(X, w);
  const v = new Float64Array(p);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const wi = w ? w[i]! : 1;
    total += wi;
    for (let j = 0; j < p; j++) {
      const d = data[i * p + j]! - mu[j]!;
      v[j]! += wi * d * d;
    }
  }
  assertArg(total !== 0, 'columnVariance: the weights sum to zero');
  for (let j = 0; j < p; j++) v[j]! /= total;
  return v;
}

/**
 * log N(x | μ, Σ) given Σ's Cholesky factor L: c − ½‖L⁻¹(x−μ)‖² with c = −½(p log 2π + log|Σ|). `scratch` (length
 * p) avoids allocation in hot loops. The one multivariate normal log-density of discern (QDA, the Gaussian class
 * density; `mvnLogPdfRows` is the same arithmetic over the rows of a matrix). The Gaussian mixture's E-step keeps
 * its own fused form over the precision factor L⁻¹, tested against this one.
 */
export function mvnLogPdf(x: ArrayLike<number>, mean: ArrayLike<number>, chol: CholeskyResult, logDet = logDetFromCholesky(chol), scratch = new Float64Array(chol.n)): number {
  const p = chol.n;
  for (let j = 0; j < p; j++) scratch[j] = x[j]! - mean[j]!;
  solveLower(chol.L, p, scratch, scratch);
  let q = 0;
  for (let j = 0; j < p; j++) q += scratch[j]! * scratch[j]!;
  return mvnLogNormaliser(p, logDet) - 0.5 * q;
}

/** c = −½(p log 2π + log|Σ|), the constant part of a p-variate normal log-density. */
export function mvnLogNormaliser(p: number, logDet: number): number {
  return -0.5 * (p * LOG_2PI + logDet);
}

/**
 * out[outOffset + i·outStride] = (shift + c) − ½‖L⁻¹(x_i − μ)‖² for every row x_i of X: mvnLogPdf over a matrix,
 * with a constant `shift` folded into c first (a class's log prior, for a joint log-likelihood log π_k + log p(x|k)).
 * Returns out.
 */
export function mvnLogPdfRows(X: DenseMatrix, mean: ArrayLike<number>, chol: CholeskyResult, out: Float64Array, outOffset = 0, outStride = 1, shift = 0, logDet = logDetFromCholesky(chol)): Float64Array {
  const p = chol.n, n = X.rows, data = X.data, L = chol.L;
  assertArg(X.cols === p, `mvnLogPdfRows: X has ${X.cols} columns, the covariance is ${p}×${p}`);
  const c = shift - 0.5 * (p * LOG_2PI + logDet);
  const z = new Float64Array(p);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) z[j] = data[i * p + j]! - mean[j]!;
    solveLower(L, p, z, z);
    let q = 0;
    for (let j = 0; j < p; j++) q += z[j]! * z[j]!;
    out[outOffset + i * outStride] = c - 0.5 * q;
  }
  return out;
}

/** log N(x | μ, σ²) for a scalar. */
export function normalLogPdf(x: number, mean: number, variance: number): number {
  const d = x - mean;
  return -0.5 * (LOG_2PI + Math.log(variance) + (d * d) / variance);
}

export { LOG_2PI };
