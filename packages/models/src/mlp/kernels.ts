/**
 * The matrix kernels of back-propagation, on row-major Float64Arrays. A dense layer's weights W (r × n) sit in the
 * flat parameter vector at wOff (W[k·n + j] connects input k to unit j), its n biases right after.
 *
 *   forward:      Z  = f(A · W + b)               `denseForward`   (bias and relu fused into the product)
 *   back-prop:    D' = (D · Wᵀ) ⊙ f'(A)           `denseBackward`  (relu's mask fused)
 *   weight grad:  dW = Aᵀ · D + decay·W, db = Σ D  `denseGradient`
 *
 * V8 does not vectorise, so each kernel is register-blocked: 2 × 4 output entries at a time, so each loaded value
 * feeds 2 or 4 multiply-adds and 8 independent accumulators hide the add latency. None needs a transposed copy:
 * a strided scalar load costs the same as a contiguous one. Every output entry is one sum over its inner index in
 * increasing order, so results do not depend on the tiling.
 *
 * relu and its mask are applied as v·(v > 0 ? 1 : 0) written `v * +(v > 0)`: V8 materialises the comparison as a
 * flag (setcc), with no branch, where a ternary on v compiled to a branch that mispredicts on about half of the
 * units; that was worth ~10 % of training time. A NaN pre-activation stays NaN (the divergence checks report it).
 */

/** Z (m × n) = A (m × r) · W + b, then max(·, 0) when `relu`. */
export function denseForward(A: Float64Array, m: number, r: number, P: Float64Array, wOff: number, n: number, Z: Float64Array, relu: boolean): void {
  const bOff = wOff + r * n;
  let j = 0;
  for (; j + 3 < n; j += 4) {
    const w0 = wOff + j;
    const b0 = P[bOff + j]!, b1 = P[bOff + j + 1]!, b2 = P[bOff + j + 2]!, b3 = P[bOff + j + 3]!;
    let i = 0;
    for (; i + 1 < m; i += 2) {
      const a0 = i * r, a1 = a0 + r;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0, t0 = 0, t1 = 0, t2 = 0, t3 = 0;
      for (let k = 0, w = w0; k < r; k++, w += n) {
        const x = A[a0 + k]!;
        const y = A[a1 + k]!;
        const u0 = P[w]!;
        const u1 = P[w + 1]!;
        const u2 = P[w + 2]!;
        const u3 = P[w + 3]!;
        s0 += x * u0;
        s1 += x * u1;
        s2 += x * u2;
        s3 += x * u3;
        t0 += y * u0;
        t1 += y * u1;
        t2 += y * u2;
        t3 += y * u3;
      }
      s0 += b0;
      s1 += b1;
      s2 += b2;
      s3 += b3;
      t0 += b0;
      t1 += b1;
      t2 += b2;
      t3 += b3;
      const c0 = i * n + j, c1 = c0 + n;
      if (relu) {
        Z[c0] = s0 * +(s0 > 0);
        Z[c0 + 1] = s1 * +(s1 > 0);
        Z[c0 + 2] = s2 * +(s2 > 0);
        Z[c0 + 3] = s3 * +(s3 > 0);
        Z[c1] = t0 * +(t0 > 0);
        Z[c1 + 1] = t1 * +(t1 > 0);
        Z[c1 + 2] = t2 * +(t2 > 0);
        Z[c1 + 3] = t3 * +(t3 > 0);
      } else {
        Z[c0] = s0;
        Z[c0 + 1] = s1;
        Z[c0 + 2] = s2;
        Z[c0 + 3] = s3;
        Z[c1] = t0;
        Z[c1 + 1] = t1;
        Z[c1 + 2] = t2;
        Z[c1 + 3] = t3;
      }
    }
    if (i < m) {
      const a0 = i * r;
      for (let jj = j; jj < j + 4; jj++) {
        let s = 0;
        for (let k = 0; k < r; k++) s += A[a0 + k]! * P[wOff + k * n + jj]!;
        s += P[bOff + jj]!;
        Z[i * n + jj] = relu ? s * +(s > 0) : s;
      }
    }
  }
  // the remaining columns (all of them for a narrow output layer): 4 rows at a time
  for (; j < n; j++) {
    const bj = P[bOff + j]!;
    const w0 = wOff + j;
    let i = 0;
    for (; i + 3 < m; i += 4) {
      const a0 = i * r, a1 = a0 + r, a2 = a1 + r, a3 = a2 + r;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let k = 0, w = w0; k < r; k++, w += n) {
        const u = P[w]!;
        s0 += A[a0 + k]! * u;
        s1 += A[a1 + k]! * u;
        s2 += A[a2 + k]! * u;
        s3 += A[a3 + k]! * u;
      }
      s0 += bj;
      s1 += bj;
      s2 += bj;
      s3 += bj;
      if (relu) {
        Z[i * n + j] = s0 * +(s0 > 0);
        Z[(i + 1) * n + j] = s1 * +(s1 > 0);
        Z[(i + 2) * n + j] = s2 * +(s2 > 0);
        Z[(i + 3) * n + j] = s3 * +(s3 > 0);
      } else {
        Z[i * n + j] = s0;
        Z[(i + 1) * n + j] = s1;
        Z[(i + 2) * n + j] = s2;
        Z[(i + 3) * n + j] = s3;
      }
    }
    for (; i < m; i++) {
      const a0 = i * r;
      let s = 0;
      for (let k = 0, w = w0; k < r; k++, w += n) s += A[a0 + k]! * P[w]!;
      s += bj;
      Z[i * n + j] = relu ? s * +(s > 0) : s;
    }
  }
}

/**
 * D' (m × r) = D (m × n) · Wᵀ; with `mask` (the layer's relu outputs, m × r) entries whose unit was not active
 * (mask ≤ 0, relu'(0) = 0) are 0. Each entry is Σ_j D[i,j]·W[k,j], a dot product of two contiguous rows.
 */
export function denseBackward(D: Float64Array, m: number, n: number, P: Float64Array, wOff: number, r: number, Dp: Float64Array, mask: Float64Array | undefined): void {
  if (n === 1) {
    // a one-unit layer above (the binary output): an outer product
    for (let i = 0; i < m; i++) {
      const d = D[i]!;
      const o = i * r;
      if (mask) for (let k = 0; k < r; k++) Dp[o + k] = d * P[wOff + k]! * +(mask[o + k]! > 0);
      else for (let k = 0; k < r; k++) Dp[o + k] = d * P[wOff + k]!;
    }
    return;
  }
  let i = 0;
  for (; i + 1 < m; i += 2) {
    const a0 = i * n, a1 = a0 + n;
    const c0 = i * r, c1 = c0 + r;
    let k = 0;
    for (; k + 3 < r; k += 4) {
      const b0 = wOff + k * n, b1 = b0 + n, b2 = b1 + n, b3 = b2 + n;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0, t0 = 0, t1 = 0, t2 = 0, t3 = 0;
      for (let j = 0; j < n; j++) {
        const x = D[a0 + j]!;
        const y = D[a1 + j]!;
        const u0 = P[b0 + j]!;
        const u1 = P[b1 + j]!;
        const u2 = P[b2 + j]!;
        const u3 = P[b3 + j]!;
        s0 += x * u0;
        s1 += x * u1;
        s2 += x * u2;
        s3 += x * u3;
        t0 += y * u0;
        t1 += y * u1;
        t2 += y * u2;
        t3 += y * u3;
      }
      if (mask) {
        Dp[c0 + k] = s0 * +(mask[c0 + k]! > 0);
        Dp[c0 + k + 1] = s1 * +(mask[c0 + k + 1]! > 0);
        Dp[c0 + k + 2] = s2 * +(mask[c0 + k + 2]! > 0);
        Dp[c0 + k + 3] = s3 * +(mask[c0 + k + 3]! > 0);
        Dp[c1 + k] = t0 * +(mask[c1 + k]! > 0);
        Dp[c1 + k + 1] = t1 * +(mask[c1 + k + 1]! > 0);
        Dp[c1 + k + 2] = t2 * +(mask[c1 + k + 2]! > 0);
        Dp[c1 + k + 3] = t3 * +(mask[c1 + k + 3]! > 0);
      } else {
        Dp[c0 + k] = s0;
        Dp[c0 + k + 1] = s1;
        Dp[c0 + k + 2] = s2;
        Dp[c0 + k + 3] = s3;
        Dp[c1 + k] = t0;
        Dp[c1 + k + 1] = t1;
        Dp[c1 + k + 2] = t2;
        Dp[c1 + k + 3] = t3;
      }
    }
    for (; k < r; k++) {
      const b0 = wOff + k * n;
      let s0 = 0, t0 = 0;
      for (let j = 0; j < n; j++) {
        const u = P[b0 + j]!;
        s0 += D[a0 + j]! * u;
        t0 += D[a1 + j]! * u;
      }
      Dp[c0 + k] = mask && !(mask[c0 + k]! > 0) ? 0 : s0;
      Dp[c1 + k] = mask && !(mask[c1 + k]! > 0) ? 0 : t0;
    }
  }
  if (i < m) {
    const a0 = i * n, c0 = i * r;
    for (let k = 0; k < r; k++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += D[a0 + j]! * P[wOff + k * n + j]!;
      Dp[c0 + k] = mask && !(mask[c0 + k]! > 0) ? 0 : s;
    }
  }
}

/**
 * The gradient of one layer from its input A (m × r) and the error D (m × n) at its pre-activations:
 * grad[wOff + k·n + j] = Σ_i A[i,k]·D[i,j] + decay·W[k,j] and grad[bOff + j] = Σ_i D[i,j] (sums over the batch
 * rows in order). Returns ‖W‖² for the penalty.
 */
export function denseGradient(A: Float64Array, m: number, r: number, D: Float64Array, n: number, P: Float64Array, wOff: number, grad: Float64Array, decay: number): number {
  const n4 = n - (n % 4);
  let k = 0;
  for (; k + 1 < r; k += 2) {
    const g0 = wOff + k * n, g1 = g0 + n;
    for (let j = 0; j < n4; j += 4) {
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0, t0 = 0, t1 = 0, t2 = 0, t3 = 0;
      for (let i = 0, a = k, d = j; i < m; i++, a += r, d += n) {
        const x = A[a]!;
        const y = A[a + 1]!;
        const u0 = D[d]!;
        const u1 = D[d + 1]!;
        const u2 = D[d + 2]!;
        const u3 = D[d + 3]!;
        s0 += x * u0;
        s1 += x * u1;
        s2 += x * u2;
        s3 += x * u3;
        t0 += y * u0;
        t1 += y * u1;
        t2 += y * u2;
        t3 += y * u3;
      }
      grad[g0 + j] = s0 + decay * P[g0 + j]!;
      grad[g0 + j + 1] = s1 + decay * P[g0 + j + 1]!;
      grad[g0 + j + 2] = s2 + decay * P[g0 + j + 2]!;
      grad[g0 + j + 3] = s3 + decay * P[g0 + j + 3]!;
      grad[g1 + j] = t0 + decay * P[g1 + j]!;
      grad[g1 + j + 1] = t1 + decay * P[g1 + j + 1]!;
      grad[g1 + j + 2] = t2 + decay * P[g1 + j + 2]!;
      grad[g1 + j + 3] = t3 + decay * P[g1 + j + 3]!;
    }
  }
  if (k < r) {
    const g0 = wOff + k * n;
    for (let j = 0; j < n4; j++) {
      let s = 0;
      for (let i = 0; i < m; i++) s += A[i * r + k]! * D[i * n + j]!;
      grad[g0 + j] = s + decay * P[g0 + j]!;
    }
  }
  // the remaining columns (all of them for the one-unit output layer): 4 rows of W at a time
  for (let j = n4; j < n; j++) {
    let k2 = 0;
    for (; k2 + 3 < r; k2 += 4) {
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let i = 0, a = k2, d = j; i < m; i++, a += r, d += n) {
        const u = D[d]!;
        s0 += A[a]! * u;
        s1 += A[a + 1]! * u;
        s2 += A[a + 2]! * u;
        s3 += A[a + 3]! * u;
      }
      const g = wOff + k2 * n + j;
      grad[g] = s0 + decay * P[g]!;
      grad[g + n] = s1 + decay * P[g + n]!;
      grad[g + 2 * n] = s2 + decay * P[g + 2 * n]!;
      grad[g + 3 * n] = s3 + decay * P[g + 3 * n]!;
    }
    for (; k2 < r; k2++) {
      let s = 0;
      for (let i = 0, a = k2, d = j; i < m; i++, a += r, d += n) s += A[a]! * D[d]!;
      const g = wOff + k2 * n + j;
      grad[g] = s + decay * P[g]!;
    }
  }
  const bOff = wOff + r * n;
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0, d = j; i < m; i++, d += n) s += D[d]!;
    grad[bOff + j] = s;
  }
  let penalty = 0;
  for (let t = wOff; t < bOff; t++) {
    const v = P[t]!;
    penalty += v * v;
  }
  return penalty;
}
