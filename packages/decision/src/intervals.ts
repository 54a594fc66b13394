/**
 * Binomial confidence intervals for efficiencies (false-positive rate, power): Clopper–Pearson (exact, via the
 * inverse of the regularised incomplete beta function) and Wilson (score interval).
 *
 * The numerics live in @discern/metrics (clopperPearson, wilson, betaInc, betaIncInv, logGamma, checked against
 * scipy there); this module keeps decision's public names and its [lo, hi] tuple form, and checks arguments with
 * decision's messages (the function name, the offending value, what is accepted).
 *
 * Weighted samples enter through effective counts (n_eff = (Σw)²/Σw², k_eff = p̂·n_eff), which the beta
 * functions accept as real numbers — the usual approximation (e.g. ROOT's TEfficiency with weights).
 */
import { DiscernError } from '@discern/linalg';
import { betaInc, betaIncInv, clopperPearson as cpInterval, logGamma as metricsLogGamma, wilson } from '@discern/metrics';

/** ln Γ(x) for x > 0. */
export function logGamma(x: number): number {
  if (!(x > 0)) throw new DiscernError('INVALID_ARGUMENT', `logGamma: x must be positive, got ${x}`, { value: x });
  if (x === Infinity) return Infinity;
  return metricsLogGamma(x);
}

function checkShape(a: number, b: number, fn: string): void {
  if (!(a > 0 && b > 0 && Number.isFinite(a) && Number.isFinite(b))) {
    throw new DiscernError('INVALID_ARGUMENT', `${fn}: the shape parameters must be finite and positive, got a = ${a}, b = ${b}`, { a, b });
  }
}

/** The regularised incomplete beta function I_x(a, b) = P(X ≤ x) for X ~ Beta(a, b) (scipy.special.betainc). */
export function incompleteBeta(x: number, a: number, b: number): number {
  checkShape(a, b, 'incompleteBeta');
  if (!(x >= 0 && x <= 1)) throw new DiscernError('INVALID_ARGUMENT', `incompleteBeta: x must be in [0, 1], got ${x}`, { value: x });
  return betaInc(x, a, b);
}

/** The x with I_x(a, b) = p (scipy.special.betaincinv). */
export function incompleteBetaInverse(p: number, a: number, b: number): number {
  checkShape(a, b, 'incompleteBetaInverse');
  if (!(p >= 0 && p <= 1)) throw new DiscernError('INVALID_ARGUMENT', `incompleteBetaInverse: p must be in [0, 1], got ${p}`, { value: p });
  return betaIncInv(p, a, b);
}

function checkCounts(k: number, n: number, confidence: number, fn: string): void {
  if (!(n > 0 && Number.isFinite(n))) {
    throw new DiscernError('INVALID_ARGUMENT', `${fn}: the number of trials must be positive and finite, got n = ${n}`, { n, k });
  }
  if (!(k >= 0 && k <= n)) {
    throw new DiscernError('INVALID_ARGUMENT', `${fn}: the number of successes must lie in [0, n] = [0, ${n}], got k = ${k}`, { n, k });
  }
  if (!(confidence > 0 && confidence < 1)) {
    throw new DiscernError('INVALID_ARGUMENT', `${fn}: confidence must be in (0, 1), e.g. 0.95, got ${confidence}`, { confidence });
  }
}

/**
 * The Clopper–Pearson ("exact") central interval for a binomial proportion, k successes in n trials:
 * [B⁻¹(α/2; k, n−k+1), B⁻¹(1−α/2; k+1, n−k)] with α = 1 − confidence, and 0 (1) at k = 0 (k = n).
 * Its coverage is at least the nominal level for every p. k and n may be real (effective counts).
 */
export function clopperPearson(k: number, n: number, confidence = 0.95): [number, number] {
  checkCounts(k, n, confidence, 'clopperPearson');
  const i = cpInterval(k, n, confidence);
  return [i.lower, i.upper];
}

/** The Wilson score interval (E. B. Wilson, JASA 22 (1927) 209): shorter than Clopper–Pearson, near-nominal coverage. */
export function wilsonInterval(k: number, n: number, confidence = 0.95): [number, number] {
  checkCounts(k, n, confidence, 'wilsonInterval');
  const i = wilson(k, n, confidence);
  return [i.lower, i.upper];
}
