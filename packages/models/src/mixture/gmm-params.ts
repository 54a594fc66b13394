import { type DenseMatrix, cholesky, lowerInverse } from '@discern/linalg';
import { DiscernError, isDiscernError } from '@discern/core';
import { type Degeneracy, describeDegeneracy, degenerateFeatures, findDegeneracy } from '../degenerate.js';

/**
 * Parameters of a Gaussian mixture and the M-step that produces them. Layouts (row-major, flat Float64Array):
 *
 * - means: K×p.
 * - covariances: 'full' K×p×p, 'tied' p×p, 'diag' K×p (variances), 'spherical' K (one variance per component),
 *   as scikit-learn's `covariances_`; they include `regCovar` and any jitter that made the factorisation succeed.
 * - precChol: the inverse Cholesky factor of each covariance, L⁻¹ (lower triangular, row-major) for 'full' (K×p×p)
 *   and 'tied' (p×p), so that (x−μ)ᵀΣ⁻¹(x−μ) = ‖L⁻¹(x−μ)‖²; 1/σ for 'diag' (K×p) and 'spherical' (K).
 *   scikit-learn's `precisions_cholesky_` is the transpose U = L⁻ᵀ (upper, Σ⁻¹ = UUᵀ).
 * - logDetPrec: log det of the precision Cholesky factor per component = −½ log|Σ_k|.
 */
export type CovarianceType = 'full' | 'diag' | 'spherical' | 'tied';

export const COVARIANCE_TYPES: readonly CovarianceType[] = ['full', 'diag', 'spherical', 'tied'];

export interface GmmParams {
  readonly K: number;
  readonly p: number;
  readonly type: CovarianceType;
  readonly weights: Float64Array;
  readonly logWeights: Float64Array;
  readonly means: Float64Array;
  readonly covariances: Float64Array;
  readonly precChol: Float64Array;
  readonly logDetPrec: Float64Array;
}

/** A covariance that needed diagonal jitter beyond regCovar to factorise ('tied' reports component -1). */
export interface Regularised {
  readonly component: number;
  readonly jitter: number;
}

/** Shape of the covariances array per type (scikit-learn's `covariances_` shape). */
export function covarianceShape(type: CovarianceType, K: number, p: number): number[] {
  return type === 'full' ? [K, p, p] : type === 'tied' ? [p, p] : type === 'diag' ? [K, p] : [K];
}

/** Free parameters: K−1 weights, K·p means and the covariance entries (scikit-learn's `_n_parameters`). */
export function nParameters(type: CovarianceType, K: number, p: number): number {
  const cov = type === 'full' ? (K * p * (p + 1)) / 2 : type === 'tied' ? (p * (p + 1)) / 2 : type === 'diag' ? K * p : K;
  return cov + K * p + K - 1;
}

export interface FactorContext {
  readonly estimator: string;
  readonly regCovar: number;
  /** Effective weights N_k, named in errors. */
  readonly nk?: Float64Array;
  readonly negativeWeights?: boolean;
  /** No jitter: a loaded model's covariances must factorise as they are. */
  readonly strict?: boolean;
}

const JITTER_TRIES = 8;

/**
 * The error for a covariance that does not factorise; `d` says which features make it singular (variances of at
 * most 1e-12 of the largest, once regCovar is taken off, or collinear pairs), when they can be told.
 */
function singular(ctx: FactorContext, component: number, detail: string, d?: Degeneracy): DiscernError {
  const nk = ctx.nk && component >= 0 ? ctx.nk[component] : undefined;
  const who = component >= 0 ? `component ${component}` : 'the tied covariance';
  const neg = ctx.negativeWeights ? '; with negative event weights a weighted covariance can be indefinite, which no regularisation repairs' : '';
  const features = d ? degenerateFeatures(d) : [];
  return new DiscernError(
    'SINGULAR_COVARIANCE',
    (n) =>
      `${ctx.estimator}: the covariance of ${who}${nk !== undefined ? ` (effective weight N_k = ${nk})` : ''} is not positive definite${detail ? ' ' + detail : ''} (${n.option('regCovar')} = ${ctx.regCovar})${
        d && features.length > 0 ? `: ${describeDegeneracy(d, n, `in ${who}`)}` : ''
      }${neg}; increase ${n.option('regCovar')}, ${features.length > 0 ? 'remove or transform those features' : 'drop constant or duplicated features'}, or use fewer ${n.option('nComponents')}`,
    { estimator: ctx.estimator, component, effectiveWeight: nk, regCovar: ctx.regCovar, option: 'regCovar', ...(features.length > 0 ? { feature: features[0], degenerateFeatures: features } : {}) },
  );
}

/** The degeneracy of a p×p covariance block (or p variances when `diagonal`) with regCovar taken off its diagonal. */
function degeneracyOf(block: ArrayLike<number>, p: number, regCovar: number, diagonal: boolean): Degeneracy {
  const S = new Float64Array(p * p);
  let maxVar = 0;
  for (let a = 0; a < p; a++) {
    for (let b = 0; b <= a; b++) S[a * p + b] = diagonal ? 0 : block[a * p + b]!;
    S[a * p + a] = (diagonal ? block[a]! : block[a * p + a]!) - regCovar;
    maxVar = Math.max(maxVar, S[a * p + a]!);
  }
  return findDegeneracy(S, p, 1e-12 * maxVar);
}

/** Factorises a positive vector of variances in place (1/σ), with the same growing-jitter policy as linalg's cholesky. */
function factorVariances(v: Float64Array, off: number, len: number, out: Float64Array, component: number, ctx: FactorContext, reg: Regularised[]): number {
  let ok = true;
  let meanDiag = 0;
  for (let j = 0; j < len; j++) {
    const x = v[off + j]!;
    if (!Number.isFinite(x)) throw singular(ctx, component, `(a variance is ${x})`);
    if (!(x > 0)) ok = false;
    meanDiag += Math.abs(x) / len;
  }
  if (!ok) {
    let jitter = 1e-10 * (meanDiag > 0 ? meanDiag : 1);
    const tries = ctx.strict ? 0 : JITTER_TRIES;
    let t = 0;
    for (; t < tries; t++, jitter *= 10) {
      let all = true;
      for (let j = 0; j < len; j++) if (!(v[off + j]! + jitter > 0)) all = false;
      if (all) break;
    }
    if (t === tries) throw singular(ctx, component, tries ? `even with ${tries} diagonal jitter tries` : '', len > 1 ? degeneracyOf(v.subarray(off, off + len), len, ctx.regCovar, true) : undefined);
    for (let j = 0; j < len; j++) v[off + j]! += jitter;
    reg.push({ component, jitter });
  }
  let logDet = 0;
  for (let j = 0; j < len; j++) {
    const s = 1 / Math.sqrt(v[off + j]!);
    out[off + j] = s;
    logDet += Math.log(s);
  }
  return logDet;
}

function factorFull(cov: Float64Array, off: number, p: number, out: Float64Array, component: number, ctx: FactorContext, reg: Regularised[]): number {
  const block = cov.subarray(off, off + p * p);
  let res;
  try {
    res = cholesky(block, p, { maxTries: ctx.strict ? 0 : JITTER_TRIES });
  } catch (e) {
    if (isDiscernError(e)) throw singular(ctx, component, ctx.strict ? '' : `even with ${JITTER_TRIES} diagonal jitter tries`, degeneracyOf(block, p, ctx.regCovar, false));
    throw e;
  }
  if (res.jitter > 0) {
    // the stored covariance is the one actually used, so that covariances and precisions stay consistent
    for (let j = 0; j < p; j++) block[j * p + j]! += res.jitter;
    reg.push({ component, jitter: res.jitter });
  }
  const inv = lowerInverse(res.L, p);
  out.set(inv, off);
  let logDet = 0;
  for (let j = 0; j < p; j++) logDet += Math.log(inv[j * p + j]!);
  return logDet;
}

/** Builds the parameter set (precisions, log-determinants) from weights, means and covariances; may add jitter. */
export function makeParams(type: CovarianceType, K: number, p: number, weights: Float64Array, means: Float64Array, covariances: Float64Array, ctx: FactorContext, reg: Regularised[]): GmmParams {
  const precChol = new Float64Array(covariances.length);
  const logDetPrec = new Float64Array(K);
  if (type === 'full') for (let k = 0; k < K; k++) logDetPrec[k] = factorFull(covariances, k * p * p, p, precChol, k, ctx, reg);
  else if (type === 'tied') logDetPrec.fill(factorFull(covariances, 0, p, precChol, -1, ctx, reg));
  else if (type === 'diag') for (let k = 0; k < K; k++) logDetPrec[k] = factorVariances(covariances, k * p, p, precChol, k, ctx, reg);
  else for (let k = 0; k < K; k++) logDetPrec[k] = p * factorVariances(covariances, k, 1, precChol, k, ctx, reg);
  const logWeights = new Float64Array(K);
  for (let k = 0; k < K; k++) logWeights[k] = Math.log(weights[k]!);
  return { K, p, type, weights, logWeights, means, covariances, precChol, logDetPrec };
}

/**
 * Refuses a component whose effective weight N_k = Σ w_i r_ik is not positive: its mean and covariance would be
 * undefined (N_k = 0) or would point away from its data (N_k < 0, possible with negative event weights).
 */
export function checkEffectiveWeights(nk: Float64Array, estimator: string, stage: string, negativeWeights: boolean): void {
  for (let k = 0; k < nk.length; k++) {
    const v = nk[k]!;
    if (!(v > 0))
      throw new DiscernError(
        'FIT_DIVERGED',
        (n) =>
          `${estimator}: component ${k} has effective weight N_k = Σ w_i r_ik = ${v} ${stage}; a mixture component needs N_k > 0${
            negativeWeights ? ` (negative event weights outweigh the positive ones in its region: merge or drop them, or use fewer ${n.option('nComponents')})` : ` (no data left in it: use fewer ${n.option('nComponents')} or another ${n.option('init')})`
          }`,
        { estimator, component: k, effectiveWeight: v, stage },
      );
  }
}

/**
 * The M-step from explicit responsibilities (used once, at initialisation): two-pass weighted means and covariances,
 * as scikit-learn's `_estimate_gaussian_parameters` with per-event weights folded into the responsibilities.
 */
export function mStepFromResp(X: DenseMatrix, w: Float64Array, resp: Float64Array, K: number, type: CovarianceType, regCovar: number): { nk: Float64Array; means: Float64Array; covariances: Float64Array } {
  const { rows: n, cols: p, data } = X;
  const nk = new Float64Array(K);
  const means = new Float64Array(K * p);
  for (let i = 0; i < n; i++)
    for (let k = 0; k < K; k++) {
      const wr = w[i]! * resp[i * K + k]!;
      if (wr === 0) continue;
      nk[k]! += wr;
      for (let j = 0; j < p; j++) means[k * p + j]! += wr * data[i * p + j]!;
    }
  for (let k = 0; k < K; k++) for (let j = 0; j < p; j++) means[k * p + j]! /= nk[k]!;
  // second moments about the new means, per component (lower triangle for full/tied, diagonal otherwise)
  const full = type === 'full' || type === 'tied';
  const S = new Float64Array(full ? K * p * p : K * p);
  const d = new Float64Array(p);
  for (let i = 0; i < n; i++)
    for (let k = 0; k < K; k++) {
      const wr = w[i]! * resp[i * K + k]!;
      if (wr === 0) continue;
      for (let j = 0; j < p; j++) d[j] = data[i * p + j]! - means[k * p + j]!;
      if (full)
        for (let a = 0; a < p; a++) {
          const da = wr * d[a]!;
          for (let b = 0; b <= a; b++) S[k * p * p + a * p + b]! += da * d[b]!;
        }
      else for (let j = 0; j < p; j++) S[k * p + j]! += wr * d[j]! * d[j]!;
    }
  return { nk, means, covariances: covariancesFromMoments(S, nk, undefined, K, p, type, regCovar) };
}

/**
 * Covariances from per-component second moments S_k = Σ w_i r_ik (x_i − c_k)(x_i − c_k)ᵀ taken about centres c_k
 * that need not be the new means: Σ_k = S_k/N_k − δ_k δ_kᵀ with δ_k = μ_k − c_k (`delta`, K×p, absent when c = μ).
 * Only the lower triangle (full/tied) or the diagonal (diag/spherical: S is K×p) of S is read.
 */
export function covariancesFromMoments(S: Float64Array, nk: Float64Array, delta: Float64Array | undefined, K: number, p: number, type: CovarianceType, regCovar: number): Float64Array {
  if (type === 'full' || type === 'tied') {
    const out = new Float64Array(type === 'full' ? K * p * p : p * p);
    let total = 0;
    for (let k = 0; k < K; k++) total += nk[k]!;
    for (let k = 0; k < K; k++) {
      const o = type === 'full' ? k * p * p : 0;
      // full: Σ_k = S_k/N_k − δδᵀ; tied: Σ = Σ_k (S_k − N_k δδᵀ) / Σ_k N_k
      const scale = type === 'full' ? 1 / nk[k]! : 1 / total;
      const dscale = type === 'full' ? 1 : nk[k]! / total;
      for (let a = 0; a < p; a++)
        for (let b = 0; b <= a; b++) {
          let v = S[k * p * p + a * p + b]! * scale;
          if (delta) v -= dscale * delta[k * p + a]! * delta[k * p + b]!;
          out[o + a * p + b]! += v;
        }
    }
    const blocks = type === 'full' ? K : 1;
    for (let k = 0; k < blocks; k++) {
      const o = k * p * p;
      for (let a = 0; a < p; a++) {
        out[o + a * p + a]! += regCovar;
        for (let b = 0; b < a; b++) out[o + b * p + a] = out[o + a * p + b]!;
      }
    }
    return out;
  }
  const diag = new Float64Array(K * p);
  for (let k = 0; k < K; k++)
    for (let j = 0; j < p; j++) {
      let v = S[k * p + j]! / nk[k]!;
      if (delta) v -= delta[k * p + j]! * delta[k * p + j]!;
      diag[k * p + j] = v + regCovar;
    }
  if (type === 'diag') return diag;
  const sph = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    let s = 0;
    for (let j = 0; j < p; j++) s += diag[k * p + j]!;
    sph[k] = s / p;
  }
  return sph;
}
