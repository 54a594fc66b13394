/**
 * The losses gradient boosting minimises, on raw scores F (one per row for two classes, K per row otherwise), as
 * scikit-learn's HalfBinomialLoss and HalfMultinomialLoss:
 *
 *   two classes: ℓ(y, F) = log(1 + e^F) − y·F,            ∂ℓ/∂F = σ(F) − y,           ∂²ℓ/∂F² = σ(F)(1 − σ(F));
 *   K classes:   ℓ(y, F) = log Σ_k e^{F_k} − F_y,          ∂ℓ/∂F_k = p_k − [y = k],    ∂²ℓ/∂F_k² = p_k(1 − p_k)
 *
 * (the multinomial hessian is its diagonal, as in scikit-learn, XGBoost and LightGBM). Gradients and hessians are
 * multiplied by the event weight. The loss reported is the weighted mean Σ w ℓ / Σ w.
 */

/** log(1 + e^F) − y·F, stable for any F. */
export function binaryLoss(y: number, F: number): number {
  return (F > 0 ? F : 0) + Math.log1p(Math.exp(-Math.abs(F))) - y * F;
}

/**
 * Two-class gradients and hessians of n rows into g, h (times the weights w); returns Σ w ℓ (Neumaier-compensated),
 * the loss of the current scores, from the same exponential, and puts Σ g and Σ h, added in row order, in sums[0, 1]
 * (a tree's root's sums when it holds every row). The fit's pass on one thread; on several, binaryTerms by blocks of
 * rows and sumTerms give the same bits (the same arithmetic per row, the terms added in the same order).
 */
export function binaryGradients(F: Float64Array, y: Int32Array, w: Float64Array, g: Float64Array, h: Float64Array, n: number, sums: Float64Array): number {
  let f = 0, fc = 0, G = 0, H = 0;
  for (let i = 0; i < n; i++) {
    const z = F[i]!;
    // one exp serves σ and the loss: t = e^{−|z|}, σ(z) = 1/(1+t) or t/(1+t)
    const t = Math.exp(-Math.abs(z));
    const r = 1 / (1 + t);
    const p = z >= 0 ? r : t * r;
    const yi = y[i]!;
    const wi = w[i]!;
    const gi = wi * (p - yi), hi = wi * p * (1 - p);
    g[i] = gi;
    h[i] = hi;
    G += gi;
    H += hi;
    if (wi === 0) continue;
    const li = wi * ((z > 0 ? z : 0) + Math.log1p(t) - yi * z);
    const s = f + li;
    fc += Math.abs(f) >= Math.abs(li) ? f - s + li : li - s + f;
    f = s;
  }
  sums[0] = G;
  sums[1] = H;
  return f + fc;
}

/**
 * K-class gradients and hessians: F is n×K row-major; g and h are K blocks of n (class k's at k·n), the layout the
 * tree of class k reads. Returns Σ w ℓ (compensated). `p` is K scratch numbers. On several threads: multinomialTerms
 * and sumTerms, the same bits.
 */
export function multinomialGradients(F: Float64Array, y: Int32Array, w: Float64Array, g: Float64Array, h: Float64Array, n: number, K: number, p: Float64Array): number {
  let f = 0, fc = 0;
  for (let i = 0; i < n; i++) {
    const o = i * K;
    let max = -Infinity;
    for (let k = 0; k < K; k++) if (F[o + k]! > max) max = F[o + k]!;
    let s = 0;
    for (let k = 0; k < K; k++) {
      const e = Math.exp(F[o + k]! - max);
      p[k] = e;
      s += e;
    }
    const inv = 1 / s;
    const yi = y[i]!;
    const wi = w[i]!;
    for (let k = 0; k < K; k++) {
      const pk = p[k]! * inv;
      g[k * n + i] = wi * (pk - (k === yi ? 1 : 0));
      h[k * n + i] = wi * pk * (1 - pk);
    }
    if (wi === 0) continue;
    const li = wi * (max + Math.log(s) - F[o + yi]!);
    const t = f + li;
    fc += Math.abs(f) >= Math.abs(li) ? f - t + li : li - t + f;
    f = t;
  }
  return f + fc;
}

/**
 * Two-class gradients and hessians of rows [i0, i1) into g, h (times the weights w), and each row's w·ℓ of the
 * current scores, from the same exponential, into terms (0 where w is 0). Rows are independent: any thread may
 * compute any range (see work.ts); sumTerms adds the terms in row order. (binaryGradients's loop, kept apart from it:
 * on one thread the fused pass spares a second pass over the rows.)
 */
export function binaryTerms(F: Float64Array, y: Int32Array, w: Float64Array, g: Float64Array, h: Float64Array, terms: Float64Array, i0: number, i1: number): void {
  for (let i = i0; i < i1; i++) {
    const z = F[i]!;
    // one exp serves σ and the loss: t = e^{−|z|}, σ(z) = 1/(1+t) or t/(1+t)
    const t = Math.exp(-Math.abs(z));
    const r = 1 / (1 + t);
    const p = z >= 0 ? r : t * r;
    const yi = y[i]!;
    const wi = w[i]!;
    g[i] = wi * (p - yi);
    h[i] = wi * p * (1 - p);
    terms[i] = wi === 0 ? 0 : wi * ((z > 0 ? z : 0) + Math.log1p(t) - yi * z);
  }
}

/**
 * K-class gradients and hessians of rows [i0, i1): F is n×K row-major; g and h are K blocks of n (class k's at k·n),
 * the layout the tree of class k reads; each row's w·ℓ into terms (0 where w is 0). `p` is K scratch numbers.
 * (multinomialGradients's loop, kept apart from it as binaryTerms is.)
 */
export function multinomialTerms(F: Float64Array, y: Int32Array, w: Float64Array, g: Float64Array, h: Float64Array, terms: Float64Array, n: number, K: number, p: Float64Array, i0: number, i1: number): void {
  for (let i = i0; i < i1; i++) {
    const o = i * K;
    let max = -Infinity;
    for (let k = 0; k < K; k++) if (F[o + k]! > max) max = F[o + k]!;
    let s = 0;
    for (let k = 0; k < K; k++) {
      const e = Math.exp(F[o + k]! - max);
      p[k] = e;
      s += e;
    }
    const inv = 1 / s;
    const yi = y[i]!;
    const wi = w[i]!;
    for (let k = 0; k < K; k++) {
      const pk = p[k]! * inv;
      g[k * n + i] = wi * (pk - (k === yi ? 1 : 0));
      h[k * n + i] = wi * pk * (1 - pk);
    }
    terms[i] = wi === 0 ? 0 : wi * (max + Math.log(s) - F[o + yi]!);
  }
}

/**
 * Σ w ℓ of n rows from their terms, in row order, Neumaier-compensated (rows of weight 0 left out); and Σ g and Σ h of
 * rows 0..n−1 of g and h, in row order, into sums[0, 1] (as binaryGradients: added in the same loop, whose chain of
 * compensated sums takes longer than theirs).
 */
export function sumTerms(terms: Float64Array, w: Float64Array, g: Float64Array, h: Float64Array, n: number, sums: Float64Array): number {
  let f = 0, fc = 0, G = 0, H = 0;
  for (let i = 0; i < n; i++) {
    G += g[i]!;
    H += h[i]!;
    if (w[i] === 0) continue;
    const li = terms[i]!;
    const s = f + li;
    fc += Math.abs(f) >= Math.abs(li) ? f - s + li : li - s + f;
    f = s;
  }
  sums[0] = G;
  sums[1] = H;
  return f + fc;
}

/** Σ w ℓ of raw scores F (n × outputs) against y (compensated). */
export function lossSum(F: Float64Array, y: Int32Array, w: Float64Array | undefined, n: number, K: number): number {
  let f = 0, fc = 0;
  for (let i = 0; i < n; i++) {
    const wi = w ? w[i]! : 1;
    if (wi === 0) continue;
    let li: number;
    if (K === 2) li = binaryLoss(y[i]!, F[i]!);
    else {
      const o = i * K;
      let max = -Infinity;
      for (let k = 0; k < K; k++) if (F[o + k]! > max) max = F[o + k]!;
      let s = 0;
      for (let k = 0; k < K; k++) s += Math.exp(F[o + k]! - max);
      li = max + Math.log(s) - F[o + y[i]!]!;
    }
    li *= wi;
    const t = f + li;
    fc += Math.abs(f) >= Math.abs(li) ? f - t + li : li - t + f;
    f = t;
  }
  return f + fc;
}

/** Probabilities are kept in [EPS, 1 − EPS] for the starting scores (scikit-learn clips the same way). */
const EPS = 1e-15;

/**
 * The starting raw scores: the best constant model. Two classes: logit of the weighted fraction of class 1; K
 * classes: log p_k − mean_j log p_j (scikit-learn's symmetric multinomial link). `weights` may be negative (their
 * class totals are what count); a class total ≤ 0 is clipped to EPS.
 */
export function baselineScores(y: Int32Array, w: Float64Array, rows: Int32Array, K: number): Float64Array {
  const tot = new Float64Array(K);
  let all = 0;
  for (let k = 0; k < rows.length; k++) {
    const i = rows[k]!;
    tot[y[i]!]! += w[i]!;
    all += w[i]!;
  }
  const p = Array.from(tot, (t) => Math.min(1 - EPS, Math.max(EPS, t / all)));
  if (K === 2) return Float64Array.of(Math.log(p[1]! / (1 - p[1]!)));
  const logs = p.map(Math.log);
  const mean = logs.reduce((a, b) => a + b, 0) / K;
  return Float64Array.from(logs, (l) => l - mean);
}
