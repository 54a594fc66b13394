/**
 * The likelihood-ratio test (classification chapter §5.3.1): L(x) = p(x|C2)/p(x|C1), decide C2 (class index 1)
 * when L(x) > ξ and C1 (class index 0) otherwise. Neyman–Pearson and minimum Bayes risk are both this test,
 * with different thresholds ξ.
 *
 * Ties: L(x) = ξ decides C1. The chapter's optimal region is R2 = {L > γ}, and at L = ξ both decisions have the
 * same Bayes risk; sending ties to the lower class index matches the K-class argmin rule (minRiskDecide).
 * Empirical Neyman–Pearson thresholds on a score use `score ≥ t` instead (see neyman-pearson.ts).
 */
import { DiscernError } from '@discern/core';
import { checkFiniteVector, checkSameLength } from './validate.js';

/** ln L = ln p(x|C2) − ln p(x|C1) per event, from per-class log-densities (−∞ allowed; both −∞ is an error). */
export function logLikelihoodRatio(logp1: ArrayLike<number>, logp2: ArrayLike<number>): Float64Array {
  const fn = 'logLikelihoodRatio';
  checkSameLength(logp1, logp2, 'logp1', 'logp2', fn);
  const out = new Float64Array(logp1.length);
  for (let i = 0; i < out.length; i++) {
    const a = logp1[i]!, b = logp2[i]!;
    if (Number.isNaN(a) || Number.isNaN(b) || a === Infinity || b === Infinity || (a === -Infinity && b === -Infinity)) {
      throw new DiscernError(
        'DATA_INVALID',
        `${fn}: log-densities at index ${i} are ln p(x|C1) = ${a}, ln p(x|C2) = ${b}; each must be finite or −∞, and not both −∞ (L would be 0/0)`,
        { function: fn, index: i, logp1: a, logp2: b },
      );
    }
    out[i] = b - a;
  }
  return out;
}

/** Decide on log-likelihood ratios: 1 (C2) where llr > ln ξ, else 0 (C1). ±∞ scores are accepted, NaN is not. */
export function lrtDecide(llr: ArrayLike<number>, logXi: number): Int32Array {
  const fn = 'lrtDecide';
  if (Number.isNaN(logXi)) throw new DiscernError('INVALID_ARGUMENT', `${fn}: ln ξ must be a number (±Infinity allowed), got NaN`, { logXi });
  checkFiniteVector(llr, 'log-likelihood ratio', fn, true);
  const out = new Int32Array(llr.length);
  for (let i = 0; i < out.length; i++) out[i] = llr[i]! > logXi ? 1 : 0;
  return out;
}

/**
 * Decide on density values p(x|C1), p(x|C2) ≥ 0 against ξ > 0. Compared as p2 > ξ·p1, so that p1 = 0 needs no
 * division (any p2 > 0 then decides C2); p1 = p2 = 0 (x outside both supports) is an error.
 */
export function lrtDecideDensities(p1: ArrayLike<number>, p2: ArrayLike<number>, xi: number): Int32Array {
  const fn = 'lrtDecideDensities';
  if (!(xi >= 0) || Number.isNaN(xi)) throw new DiscernError('INVALID_ARGUMENT', `${fn}: ξ must be ≥ 0 (+Infinity allowed), got ${xi}`, { xi });
  checkSameLength(p1, p2, 'p1', 'p2', fn);
  const out = new Int32Array(p1.length);
  for (let i = 0; i < out.length; i++) {
    const a = p1[i]!, b = p2[i]!;
    if (!(a >= 0 && b >= 0 && Number.isFinite(a) && Number.isFinite(b)) || (a === 0 && b === 0)) {
      throw new DiscernError('DATA_INVALID', `${fn}: densities at index ${i} are p(x|C1) = ${a}, p(x|C2) = ${b}; each must be finite and ≥ 0, not both 0`, { function: fn, index: i, p1: a, p2: b });
    }
    // ξ = +∞ never decides C2; Infinity·0 would be NaN.
    out[i] = xi === Infinity ? 0 : b > xi * a ? 1 : 0;
  }
  return out;
}
