import { DiscernError } from './errors.js';

/**
 * Special functions shared by metrics (intervals, tests), decision (Neyman–Pearson intervals) and models (the
 * multinomial mixtures' log-factorials): log-gamma, regularised incomplete beta and gamma functions, the Kolmogorov
 * distribution (the normal distribution is in normal.ts). Written from Numerical Recipes (3rd ed., §6.1–6.4, 6.14)
 * and checked against scipy in special.test.ts.
 */

const LANCZOS_G = 7;
// Lanczos coefficients for g = 7, n = 9 (relative error ≈ 1e-15 on Γ)
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
  9.9843695780195716e-6, 1.5056327351493116e-7,
];
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** ln Γ(x) for x > 0. */
export function logGamma(x: number): number {
  if (!(x > 0)) throw new DiscernError('INVALID_ARGUMENT', `logGamma needs x > 0, got ${x}`, { x });
  if (x === Infinity) return Infinity;
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x); // reflection keeps accuracy near 0
  const z = x - 1;
  let a = LANCZOS[0]!;
  for (let i = 1; i < LANCZOS.length; i++) a += LANCZOS[i]! / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return HALF_LOG_2PI + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

export function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

const FPMIN = 1e-300;
const EPS = 2.220446049250313e-16;

/** Continued fraction for I_x(a, b) by the modified Lentz method (NR §6.4, betacf). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const qab = a + b, qap = a + 1, qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < FPMIN) d = FPMIN;
  d = 1 / d;
  let h = d;
  // convergence takes O(√max(a, b)) terms
  const maxIter = 10000 + Math.ceil(10 * Math.sqrt(Math.max(a, b)));
  for (let m = 1; m <= maxIter; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < FPMIN) d = FPMIN;
    c = 1 + aa / c;
    if (Math.abs(c) < FPMIN) c = FPMIN;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < FPMIN) d = FPMIN;
    c = 1 + aa / c;
    if (Math.abs(c) < FPMIN) c = FPMIN;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) <= EPS) return h;
  }
  throw new DiscernError('INVALID_ARGUMENT', `incomplete beta: continued fraction did not converge for a=${a}, b=${b}, x=${x}`, { a, b, x });
}

/** Stirling remainder δ(x) = ln Γ(x) − [(x−½) ln x − x + ½ ln 2π], for x ≥ 20 (series error < 1e-17). */
function stirlingRemainder(x: number): number {
  const x2 = 1 / (x * x);
  return (1 / x) * (1 / 12 - x2 * (1 / 360 - x2 * (1 / 1260 - x2 * (1 / 1680 - x2 / 1188))));
}

/**
 * log of x^a (1−x)^b / B(a, b), the prefactor shared by I_x and its density. For large a and b the plain form
 * subtracts log-gammas of size ~a·ln a and loses ~1e-16·a·ln a; regrouping the Stirling terms as
 * a·ln(x(a+b)/a) + b·ln((1−x)(a+b)/b) + ½ ln(ab/(a+b)) − ½ ln 2π + δ(a+b) − δ(a) − δ(b) (as in TOMS 708's brcomp)
 * leaves only the rounding that x itself carries.
 */
function logBetaPrefactor(a: number, b: number, x: number): number {
  if (a < 20 || b < 20) return a * Math.log(x) + b * Math.log1p(-x) - logBeta(a, b);
  const ab = a + b;
  const u = (x * b - (1 - x) * a) / a; // x(a+b)/a − 1
  const v = ((1 - x) * a - x * b) / b; // (1−x)(a+b)/b − 1
  return (
    a * Math.log1p(u) + b * Math.log1p(v) + 0.5 * Math.log((a / ab) * b) - HALF_LOG_2PI + stirlingRemainder(ab) - stirlingRemainder(a) - stirlingRemainder(b)
  );
}

/** Regularised incomplete beta function I_x(a, b) = P(Beta(a, b) ≤ x), a, b > 0. */
export function betaInc(x: number, a: number, b: number): number {
  if (!(a > 0 && b > 0)) throw new DiscernError('INVALID_ARGUMENT', `betaInc needs a, b > 0, got a=${a}, b=${b}`, { a, b });
  if (!(x >= 0 && x <= 1)) throw new DiscernError('INVALID_ARGUMENT', `betaInc needs x in [0, 1], got ${x}`, { x });
  if (x === 0) return 0;
  if (x === 1) return 1;
  const bt = Math.exp(logBetaPrefactor(a, b, x));
  // the continued fraction converges fast on this side of the mean; use the symmetry I_x(a,b) = 1 − I_{1−x}(b,a) otherwise
  if (x < (a + 1) / (a + b + 2)) return (bt * betaContinuedFraction(a, b, x)) / a;
  return 1 - (bt * betaContinuedFraction(b, a, 1 - x)) / b;
}

/**
 * Inverse of I_x(a, b) in x: the p-quantile of Beta(a, b) (scipy.stats.beta.ppf). Newton steps on the density,
 * safeguarded by a bisection bracket so that it always converges.
 */
export function betaIncInv(p: number, a: number, b: number): number {
  if (!(a > 0 && b > 0)) throw new DiscernError('INVALID_ARGUMENT', `betaIncInv needs a, b > 0, got a=${a}, b=${b}`, { a, b });
  if (!(p >= 0 && p <= 1)) throw new DiscernError('INVALID_ARGUMENT', `betaIncInv needs p in [0, 1], got ${p}`, { p });
  if (p === 0) return 0;
  if (p === 1) return 1;
  let lo = 0, hi = 1;
  let x = a / (a + b);
  for (let it = 0; it < 300; it++) {
    const f = betaInc(x, a, b) - p;
    if (f === 0) return x;
    if (f < 0) lo = x;
    else hi = x;
    const logPdf = logBetaPrefactor(a, b, x) - Math.log(x) - Math.log1p(-x);
    let next = x - f / Math.exp(logPdf);
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (Math.abs(next - x) <= 4 * EPS * Math.max(x, Number.MIN_VALUE) || hi - lo <= 4 * EPS * Math.max(lo, Number.MIN_VALUE)) return next;
    x = next;
  }
  return x;
}

/** Regularised lower incomplete gamma P(a, x) by its series (x < a + 1) and upper Q(a, x) by Lentz's continued fraction. */
function gammaSeries(a: number, x: number): number {
  let ap = a, sum = 1 / a, del = sum;
  for (let n = 0; n < 10000; n++) {
    ap += 1;
    del *= x / ap;
    sum += del;
    if (Math.abs(del) < Math.abs(sum) * EPS) break;
  }
  return sum * Math.exp(-x + a * Math.log(x) - logGamma(a));
}

function gammaContinuedFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / FPMIN;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < FPMIN) d = FPMIN;
    c = b + an / c;
    if (Math.abs(c) < FPMIN) c = FPMIN;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) <= EPS) break;
  }
  return Math.exp(-x + a * Math.log(x) - logGamma(a)) * h;
}

/** Upper regularised incomplete gamma Q(a, x) = Γ(a, x)/Γ(a). */
export function gammaIncUpper(a: number, x: number): number {
  if (x <= 0) return 1;
  return x < a + 1 ? 1 - gammaSeries(a, x) : gammaContinuedFraction(a, x);
}

/**
 * Kolmogorov distribution survival function Q_KS(z) = P(K > z) = 2 Σ_{k≥1} (−1)^{k−1} e^{−2k²z²}; for small z the
 * equivalent Jacobi-theta form 1 − (√(2π)/z) Σ e^{−(2k−1)²π²/(8z²)} converges faster (as ROOT's TMath::KolmogorovProb
 * and scipy.special.kolmogorov).
 */
export function kolmogorovSf(z: number): number {
  if (!(z > 0)) return 1;
  if (z < 1.18) {
    const w = (Math.PI * Math.PI) / (8 * z * z);
    let s = 0;
    for (let k = 1; k < 100; k++) {
      const t = Math.exp(-(2 * k - 1) * (2 * k - 1) * w);
      s += t;
      if (t < 1e-17 * s) break;
    }
    return 1 - (Math.sqrt(2 * Math.PI) / z) * s;
  }
  let s = 0;
  for (let k = 1; k < 100; k++) {
    const t = Math.exp(-2 * k * k * z * z);
    s += k % 2 === 1 ? t : -t;
    if (t < 1e-17) break;
  }
  return Math.min(1, Math.max(0, 2 * s));
}
