/**
 * exp and log1p on the ranges the logistic loss needs, written as plain IEEE arithmetic (no Math.exp / Math.log1p),
 * so that the WebAssembly SIMD kernel `logloss_pass` (wasm/kernels.wat) computes them with the very same operations,
 * two values per instruction, and gives the same bits. `Math.exp` and `Math.log1p` are V8's own code, which f64x2
 * cannot reproduce bit for bit at a useful speed (a lane-wise port of V8's exp ran at half Math.exp's speed).
 *
 * Accuracy (checked in elementary.test.ts against Math.exp / Math.log1p on 2²⁰ values and the edges): within 2 ulp.
 *
 * The series are the textbook ones (Taylor's for exp, 2·atanh for log), evaluated by Estrin's scheme (pairs of terms,
 * then pairs of pairs, with r², r⁴ and r⁸: a third of Horner's chain of dependent operations, so that the kernel's
 * vectors overlap; ~11 % off the kernel's pass); the range
 * reduction is Cody and Waite's, with ln 2 split into a 32-bit head (so k·LN2_HI is exact) and its tail.
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

/** 1/n! for n = 0 … 13: e^r to < 1e−17 relative for |r| ≤ ln2/2 (the first term left out, r¹⁴/14!, is < 5e−18). */
export const EXP_COEF = [
  1, 1, 0.5, 0.16666666666666666, 0.041666666666666664, 0.008333333333333333, 0.001388888888888889, 0.0001984126984126984, 2.48015873015873e-5,
  2.7557319223985893e-6, 2.755731922398589e-7, 2.505210838544172e-8, 2.08767569878681e-9, 1.6059043836821613e-10,
] as const;

/**
 * 2/(2n+1) for n = 1 … 9: log(1+f) = 2·atanh(s), s = f/(2+f), = f − f²/2 + s·(f²/2 + R) with R = Σ 2s²ⁿ/(2n+1); for
 * |s| ≤ 3 − 2√2 (f in [√2/2 − 1, √2 − 1]) the first term left out is < 3e−17 relative.
 */
export const LOG_COEF = [
  0.6666666666666666, 0.4, 0.2857142857142857, 0.2222222222222222, 0.18181818181818182, 0.15384615384615385, 0.13333333333333333,
  0.11764705882352941, 0.10526315789473684,
] as const;

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
  const p =
    c[0] + c[1] * r + (c[2] + c[3] * r) * r2 + (c[4] + c[5] * r + (c[6] + c[7] * r) * r2) * r4 +
    (c[8] + c[9] * r + (c[10] + c[11] * r) * r2 + (c[12] + c[13] * r) * r4) * (r4 * r4);
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
  const R = z * (L[0] + L[1] * z + (L[2] + L[3] * z) * z2 + (L[4] + L[5] * z + (L[6] + L[7] * z) * z2) * z4 + L[8] * (z4 * z4));
  const h = 0.5 * f * f;
  const kh = big ? LN2_HI : 0;
  const kl = big ? LN2_LO : 0;
  return kh + (f - (h - (s * (h + R) + (kl + c))));
}
