import { type DenseMatrix, symmetricEigenvalues } from '@discern/linalg';
import { type FitOptions } from '../estimator.js';
import { checkMemory, doubles } from '../resources.js';
import { checkFitInput, classMeans, classWeights, resolvePriors } from './common.js';

/** Per class: the weighted scatter Σ_i w_i (x_i − μ_k)(x_i − μ_k)ᵀ (p×p row-major) and Σ_i w_i². */
export interface ClassScatter {
  readonly scatter: Float64Array;
  readonly sumW2: number;
}

export function classScatters(X: DenseMatrix, y: Int32Array, K: number, w: Float64Array | undefined, means: DenseMatrix): ClassScatter[] {
  const p = X.cols;
  const S = Array.from({ length: K }, () => new Float64Array(p * p));
  const sw2 = new Float64Array(K);
  const d = new Float64Array(p);
  for (let i = 0; i < X.rows; i++) {
    const k = y[i]!, wi = w ? w[i]! : 1;
    if (wi === 0) continue;
    sw2[k]! += wi * wi;
    const s = S[k]!;
    for (let j = 0; j < p; j++) d[j] = X.data[i * p + j]! - means.data[k * p + j]!;
    for (let a = 0; a < p; a++) {
      const wa = wi * d[a]!;
      for (let b = 0; b <= a; b++) s[a * p + b]! += wa * d[b]!;
    }
  }
  for (const s of S) for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) s[b * p + a] = s[a * p + b]!;
  return S.map((scatter, k) => ({ scatter, sumW2: sw2[k]! }));
}

/**
 * What LDA and QDA fit from: the checked input's number of classes K, the per-class total weights, the priors
 * (given, or the weighted class fractions), the K×p class means and the per-class scatters about them.
 */
export function gaussianClassStats(
  X: DenseMatrix,
  y: Int32Array,
  options: FitOptions,
  givenPriors: readonly number[] | undefined,
  estimator: string,
): { K: number; totals: Float64Array; priors: Float64Array; means: DenseMatrix; scat: ClassScatter[] } {
  const K = checkFitInput(X, y, options, estimator);
  const p = X.cols;
  // a p×p scatter per class, then the covariances and their Cholesky factors
  checkMemory(estimator, [['class covariance matrices', doubles(3 * K * p * p + 2 * K * p)]], () => `use fewer features (now ${p}, ${K} classes)`);
  const w = options.weights;
  const totals = classWeights(y, K, w, estimator);
  const priors = resolvePriors(givenPriors, totals, estimator);
  const means = classMeans(X, y, K, w, totals);
  return { K, totals, priors, means, scat: classScatters(X, y, K, w, means) };
}

/**
 * Number of singular values sqrt(λ) of a scatter matrix above `tol` (sklearn's rank test on centred data); the
 * eigenvalues come from linalg's symmetricEigenvalues (ml-matrix's symmetric decomposition).
 */
export function scatterRank(scatter: Float64Array, p: number, tol: number): number {
  let r = 0;
  for (const l of symmetricEigenvalues(scatter, p)) if (l > 0 && Math.sqrt(l) > tol) r++;
  return r;
}

/** Σ ← (1 − s)Σ + s·tr(Σ)/p·I (sklearn's shrunk_covariance), in place. */
export function shrinkToTrace(cov: Float64Array, p: number, s: number): void {
  let tr = 0;
  for (let j = 0; j < p; j++) tr += cov[j * p + j]!;
  for (let k = 0; k < cov.length; k++) cov[k]! *= 1 - s;
  for (let j = 0; j < p; j++) cov[j * p + j]! += (s * tr) / p;
}

/**
 * Ledoit–Wolf shrunk covariance of one class, as sklearn's LDA with shrinkage='auto': the rows are standardised
 * (ddof 0; a zero scale is taken as 1), the Ledoit–Wolf (2004) intensity is computed on them, and the shrunk
 * matrix is scaled back. Weighted moments generalise the means; 1/n becomes Σw²/(Σw)² (1/n_eff), which equals
 * sklearn's formula for unit weights. Returns the covariance and the shrinkage intensity.
 */
export function ledoitWolfClass(X: DenseMatrix, rows: readonly number[], w: Float64Array | undefined, mean: ArrayLike<number>): { cov: Float64Array; shrinkage: number } {
  const p = X.cols;
  let W = 0, W2 = 0;
  const sc = new Float64Array(p);
  for (const i of rows) {
    const wi = w ? w[i]! : 1;
    W += wi;
    W2 += wi * wi;
    for (let j = 0; j < p; j++) sc[j]! += wi * (X.data[i * p + j]! - mean[j]!) ** 2;
  }
  for (let j = 0; j < p; j++) {
    const s = Math.sqrt(sc[j]! / W);
    sc[j] = s > 0 ? s : 1;
  }
  const emp = new Float64Array(p * p);
  const z = new Float64Array(p);
  let beta_ = 0;
  for (const i of rows) {
    const wi = w ? w[i]! : 1;
    let nz = 0;
    for (let j = 0; j < p; j++) {
      z[j] = (X.data[i * p + j]! - mean[j]!) / sc[j]!;
      nz += z[j]! * z[j]!;
    }
    beta_ += wi * nz * nz;
    for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) emp[a * p + b]! += wi * z[a]! * z[b]!;
  }
  let tr = 0, fro = 0;
  for (let k = 0; k < emp.length; k++) {
    emp[k]! /= W;
    fro += emp[k]! ** 2;
  }
  for (let j = 0; j < p; j++) tr += emp[j * p + j]!;
  const mu = tr / p;
  let beta = ((W2 / (W * W)) * (beta_ / W - fro)) / p;
  const delta = (fro - 2 * mu * tr + p * mu * mu) / p;
  beta = Math.min(beta, delta);
  const shrinkage = beta === 0 ? 0 : beta / delta;
  const cov = new Float64Array(p * p);
  for (let a = 0; a < p; a++)
    for (let b = 0; b < p; b++) cov[a * p + b] = ((1 - shrinkage) * emp[a * p + b]! + (a === b ? shrinkage * mu : 0)) * sc[a]! * sc[b]!;
  return { cov, shrinkage };
}
