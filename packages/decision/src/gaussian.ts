/**
 * Analytic likelihood-ratio tests between two Gaussian classes, C1 (null, background) and C2 (signal).
 *
 * 1-D, N(μ1, σ1²) vs N(μ2, σ2²): ln L(x) = a x² + b x + c with
 *   a = 1/(2σ1²) − 1/(2σ2²),  b = μ2/σ2² − μ1/σ1²,  c = μ1²/(2σ1²) − μ2²/(2σ2²) + ln(σ1/σ2).
 * Equal variances (a = 0): the LR test is a cut on x, and at level α (classification chapter §5.3.4)
 *   t = μ1 + σ Q⁻¹(α) (μ2 > μ1),  power = Q(Q⁻¹(α) − d),  d = |μ2 − μ1|/σ.
 * Unequal variances: the region {ln L > ln γ} is two-sided (σ2 > σ1: x outside [r1, r2]) or an interval
 * (σ2 < σ1: x inside (r1, r2)); ln γ at level α is found by bisection, α(ln γ) being monotone.
 *
 * Multivariate with a shared covariance Σ: ln L(x) = wᵀx − wᵀ(μ1+μ2)/2 with the LDA direction w = Σ⁻¹(μ2 − μ1);
 * wᵀx is N(wᵀμ_k, Δ²) under C_k with Δ² = (μ2 − μ1)ᵀΣ⁻¹(μ2 − μ1), so power = Q(Q⁻¹(α) − Δ).
 */
import { type DenseMatrix, cholesky, choleskySolve, dot } from '@discern/linalg';
import { DiscernError, normCdf, normIsf, normSf } from '@discern/core';
import { checkAlpha } from './validate.js';

/** A 1-D normal class density N(mean, sd²). */
export interface Gaussian1D {
  readonly mean: number;
  readonly sd: number;
}

/** A cut x > threshold ('above') or x < threshold ('below') that decides C2. */
export interface GaussianCut {
  readonly threshold: number;
  readonly direction: 'above' | 'below';
}

export interface GaussianTestResult {
  /** ln γ, the threshold on ln L(x): decide C2 when ln L(x) > ln γ. */
  readonly logGamma: number;
  /** The decision region R2 of C2 as a union of disjoint open intervals (ends may be ±Infinity; [] when empty). */
  readonly region: Array<[number, number]>;
  /** The equivalent cut on x when R2 is a half-line (always for equal variances), otherwise null. */
  readonly cut: GaussianCut | null;
  /** Type I error P(x ∈ R2 | C1), the false-positive rate. */
  readonly alpha: number;
  /** Type II error P(x ∉ R2 | C2), computed directly (not as 1 − power) to keep precision in the tails. */
  readonly beta: number;
  /** Power P(x ∈ R2 | C2), the signal efficiency. */
  readonly power: number;
}

export interface CutErrors {
  readonly threshold: number;
  readonly direction: 'above' | 'below';
  readonly alpha: number;
  readonly beta: number;
  readonly power: number;
}

function checkGaussian(g: Gaussian1D, what: string, fn: string): void {
  if (!Number.isFinite(g.mean) || !(g.sd > 0 && Number.isFinite(g.sd))) {
    throw new DiscernError('INVALID_ARGUMENT', `${fn}: ${what} needs a finite mean and a finite sd > 0, got mean = ${g.mean}, sd = ${g.sd}`, { function: fn, what, mean: g.mean, sd: g.sd });
  }
}

function coefficients(c1: Gaussian1D, c2: Gaussian1D): { a: number; b: number; c: number } {
  const v1 = c1.sd * c1.sd, v2 = c2.sd * c2.sd;
  return {
    a: 0.5 / v1 - 0.5 / v2,
    b: c2.mean / v2 - c1.mean / v1,
    c: (c1.mean * c1.mean) / (2 * v1) - (c2.mean * c2.mean) / (2 * v2) + Math.log(c1.sd / c2.sd),
  };
}

/** ln L(x) = ln p(x|C2) − ln p(x|C1) for two 1-D normal classes. */
export function gaussianLogLikelihoodRatio(x: number, c1: Gaussian1D, c2: Gaussian1D): number {
  const z1 = (x - c1.mean) / c1.sd, z2 = (x - c2.mean) / c2.sd;
  return 0.5 * (z1 * z1 - z2 * z2) + Math.log(c1.sd / c2.sd);
}

/** P(lo < X < hi) for X ~ N(μ, σ²), using whichever tail keeps relative precision. */
function intervalProbability(lo: number, hi: number, g: Gaussian1D): number {
  const z1 = (lo - g.mean) / g.sd, z2 = (hi - g.mean) / g.sd;
  return z1 > 0 ? normSf(z1) - normSf(z2) : normCdf(z2) - normCdf(z1);
}

function regionProbability(region: Array<[number, number]>, g: Gaussian1D): number {
  let s = 0;
  for (const [lo, hi] of region) s += intervalProbability(lo, hi, g);
  return s;
}

function complement(region: Array<[number, number]>): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let start = -Infinity;
  for (const [lo, hi] of region) {
    if (lo > start) out.push([start, lo]);
    start = hi;
  }
  if (start < Infinity) out.push([start, Infinity]);
  return out;
}

/** R2 = {x : a x² + b x + c > ln γ}, roots by the cancellation-free form of the quadratic formula. */
function regionAt(a: number, b: number, c: number, logGamma: number): Array<[number, number]> {
  const c0 = c - logGamma;
  if (a === 0) {
    const t = -c0 / b;
    return b > 0 ? [[t, Infinity]] : [[-Infinity, t]];
  }
  const disc = b * b - 4 * a * c0;
  if (!(disc > 0)) return a > 0 ? [[-Infinity, Infinity]] : [];
  const q = -0.5 * (b + (b >= 0 ? 1 : -1) * Math.sqrt(disc));
  let r1 = q / a, r2 = c0 / q;
  if (q === 0) r1 = r2 = 0;
  if (r1 > r2) [r1, r2] = [r2, r1];
  return a > 0 ? [[-Infinity, r1], [r2, Infinity]] : [[r1, r2]];
}

function resultAt(c1: Gaussian1D, c2: Gaussian1D, logGamma: number, abc: { a: number; b: number; c: number }): GaussianTestResult {
  const region = regionAt(abc.a, abc.b, abc.c, logGamma);
  let cut: GaussianCut | null = null;
  if (region.length === 1) {
    const [lo, hi] = region[0]!;
    if (hi === Infinity && lo > -Infinity) cut = { threshold: lo, direction: 'above' };
    else if (lo === -Infinity && hi < Infinity) cut = { threshold: hi, direction: 'below' };
  }
  return {
    logGamma,
    region,
    cut,
    alpha: regionProbability(region, c1),
    beta: regionProbability(complement(region), c2),
    power: regionProbability(region, c2),
  };
}

/** Two valid, different 1-D classes, and the coefficients of ln L(x). */
export function checkPair(c1: Gaussian1D, c2: Gaussian1D, fn: string): { a: number; b: number; c: number } {
  checkGaussian(c1, 'class C1', fn);
  checkGaussian(c2, 'class C2', fn);
  if (c1.mean === c2.mean && c1.sd === c2.sd) {
    throw new DiscernError('INVALID_ARGUMENT', `${fn}: C1 and C2 are the same distribution N(${c1.mean}, ${c1.sd}²); L(x) ≡ 1 and no test has power above α`, { function: fn });
  }
  return coefficients(c1, c2);
}

/** Type I/II errors and power of the likelihood-ratio test ln L(x) > ln γ between two 1-D normal classes. */
export function gaussianErrorsAtLogGamma(c1: Gaussian1D, c2: Gaussian1D, logGamma: number): GaussianTestResult {
  const abc = checkPair(c1, c2, 'gaussianErrorsAtLogGamma');
  if (Number.isNaN(logGamma)) throw new DiscernError('INVALID_ARGUMENT', 'gaussianErrorsAtLogGamma: ln γ must be a number, got NaN', {});
  return resultAt(c1, c2, logGamma, abc);
}

/**
 * The most powerful test at level α between two 1-D normal classes (Neyman–Pearson): closed form for equal
 * variances, bisection on ln γ (to double precision) otherwise.
 */
export function gaussianNeymanPearson(c1: Gaussian1D, c2: Gaussian1D, alpha: number): GaussianTestResult {
  const fn = 'gaussianNeymanPearson';
  const abc = checkPair(c1, c2, fn);
  checkAlpha(alpha, fn);
  const { a, b, c } = abc;
  if (a === 0) {
    // Closed form: x > μ1 + σ Q⁻¹(α) (or x < μ1 − σ Q⁻¹(α) when μ2 < μ1).
    const t = b > 0 ? c1.mean + c1.sd * normIsf(alpha) : c1.mean - c1.sd * normIsf(alpha);
    const res = resultAt(c1, c2, b * t + c, abc);
    // Report the cut exactly at t (b·t + c then −c/b can differ from t by an ulp or two).
    const cut: GaussianCut = { threshold: t, direction: b > 0 ? 'above' : 'below' };
    const region: Array<[number, number]> = b > 0 ? [[t, Infinity]] : [[-Infinity, t]];
    const d = Math.abs(c2.mean - c1.mean) / c1.sd;
    return { ...res, region, cut, alpha, power: normSf(normIsf(alpha) - d), beta: normCdf(normIsf(alpha) - d) };
  }
  const alphaAt = (lg: number): number => regionProbability(regionAt(a, b, c, lg), c1);
  // Bracket ln γ: α decreases from 1 to 0 as ln γ grows. For a > 0 ln L ≥ its vertex value m (α = 1 at m).
  const vertex = c - (b * b) / (4 * a);
  let lo: number, hi: number;
  if (a > 0) {
    lo = vertex;
    hi = vertex + 1;
    while (alphaAt(hi) > alpha) hi = vertex + 2 * (hi - vertex);
  } else {
    hi = vertex; // α = 0 at and above the maximum of ln L
    lo = vertex - 1;
    while (alphaAt(lo) < alpha) lo = vertex - 2 * (vertex - lo);
  }
  for (let it = 0; it < 200 && hi - lo > 1e-15 * Math.max(1, Math.abs(lo), Math.abs(hi)); it++) {
    const mid = 0.5 * (lo + hi);
    if (alphaAt(mid) > alpha) lo = mid;
    else hi = mid;
  }
  return resultAt(c1, c2, 0.5 * (lo + hi), abc);
}

/** Errors of the cut test "decide C2 when x > t" ('above', default when μ2 ≥ μ1) or "x < t" ('below'). */
export function gaussianErrorsAtThreshold(c1: Gaussian1D, c2: Gaussian1D, threshold: number, direction?: 'above' | 'below'): CutErrors {
  const fn = 'gaussianErrorsAtThreshold';
  checkGaussian(c1, 'class C1', fn);
  checkGaussian(c2, 'class C2', fn);
  if (Number.isNaN(threshold)) throw new DiscernError('INVALID_ARGUMENT', `${fn}: the threshold must be a number, got NaN`, {});
  const dir = direction ?? (c2.mean >= c1.mean ? 'above' : 'below');
  const z1 = (threshold - c1.mean) / c1.sd, z2 = (threshold - c2.mean) / c2.sd;
  if (dir === 'above') return { threshold, direction: dir, alpha: normSf(z1), beta: normCdf(z2), power: normSf(z2) };
  return { threshold, direction: dir, alpha: normCdf(z1), beta: normSf(z2), power: normCdf(z2) };
}

/** Two multivariate normal classes sharing one covariance matrix Σ (p×p, positive definite). */
export interface SharedCovarianceGaussians {
  readonly mean1: ArrayLike<number>;
  readonly mean2: ArrayLike<number>;
  readonly covariance: DenseMatrix;
}

export interface LdaTestResult {
  /** w = Σ⁻¹(μ2 − μ1), the Fisher/LDA direction: ln L(x) = wᵀx − offset. */
  readonly direction: Float64Array;
  /** wᵀ(μ1 + μ2)/2. */
  readonly offset: number;
  /** Δ = √((μ2 − μ1)ᵀΣ⁻¹(μ2 − μ1)), the Mahalanobis distance between the means. */
  readonly mahalanobis: number;
  /** Decide C2 when wᵀx > threshold. */
  readonly threshold: number;
  /** ln γ = threshold − offset. */
  readonly logGamma: number;
  readonly alpha: number;
  readonly beta: number;
  readonly power: number;
}

function ldaSetup(g: SharedCovarianceGaussians, fn: string): { w: Float64Array; offset: number; delta: number; m1: number; m2: number } {
  const p = g.mean1.length;
  if (p === 0 || g.mean2.length !== p || g.covariance.rows !== p || g.covariance.cols !== p) {
    throw new DiscernError(
      'INVALID_ARGUMENT',
      `${fn}: mean1 (${p}), mean2 (${g.mean2.length}) and the covariance (${g.covariance.rows}×${g.covariance.cols}) must agree in dimension p ≥ 1`,
      { function: fn },
    );
  }
  const diff = new Float64Array(p);
  for (let k = 0; k < p; k++) {
    const u = g.mean1[k]!, v = g.mean2[k]!;
    if (!Number.isFinite(u) || !Number.isFinite(v)) throw new DiscernError('INVALID_ARGUMENT', `${fn}: the means must be finite, got ${u} and ${v} at component ${k}`, { function: fn, component: k });
    diff[k] = v - u;
  }
  const w = choleskySolve(cholesky(g.covariance.data, p, { what: 'the shared covariance' }), diff);
  const delta2 = dot(diff, w);
  if (!(delta2 > 0)) throw new DiscernError('INVALID_ARGUMENT', `${fn}: the two means coincide (Δ = 0); no test has power above α`, { function: fn });
  const m1 = dot(w, g.mean1), m2 = dot(w, g.mean2);
  return { w, offset: 0.5 * (m1 + m2), delta: Math.sqrt(delta2), m1, m2 };
}

function ldaResult(s: ReturnType<typeof ldaSetup>, threshold: number): LdaTestResult {
  const z1 = (threshold - s.m1) / s.delta, z2 = (threshold - s.m2) / s.delta;
  return {
    direction: s.w,
    offset: s.offset,
    mahalanobis: s.delta,
    threshold,
    logGamma: threshold - s.offset,
    alpha: normSf(z1),
    beta: normCdf(z2),
    power: normSf(z2),
  };
}

/** The Neyman–Pearson test at level α for two Gaussians with a shared covariance: wᵀx > wᵀμ1 + Δ Q⁻¹(α). */
export function ldaNeymanPearson(g: SharedCovarianceGaussians, alpha: number): LdaTestResult {
  const fn = 'ldaNeymanPearson';
  checkAlpha(alpha, fn);
  const s = ldaSetup(g, fn);
  const qa = normIsf(alpha);
  const res = ldaResult(s, s.m1 + s.delta * qa);
  // The closed forms, exact rather than re-derived from the rounded threshold.
  return { ...res, alpha, power: normSf(qa - s.delta), beta: normCdf(qa - s.delta) };
}

/** Errors of the LDA test at a given threshold on wᵀx, or at a given ln γ (threshold = ln γ + offset). */
export function ldaErrorsAt(g: SharedCovarianceGaussians, at: { threshold: number } | { logGamma: number }): LdaTestResult {
  const fn = 'ldaErrorsAt';
  const s = ldaSetup(g, fn);
  const t = 'threshold' in at ? at.threshold : at.logGamma + s.offset;
  if (Number.isNaN(t)) throw new DiscernError('INVALID_ARGUMENT', `${fn}: the threshold must be a number, got NaN`, {});
  return ldaResult(s, t);
}
