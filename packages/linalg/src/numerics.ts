/**
 * Numerically stable scalar and vector helpers. Every mixture, softmax and log loss in discern goes through these,
 * so that exp never overflows and log never sees 0 when it need not.
 */


/*
 * The stable softmax and log-sum-exp: the one kernel every softmax, mixture responsibility, log-posterior and
 * multinomial log loss in discern goes through (the blocked E-step of the Gaussian mixture keeps a fused copy, tested
 * against this one). Each shifts by the row's maximum, so exp never overflows and log never sees 0 when it need not,
 * and they share one arithmetic order: max, then s = Σ exp(x_k − max), then the normaliser max + log s and the
 * probabilities exp(x_k − max)·(1/s).
 *
 * Rows that are not all finite, decided once for every caller:
 *  - every entry −∞ (every class or component impossible): log-sum-exp is −∞ and the softmax is the uniform
 *    distribution 1/n. No class is preferred; a caller that needs the density sees −∞ and refuses it (a mixture fit
 *    stops with FIT_DIVERGED), a caller that only needs a choice gets a valid distribution;
 *  - one or more entries +∞: log-sum-exp is +∞ and those entries share the mass equally (the limit of the softmax
 *    as they grow together), the others get 0;
 *  - a NaN entry: NaN everywhere (log-sum-exp and every probability), so that it is never mistaken for a number.
 */

/** max of x[offset + k·stride] for k < n, NaN when one of them is NaN (−∞ for an empty range). */
function rowMax(x: ArrayLike<number>, offset: number, n: number, stride: number): number {
  let max = -Infinity;
  for (let k = 0; k < n; k++) {
    const v = x[offset + k * stride]!;
    if (v > max) max = v;
    else if (v !== v) return NaN;
  }
  return max;
}

/** log Σ exp(x[offset + k·stride]) for k < n, stable for any magnitudes (non-finite rows: see above). */
export function logSumExp(x: ArrayLike<number>, offset = 0, n = x.length - offset, stride = 1): number {
  const max = rowMax(x, offset, n, stride);
  if (max === -Infinity || max === Infinity || max !== max) return max;
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
 * Softmax of x[offset .. offset+n) written into out[outOffset ..] (out may be x itself, at the same offset); returns
 * the row's log-sum-exp log Σ_k e^{x_k}, the normaliser a mixture's log density or a log loss needs. Non-finite rows:
 * see above.
 */
export function softmaxInto(x: ArrayLike<number>, offset: number, n: number, out: Float64Array, outOffset = offset): number {
  const max = rowMax(x, offset, n, 1);
  if (max === -Infinity || max === Infinity || max !== max) {
    nonFiniteSoftmax(x, offset, n, out, outOffset, max);
    return max;
  }
  let s = 0;
  for (let k = 0; k < n; k++) {
    const e = Math.exp(x[offset + k]! - max);
    out[outOffset + k] = e;
    s += e;
  }
  const inv = 1 / s;
  for (let k = 0; k < n; k++) out[outOffset + k]! *= inv;
  return max + Math.log(s);
}

/** The softmax of a row whose maximum is ±∞ or NaN (see above). */
function nonFiniteSoftmax(x: ArrayLike<number>, offset: number, n: number, out: Float64Array, outOffset: number, max: number): void {
  if (max !== max) {
    for (let k = 0; k < n; k++) out[outOffset + k] = NaN;
    return;
  }
  if (max === -Infinity) {
    for (let k = 0; k < n; k++) out[outOffset + k] = 1 / n;
    return;
  }
  let top = 0;
  for (let k = 0; k < n; k++) if (x[offset + k] === Infinity) top++;
  for (let k = 0; k < n; k++) out[outOffset + k] = x[offset + k] === Infinity ? 1 / top : 0;
}

/**
 * log softmax of x[offset .. offset+n) into out[outOffset ..]: x_k − logSumExp(x), the log posteriors of a Bayes
 * classifier (out may be x). Returns the log-sum-exp. Non-finite rows as `softmaxInto`, in logs: an all −∞ row gives
 * log(1/n) everywhere, +∞ entries −log(their count) and the others −∞, NaN gives NaN.
 */
export function logSoftmaxInto(x: ArrayLike<number>, offset: number, n: number, out: Float64Array, outOffset = offset): number {
  const lse = logSumExp(x, offset, n);
  if (lse === -Infinity || lse === Infinity || lse !== lse) {
    nonFiniteSoftmax(x, offset, n, out, outOffset, lse);
    for (let k = 0; k < n; k++) out[outOffset + k] = Math.log(out[outOffset + k]!);
    return lse;
  }
  for (let k = 0; k < n; k++) out[outOffset + k] = x[offset + k]! - lse;
  return lse;
}

export function softmax(x: ArrayLike<number>): Float64Array {
  const out = new Float64Array(x.length);
  softmaxInto(x, 0, x.length, out, 0);
  return out;
}

/** Row-wise softmax of an n×k row-major buffer, in place (see softmaxInto). */
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
