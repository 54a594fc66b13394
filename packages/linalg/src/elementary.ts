/**
 * exp and log1p on the ranges the logistic loss needs, written as plain IEEE arithmetic (no Math.exp / Math.log1p),
 * so that the WebAssembly SIMD kernel `logloss_pass` (wasm/kernels.wat) computes them with the very same operations,
 * two values per instruction, and gives the same bits. `Math.exp` and `Math.log1p` are V8's own code, which f64x2
 * cannot reproduce bit for bit at a useful speed (a lane-wise port of V8's exp ran at half Math.exp's speed).
 *
 * Accuracy (checked in elementary.test.ts against Math.exp / Math.log1p on 2²⁰ values and the edges): within 2 ulp.
 *
 * The polynomials replace the textbook series (Taylor's for exp, 2·atanh for log) by ones of fewer terms that are as
 * accurate on the reduced ranges: each interpolates its function at the Chebyshev nodes of the range (near the best
 * polynomial of its degree), in 60-digit arithmetic, its coefficients then rounded to doubles
 * (packages/linalg/scripts/elementary-coefficients.py prints them and their error). 12 terms for exp instead of
 * Taylor's 14, 7 for log instead of 9: ~6 % off the kernel's pass. They are evaluated by Estrin's scheme (pairs of
 * terms, then pairs of pairs, with r², r⁴ and r⁸: a third of Horner's chain of dependent operations, so that the
 * kernel's vectors overlap; ~11 % off the kernel's pass); the range reduction is Cody and Waite's, with ln 2 split
 * into a 32-bit head (so k·LN2_HI is exact) and its tail.
 */

/** log₂ e. */
const LOG2E = 1.4426950408889634;
/** ln 2 = LN2_HI + LN2_LO; LN2_HI has 32 trailing zero bits (0x1.62e42feep-1). */
export const LN2_HI = 0.6931471803691238;
export const LN2_LO = 1.9082149292705877e-10;
/** 1.5·2⁵²: x + ROUND − ROUND rounds x to the nearest integer (ties to even) for |x| < 2⁵¹. */
const ROUND = 6755399441055744;
/** Below this argument expNonPositive returns 0 (e^−708 ≈ 3e−308, the smallest normal double is 2.2e−308). */
export const EXP_CUTOFF = -708;
/** √2 − 1: log1pUnit reduces 1 + t to [√2/2, √2] by halving above it. */
export const SQRT2_M1 = 0.41421356237309515;

/**
 * e^r ≈ Σ c_n rⁿ (n = 0 … 11) for |r| ≤ ln2/2: 1 + r·q(r) with q of degree 10 interpolating (e^r − 1)/r at its 11
 * Chebyshev nodes, so that c0 = 1 exactly (and c1 rounds to 1); within 1e−17 relative with these double coefficients.
 */
export const EXP_COEF = [
  1, 1, 0.5000000000000006, 0.1666666666666667, 0.04166666666657314, 0.008333333333326141, 0.0013888888932488599, 0.00019841269874800493,
  2.4801504346997686e-5, 2.7557255425746435e-6, 2.7626357241447223e-7, 2.510520637395701e-8,
] as const;

/**
 * log(1+f) = 2·atanh(s), s = f/(2+f), = f − f²/2 + s·(f²/2 + R) with R = z·F(z), z = s², F(z) = Σ 2zⁿ⁻¹/(2n+1) (n ≥ 1);
 * F ≈ Σ L_n zⁿ (n = 0 … 6), interpolating F at its 7 Chebyshev nodes on [0, (3 − 2√2)²] (|s| ≤ 3 − 2√2: f in
 * [√2/2 − 1, √2 − 1]); the log is then within 5e−18 relative with these double coefficients.
 */
export const LOG_COEF = [0.666666666666667, 0.39999999999899505, 0.28571428625975487, 0.2222221113479508, 0.18182889125261723, 0.15331721600556042, 0.14616449685043406] as const;

/** 2^k for k = 0, −1, …, −1022 (exact: powers of two), by −k. */
const POW2_NEG = (() => {
  const t = new Float64Array(1023);
  let v = 1;
  for (let i = 0; i < t.length; i++, v *= 0.5) t[i] = v;
  return t;
})();

/**
 * e^a for a ≤ 0 (a NaN gives NaN); 0 below EXP_CUTOFF, where e^a is below the smallest normal double (a subnormal
 * result is flushed: e^−708 < 3.1e−308). Within 2 ulp of Math.exp elsewhere.
 */
export function expNonPositive(a: number): number {
  if (a < EXP_CUTOFF) return 0;
  if (a !== a) return a;
  const k = a * LOG2E + ROUND - ROUND;
  const r = a - k * LN2_HI - k * LN2_LO;
  // Estrin's scheme in the kernel's order (see the module comment), written out: as a loop V8 ran Horner's ~50 % slower
  const c = EXP_COEF;
  const r2 = r * r, r4 = r2 * r2;
  const p = c[0] + c[1] * r + (c[2] + c[3] * r) * r2 + (c[4] + c[5] * r + (c[6] + c[7] * r) * r2) * r4 + (c[8] + c[9] * r + (c[10] + c[11] * r) * r2) * (r4 * r4);
  return p * POW2_NEG[-k]!;
}

/** log(1 + t) for 0 ≤ t ≤ 1 (a NaN gives NaN). Within 2 ulp of Math.log1p. */
export function log1pUnit(t: number): number {
  const big = t > SQRT2_M1;
  const u = 1 + t;
  // 1 + t = 2^k (1 + f) with k = 1 when big; u − 1 and (u/2) − 1 are exact (Sterbenz), and c·(1/u) puts back the
  // rounding of 1 + t (c = t − (u − 1) is exact; 1/u is the logistic loss's σ, which the kernel has at hand)
  const f = big ? u * 0.5 - 1 : t;
  const c = big ? (t - (u - 1)) * (1 / u) : 0;
  const s = f / (2 + f);
  const z = s * s;
  // Estrin's scheme in z, in the kernel's order (as in expNonPositive)
  const L = LOG_COEF;
  const z2 = z * z, z4 = z2 * z2;
  const R = z * (L[0] + L[1] * z + (L[2] + L[3] * z) * z2 + (L[4] + L[5] * z + L[6] * z2) * z4);
  const h = 0.5 * f * f;
  const kh = big ? LN2_HI : 0;
  const kl = big ? LN2_LO : 0;
  return kh + (f - (h - (s * (h + R) + (kl + c))));
}
