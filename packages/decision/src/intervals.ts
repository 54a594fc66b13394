/**
 * Binomial confidence intervals for efficiencies (false-positive rate, power): Clopper–Pearson (exact, via the
 * inverse of the regularised incomplete beta function) and Wilson (score interval).
 *
 * NOTE for the lead: @discern/metrics will carry Clopper–Pearson too; this file is self-contained so that decision
 * did not block on it, and can be replaced by an import once metrics exports an equivalent.
 *
 * Weighted samples enter through effective counts (n_eff = (Σw)²/Σw², k_eff = p̂·n_eff), which the beta
 * functions accept as real numbers — the usual approximation (e.g. ROOT's TEfficiency with weights).
 */
import { DiscernError } from '@discern/linalg';
import { normIsf } from './special.js';

// Stirling-series coefficients B_2k / (2k(2k−1)), k = 1..7
const STIRLING = [1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156];
const HALF_LOG_2PI = 0.9189385332046728;

/** ln Γ(x) for x > 0: Stirling's series for x ≥ 10 (truncation error < 1e-16), the recurrence Γ(x+1) = xΓ(x) below. */
export function logGamma(x: number): number {
  if (!(x > 0)) throw new DiscernError('INVALID_ARGUMENT', `logGamma: x must be positive, got ${x}`, { value: x });
  if (x === Infinity) return Infinity;
  let shift = 0;
  let prod = 1;
  while (x < 10) {
    prod *= x;
    x += 1;
    shift++;
  }
  const z = 1 / (x * x);
  let series = 0;
  for (let k = STIRLING.length - 1; k >= 0; k--) series = series * z + STIRLING[k]!;
  const lg = (x - 0.5) * Math.log(x) - x + HALF_LOG_2PI + series / x;
  return shift === 0 ? lg : lg - Math.log(prod);
}

function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

/** Continued fraction for I_x(a, b) (modified Lentz), valid for x < (a+1)/(a+b+2); Numerical Recipes §6.4. */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const TINY = 1e-300;
  const qab = a + b, qap = a + 1, qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  // Converges in O(√max(a, b)) terms; 100 000 covers counts far beyond any calibration sample.
  for (let m = 1; m <= 100_000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) return h;
  }
  return h;
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
  if (x === 0) return 0;
  if (x === 1) return 1;
  const logFront = a * Math.log(x) + b * Math.log1p(-x) - logBeta(a, b);
  // The fraction converges fast only below the mean; above it use I_x(a, b) = 1 − I_{1−x}(b, a).
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(logFront) * betaContinuedFraction(a, b, x)) / a;
  return 1 - (Math.exp(logFront) * betaContinuedFraction(b, a, 1 - x)) / b;
}

/**
 * The x with I_x(a, b) = p (scipy.special.betaincinv): Halley steps from the initial guess of Numerical Recipes
 * (3rd ed., §6.14.2), kept inside a bisection bracket so that it cannot wander out of (0, 1).
 */
export function incompleteBetaInverse(p: number, a: number, b: number): number {
  checkShape(a, b, 'incompleteBetaInverse');
  if (!(p >= 0 && p <= 1)) throw new DiscernError('INVALID_ARGUMENT', `incompleteBetaInverse: p must be in [0, 1], got ${p}`, { value: p });
  if (p === 0) return 0;
  if (p === 1) return 1;
  let x: number;
  if (a >= 1 && b >= 1) {
    const pp = p < 0.5 ? p : 1 - p;
    const t = Math.sqrt(-2 * Math.log(pp));
    let z = (2.30753 + t * 0.27061) / (1 + t * (0.99229 + t * 0.04481)) - t;
    if (p < 0.5) z = -z;
    const al = (z * z - 3) / 6;
    const h = 2 / (1 / (2 * a - 1) + 1 / (2 * b - 1));
    const w = (z * Math.sqrt(al + h)) / h - (1 / (2 * b - 1) - 1 / (2 * a - 1)) * (al + 5 / 6 - 2 / (3 * h));
    x = a / (a + b * Math.exp(2 * w));
  } else {
    const lna = Math.log(a / (a + b)), lnb = Math.log(b / (a + b));
    const t = Math.exp(a * lna) / a, u = Math.exp(b * lnb) / b, w = t + u;
    x = p < t / w ? Math.pow(a * w * p, 1 / a) : 1 - Math.pow(b * w * (1 - p), 1 / b);
  }
  if (!(x > 0 && x < 1)) x = 0.5;
  let lo = 0, hi = 1;
  const afac = -logBeta(a, b);
  for (let it = 0; it < 200; it++) {
    const err = incompleteBeta(x, a, b) - p;
    if (err === 0) return x;
    if (err > 0) hi = x;
    else lo = x;
    const dens = Math.exp((a - 1) * Math.log(x) + (b - 1) * Math.log1p(-x) + afac);
    const u = err / dens;
    const step = u / (1 - 0.5 * Math.min(1, u * ((a - 1) / x - (b - 1) / (1 - x))));
    let next = x - step;
    if (!(next > lo && next < hi) || !Number.isFinite(next)) next = 0.5 * (lo + hi);
    if (Math.abs(next - x) <= 1e-16 * Math.max(x, 1e-300) || hi - lo <= 1e-17 * hi) return next;
    x = next;
  }
  return x;
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
  const alpha = 1 - confidence;
  const lo = k === 0 ? 0 : incompleteBetaInverse(alpha / 2, k, n - k + 1);
  const hi = k === n ? 1 : incompleteBetaInverse(1 - alpha / 2, k + 1, n - k);
  return [lo, hi];
}

/** The Wilson score interval (E. B. Wilson, JASA 22 (1927) 209): shorter than Clopper–Pearson, near-nominal coverage. */
export function wilsonInterval(k: number, n: number, confidence = 0.95): [number, number] {
  checkCounts(k, n, confidence, 'wilsonInterval');
  const z = normIsf((1 - confidence) / 2);
  const p = k / n;
  const z2n = (z * z) / n;
  const centre = (p + z2n / 2) / (1 + z2n);
  const half = (z / (1 + z2n)) * Math.sqrt((p * (1 - p)) / n + z2n / (4 * n));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}
