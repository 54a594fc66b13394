/**
 * Numerically stable scalar and vector helpers. Every mixture, softmax and log loss in discern goes through these,
 * so that exp never overflows and log never sees 0 when it need not.
 */

/** log Σ exp(x[offset + k*stride]) for k < n, stable for any magnitudes; -Infinity when every term is -Infinity. */
export function logSumExp(x: ArrayLike<number>, offset = 0, n = x.length - offset, stride = 1): number {
  let max = -Infinity;
  for (let k = 0; k < n; k++) {
    const v = x[offset + k * stride]!;
    if (v > max) max = v;
  }
  if (max === -Infinity) return -Infinity;
  if (max === Infinity) return Infinity;
  let s = 0;
  for (let k = 0; k < n; k++) s += Math.exp(x[offset + k * stride]! - max);
  return max + Math.log(s);
}

/** σ(z) = 1/(1+e^{-z}), evaluated on the side that cannot overflow. */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** log σ(z) = -log(1+e^{-z}) = -softplus(-z), exact for large |z|. */
export function logSigmoid(z: number): number {
  return -softplus(-z);
}

/** softplus(z) = log(1+e^z), stable for any z. */
export function softplus(z: number): number {
  if (z > 0) return z + Math.log1p(Math.exp(-z));
  return Math.log1p(Math.exp(z));
}

/** logit(p) = log(p/(1-p)). */
export function logit(p: number): number {
  return Math.log(p) - Math.log1p(-p);
}

/**
 * Softmax of x[offset .. offset+n) written into out[outOffset ..] (out may be x itself). Shifted by the max.
 */
export function softmaxInto(x: ArrayLike<number>, offset: number, n: number, out: Float64Array, outOffset = offset): void {
  let max = -Infinity;
  for (let k = 0; k < n; k++) {
    const v = x[offset + k]!;
    if (v > max) max = v;
  }
  if (max === -Infinity) {
    // Every input is -Infinity (every class impossible): no class is preferred, so return the uniform distribution.
    for (let k = 0; k < n; k++) out[outOffset + k] = 1 / n;
    return;
  }
  let s = 0;
  for (let k = 0; k < n; k++) {
    const e = Math.exp(x[offset + k]! - max);
    out[outOffset + k] = e;
    s += e;
  }
  for (let k = 0; k < n; k++) out[outOffset + k]! /= s;
}

export function softmax(x: ArrayLike<number>): Float64Array {
  const out = new Float64Array(x.length);
  softmaxInto(x, 0, x.length, out, 0);
  return out;
}

/** Row-wise softmax of an n×k row-major buffer, in place. */
export function softmaxRowsInPlace(data: Float64Array, n: number, k: number): void {
  for (let i = 0; i < n; i++) softmaxInto(data, i * k, k, data, i * k);
}

export function clip(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>, n = a.length): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[i]! * b[i]!;
  return s;
}

/** Euclidean norm, scaled to avoid overflow. */
export function norm2(a: ArrayLike<number>): number {
  let scale = 0;
  for (let i = 0; i < a.length; i++) scale = Math.max(scale, Math.abs(a[i]!));
  if (scale === 0 || !Number.isFinite(scale)) return scale;
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const v = a[i]! / scale;
    s += v * v;
  }
  return scale * Math.sqrt(s);
}

/** Kahan–Babuška (Neumaier) compensated sum: used where many small terms are added (log-likelihoods, weighted counts). */
export function stableSum(a: ArrayLike<number>): number {
  let s = 0;
  let c = 0;
  for (let i = 0; i < a.length; i++) {
    const v = a[i]!;
    const t = s + v;
    c += Math.abs(s) >= Math.abs(v) ? s - t + v : v - t + s;
    s = t;
  }
  return s + c;
}
