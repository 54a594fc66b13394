/**
 * The block kernels of the Gaussian mixture's full and tied E/M pass (emRangeFull in gmm-estep.ts): the E-step's
 * triangular products (quadBlock), the normalisation of a block's log-densities into responsibilities
 * (normaliseBlock, and normaliseExp for the SIMD pass), and the M-step's weighted differences and second moments
 * (weightedDiffs, syrkBlock). They are the JavaScript references the WebAssembly kernels gmm_estep, gmm_rowmax and
 * gmm_mstep (linalg's kernels.wat) reproduce bit for bit.
 */

/**
 * S[so + a·p + b] += Σ_{i<bn} R[i·p + a]·D[i·p + b] for the lower triangle b ≤ a, two rows a and
 * four columns b at a time. The 2×4 tiles along the diagonal also touch a few entries above it (b = a + 1 … a + 3 of
 * row a, where those exist); only the lower triangle of S is ever read.
 */
export function syrkBlock(R: Float64Array, D: Float64Array, xs: number, bn: number, p: number, S: Float64Array, so: number): void {
  let a = 0;
  for (; a + 1 < p; a += 2) {
    const bEnd = a + 2; // columns 0..a+1 cover the lower triangle of rows a and a+1
    const s0 = so + a * p, s1 = s0 + p;
    let b = 0;
    for (; b + 3 < bEnd && b + 3 < p; b += 4) {
      let u0 = 0, u1 = 0, u2 = 0, u3 = 0, v0 = 0, v1 = 0, v2 = 0, v3 = 0;
      for (let i = 0, o = 0; i < bn; i++, o += p) {
        const x = R[o + a]!;
        const y = R[o + a + 1]!;
        const d0 = D[xs + o + b]!;
        const d1 = D[xs + o + b + 1]!;
        const d2 = D[xs + o + b + 2]!;
        const d3 = D[xs + o + b + 3]!;
        u0 += x * d0;
        u1 += x * d1;
        u2 += x * d2;
        u3 += x * d3;
        v0 += y * d0;
        v1 += y * d1;
        v2 += y * d2;
        v3 += y * d3;
      }
      S[s0 + b]! += u0;
      S[s0 + b + 1]! += u1;
      S[s0 + b + 2]! += u2;
      S[s0 + b + 3]! += u3;
      S[s1 + b]! += v0;
      S[s1 + b + 1]! += v1;
      S[s1 + b + 2]! += v2;
      S[s1 + b + 3]! += v3;
    }
    for (; b < bEnd; b++) {
      let u0 = 0, v0 = 0;
      for (let i = 0, o = 0; i < bn; i++, o += p) {
        const d0 = D[xs + o + b]!;
        u0 += R[o + a]! * d0;
        v0 += R[o + a + 1]! * d0;
      }
      S[s0 + b]! += u0;
      S[s1 + b]! += v0;
    }
  }
  if (a < p) {
    // odd p: the last row alone
    const s0 = so + a * p;
    for (let b = 0; b <= a; b++) {
      let u0 = 0;
      for (let i = 0, o = 0; i < bn; i++, o += p) u0 += R[o + a]! * D[xs + o + b]!;
      S[s0 + b]! += u0;
    }
  }
}


/**
 * lp[i·K + k] = ck − ½‖L⁻¹x_i − c‖² for the block's rows x_i = data[xs + i·p ..], with L⁻¹ lower triangular at
 * L[lo..] and c = L⁻¹μ_k at c[co..]. Two rows a, a+1 of L⁻¹ and four data rows at a time: each inner step loads 2
 * entries of L⁻¹ and 4 of x for 8 multiply-adds, with 8 independent sums.
 */
export function quadBlock(L: Float64Array, lo: number, c: Float64Array, co: number, X: Float64Array, xs: number, bn: number, p: number, lp: Float64Array, K: number, k: number, ck: number): void {
  let i = 0;
  for (; i + 3 < bn; i += 4) {
    const o0 = xs + i * p, o1 = o0 + p, o2 = o1 + p, o3 = o2 + p;
    let q0 = 0, q1 = 0, q2 = 0, q3 = 0;
    let a = 0;
    for (; a + 1 < p; a += 2) {
      const ra = lo + a * p, rb = ra + p;
      const ca = c[co + a]!, cb = c[co + a + 1]!;
      let t0 = -ca, t1 = -ca, t2 = -ca, t3 = -ca, u0 = -cb, u1 = -cb, u2 = -cb, u3 = -cb;
      for (let b = 0; b <= a; b++) {
        const la = L[ra + b]!;
        const lb = L[rb + b]!;
        const x0 = X[o0 + b]!;
        const x1 = X[o1 + b]!;
        const x2 = X[o2 + b]!;
        const x3 = X[o3 + b]!;
        t0 += la * x0;
        t1 += la * x1;
        t2 += la * x2;
        t3 += la * x3;
        u0 += lb * x0;
        u1 += lb * x1;
        u2 += lb * x2;
        u3 += lb * x3;
      }
      const b = a + 1;
      const lb = L[rb + b]!;
      u0 += lb * X[o0 + b]!;
      u1 += lb * X[o1 + b]!;
      u2 += lb * X[o2 + b]!;
      u3 += lb * X[o3 + b]!;
      q0 += t0 * t0 + u0 * u0;
      q1 += t1 * t1 + u1 * u1;
      q2 += t2 * t2 + u2 * u2;
      q3 += t3 * t3 + u3 * u3;
    }
    if (a < p) {
      const ra = lo + a * p;
      const ca = c[co + a]!;
      let t0 = -ca, t1 = -ca, t2 = -ca, t3 = -ca;
      for (let b = 0; b <= a; b++) {
        const la = L[ra + b]!;
        t0 += la * X[o0 + b]!;
        t1 += la * X[o1 + b]!;
        t2 += la * X[o2 + b]!;
        t3 += la * X[o3 + b]!;
      }
      q0 += t0 * t0;
      q1 += t1 * t1;
      q2 += t2 * t2;
      q3 += t3 * t3;
    }
    lp[i * K + k] = ck - 0.5 * q0;
    lp[(i + 1) * K + k] = ck - 0.5 * q1;
    lp[(i + 2) * K + k] = ck - 0.5 * q2;
    lp[(i + 3) * K + k] = ck - 0.5 * q3;
  }
  for (; i < bn; i++) {
    const o0 = xs + i * p;
    let q0 = 0;
    for (let a = 0; a < p; a++) {
      const row = lo + a * p;
      let t0 = -c[co + a]!;
      for (let b = 0; b <= a; b++) t0 += L[row + b]! * X[o0 + b]!;
      q0 += t0 * t0;
    }
    lp[i * K + k] = ck - 0.5 * q0;
  }
}

/**
 * Turns the block's rows of log joint densities (lp, bn×K) into w_i·r_ik in place and returns Σ_i w_i log p(x_i).
 *
 * The one documented exception to "one softmax kernel" (linalg's softmaxInto): the hot loop of a GMM fit fuses the
 * event weight into the normalisation (w_i/s instead of 1/s, one multiply per entry fewer), and a row with no finite
 * maximum gets zeros instead of the kernel's uniform row — it adds nothing to the sufficient statistics, and the
 * non-finite total it returns makes the caller stop the fit with FIT_DIVERGED. gmm-estep.test.ts holds it to the
 * kernel (same log densities bit for bit, responsibilities to rounding).
 */
export function normaliseBlock(lp: Float64Array, w: Float64Array, s0: number, bn: number, K: number): number {
  let total = 0;
  for (let i = 0; i < bn; i++) {
    const o = i * K;
    let max = -Infinity;
    for (let k = 0; k < K; k++) if (lp[o + k]! > max) max = lp[o + k]!;
    const wi = w[s0 + i]!;
    if (!(max > -Infinity) || max === Infinity) {
      total += wi * max;
      for (let k = 0; k < K; k++) lp[o + k] = 0;
      continue;
    }
    let sum = 0;
    for (let k = 0; k < K; k++) {
      const e = Math.exp(lp[o + k]! - max);
      lp[o + k] = e;
      sum += e;
    }
    total += wi * (max + Math.log(sum));
    const scale = wi / sum;
    for (let k = 0; k < K; k++) lp[o + k] = lp[o + k]! * scale;
  }
  return total;
}

/**
 * normaliseBlock in two parts, for the SIMD pass: given the rows' maxima mx (gmm_rowmax), leaves exp(lp − max) in lp
 * and w_i/s_i in sc (gmm_mstep multiplies them: the reference's last multiply), or zeros and a scale of 0 for a row
 * with no finite maximum; returns Σ_i w_i log p(x_i) as normaliseBlock does, the same operations in the same order.
 */
export function normaliseExp(lp: Float64Array, mx: Float64Array, sc: Float64Array, w: Float64Array, s0: number, bn: number, K: number): number {
  let total = 0;
  for (let i = 0; i < bn; i++) {
    const o = i * K;
    const max = mx[i]!;
    const wi = w[s0 + i]!;
    if (!(max > -Infinity) || max === Infinity) {
      total += wi * max;
      for (let k = 0; k < K; k++) lp[o + k] = 0;
      sc[i] = 0;
      continue;
    }
    let sum = 0;
    for (let k = 0; k < K; k++) {
      const e = Math.exp(lp[o + k]! - max);
      lp[o + k] = e;
      sum += e;
    }
    total += wi * (max + Math.log(sum));
    sc[i] = wi / sum;
  }
  return total;
}

/**
 * For component k over the block's rows: R = (w_i r_ik)(x_i − μ_k) (w_i r_ik from lp); adds Σ_i R_i to m[mo..] and
 * returns Σ_i w_i r_ik.
 */
export function weightedDiffs(X: Float64Array, xs: number, means: Float64Array, mo: number, lp: Float64Array, K: number, k: number, R: Float64Array, bn: number, p: number, m: Float64Array): number {
  let nsum = 0;
  for (let i = 0; i < bn; i++) {
    const wr = lp[i * K + k]!;
    nsum += wr;
    const o = i * p, xo = xs + o;
    for (let j = 0; j < p; j++) R[o + j] = wr * (X[xo + j]! - means[mo + j]!);
  }
  for (let j = 0; j < p; j++) {
    let s = m[mo + j]!;
    for (let o = j, end = bn * p; o < end; o += p) s += R[o]!;
    m[mo + j] = s;
  }
  return nsum;
}
