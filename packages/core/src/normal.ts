/**
 * The standard normal distribution: Φ, Q = 1 − Φ and their inverses, accurate in the far tails, because
 * Neyman–Pearson operating points live there (α = 1e-7 is a 5σ discovery threshold).
 *
 * erfc follows W. J. Cody, "Rational Chebyshev approximations for the error function", Math. Comp. 23 (1969) 631,
 * as coded in his CALERF (SPECFUN, netlib): three rational approximations on |y| < 0.5, 0.5 ≤ |y| < 4, |y| ≥ 4,
 * with exp(−y²) split so it keeps full relative precision. Φ⁻¹ is P. J. Acklam's rational approximation
 * (relative error 1.15e-9) refined by one Halley step on Φ, which brings it to working precision.
 */
import { DiscernError } from './errors.js';

const SQRT_PI_INV = 0.5641895835477563; // 1/√π
const LOG_SQRT_2PI = 0.9189385332046728; // ln √(2π)

// Cody's coefficients: erf on |y| < 0.5
const A = [3.1611237438705655, 113.86415415105016, 377.485237685302, 3209.3775891384694, 0.18577770618460315];
const B = [23.601290952344122, 244.02463793444417, 1282.6165260773723, 2844.236833439171];
// erfc on 0.5 ≤ |y| < 4
const C = [
  0.5641884969886701, 8.883149794388377, 66.11919063714163, 298.6351381974001, 881.952221241769, 1712.0476126340707,
  2051.0783778260716, 1230.3393547979972, 2.1531153547440383e-8,
];
const D = [
  15.744926110709835, 117.6939508913125, 537.1811018620099, 1621.3895745666903, 3290.7992357334597, 4362.619090143247,
  3439.3676741437216, 1230.3393548037495,
];
// erfc on |y| ≥ 4 (asymptotic form)
const P = [0.30532663496123236, 0.36034489994980445, 0.12578172611122926, 0.016083785148742275, 0.0006587491615298378, 0.016315387137302097];
const Q = [2.568520192289822, 1.8729528499234673, 0.5279051029514285, 0.06051834131244132, 0.0023352049762686918];

/** exp(−y²) with y² formed as (a + b)² where a has few bits, so no precision is lost in the square (Cody). */
function expMinusSquare(y: number): number {
  const a = Math.trunc(y * 16) / 16;
  const b = (y - a) * (y + a);
  return Math.exp(-a * a) * Math.exp(-b);
}

/** erf(y) for |y| < 0.5 (Cody's first approximation). */
function erfSmall(y: number): number {
  const z = y * y;
  let num = A[4]! * z;
  let den = z;
  for (let i = 0; i < 3; i++) {
    num = (num + A[i]!) * z;
    den = (den + B[i]!) * z;
  }
  return (y * (num + A[3]!)) / (den + B[3]!);
}

/** erfc(y) for y ≥ 0 together with exp(−y²), which the caller needs for a first-order correction. */
function erfcPositive(y: number): { value: number; gauss: number } {
  if (y < 0.5) return { value: 1 - erfSmall(y), gauss: Math.exp(-y * y) };
  if (y === Infinity) return { value: 0, gauss: 0 };
  const gauss = expMinusSquare(y);
  let r: number;
  if (y < 4) {
    let num = C[8]! * y;
    let den = y;
    for (let i = 0; i < 7; i++) {
      num = (num + C[i]!) * y;
      den = (den + D[i]!) * y;
    }
    r = (num + C[7]!) / (den + D[7]!);
  } else {
    const z = 1 / (y * y);
    let num = P[5]! * z;
    let den = z;
    for (let i = 0; i < 4; i++) {
      num = (num + P[i]!) * z;
      den = (den + Q[i]!) * z;
    }
    r = (z * (num + P[4]!)) / (den + Q[4]!);
    r = (SQRT_PI_INV - r) / y;
  }
  return { value: gauss * r, gauss };
}

/** Complementary error function erfc(y) = 1 − erf(y), relative accuracy near 1e-16 for y > 0. */
export function erfc(y: number): number {
  if (Number.isNaN(y)) return NaN;
  if (y >= 0) return erfcPositive(y).value;
  return 2 - erfcPositive(-y).value;
}

/** Error function erf(y); accurate absolutely (use erfc for 1 − erf in the tail). */
export function erf(y: number): number {
  if (Number.isNaN(y)) return NaN;
  if (Math.abs(y) < 0.5) return erfSmall(y); // direct, keeps relative precision near 0
  return y >= 0 ? 1 - erfcPositive(y).value : erfcPositive(-y).value - 1;
}

// 1/√2 as a double-double: the rounding of x/√2 would otherwise cost up to 2·y²·ε relative in the tail
// (1e-14 at x = 10); the low part lets us correct erfc to first order.
const SQRT1_2_HI = 0.7071067811865476;
const SQRT1_2_LO = -4.833646656726457e-17;
const SPLITTER = 134217729; // 2^27 + 1, Dekker's split

/** The exact error of the product a·b rounded to a double (Dekker's TwoProduct). */
function twoProductError(a: number, b: number, p: number): number {
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  return ah * bh - p + ah * bl + al * bh + al * bl;
}

/** Q(x) = P(Z > x) for x ≥ 0, via erfc(x/√2)/2 with the rounding of x/√2 corrected to first order. */
function upperTailPositive(x: number): number {
  const y = x * SQRT1_2_HI;
  if (!Number.isFinite(y)) return 0;
  const delta = twoProductError(x, SQRT1_2_HI, y) + x * SQRT1_2_LO; // x/√2 = y + delta exactly to ~1e-32
  const { value, gauss } = erfcPositive(y);
  // erfc(y + δ) ≈ erfc(y) − δ·(2/√π)·exp(−y²)
  return 0.5 * (value - 2 * SQRT_PI_INV * gauss * delta);
}

/** Q(x) = 1 − Φ(x) = P(Z > x), the standard normal upper-tail probability (scipy.stats.norm.sf). */
export function normSf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x >= 0) return upperTailPositive(x);
  return 1 - upperTailPositive(-x);
}

/** Φ(x) = P(Z ≤ x), the standard normal distribution function (scipy.stats.norm.cdf). */
export function normCdf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  return x <= 0 ? upperTailPositive(-x) : 1 - upperTailPositive(x);
}

/** φ(x), the standard normal density. */
export function normPdf(x: number): number {
  return Math.exp(-0.5 * x * x - LOG_SQRT_2PI);
}

// Acklam's coefficients (https://web.archive.org/web/2015/http://home.online.no/~pjacklam/notes/invnorm/)
const AA = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
const BB = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
const CC = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
const DD = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
const P_LOW = 0.02425;

/** Φ⁻¹(p) for 0 < p ≤ 0.5 (the lower half, where p itself carries full relative precision). */
function lowerQuantile(p: number): number {
  let x: number;
  if (p < P_LOW) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((CC[0]! * q + CC[1]!) * q + CC[2]!) * q + CC[3]!) * q + CC[4]!) * q + CC[5]!) / ((((DD[0]! * q + DD[1]!) * q + DD[2]!) * q + DD[3]!) * q + 1);
  } else {
    const q = p - 0.5;
    const r = q * q;
    x =
      ((((((AA[0]! * r + AA[1]!) * r + AA[2]!) * r + AA[3]!) * r + AA[4]!) * r + AA[5]!) * q) /
      (((((BB[0]! * r + BB[1]!) * r + BB[2]!) * r + BB[3]!) * r + BB[4]!) * r + 1);
  }
  // One Halley step on f(x) = Φ(x) − p: u = f/φ, x ← x − u/(1 + x·u/2) (Acklam's refinement).
  const e = normCdf(x) - p;
  const logU = Math.log(Math.abs(e)) + 0.5 * x * x + LOG_SQRT_2PI; // in logs: φ(x) underflows for p < 1e-300
  const u = e === 0 ? 0 : Math.sign(e) * Math.exp(logU);
  const refined = x - u / (1 + 0.5 * x * u);
  return Number.isFinite(refined) ? refined : x;
}

function checkProbability(p: number, fn: string): void {
  if (!(p >= 0 && p <= 1)) {
    throw new DiscernError('INVALID_ARGUMENT', `${fn}: the probability must be a number in [0, 1], got ${p}`, { value: p, function: fn });
  }
}

/** Φ⁻¹(p), the standard normal quantile (scipy.stats.norm.ppf); Φ⁻¹(0) = −∞, Φ⁻¹(1) = +∞. */
export function normPpf(p: number): number {
  checkProbability(p, 'normPpf');
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p <= 0.5) return lowerQuantile(p);
  return -lowerQuantile(1 - p); // 1 − p is exact for p ≥ 0.5 (Sterbenz)
}

/** Q⁻¹(q) = Φ⁻¹(1 − q), the upper-tail quantile (scipy.stats.norm.isf), accurate for tiny q. */
export function normIsf(q: number): number {
  checkProbability(q, 'normIsf');
  if (q === 0) return Infinity;
  if (q === 1) return -Infinity;
  if (q <= 0.5) return -lowerQuantile(q);
  return lowerQuantile(1 - q);
}
