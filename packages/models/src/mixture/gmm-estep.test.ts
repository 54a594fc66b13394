/**
 * The Gaussian mixture's fused E-step against linalg's kernels: its per-row log densities against mvnLogPdf (from the
 * covariances, not the precision factors it uses), and its fused normalisation against softmaxInto.
 */
import { cholesky, createRng, mvnLogPdf, softmaxInto } from '@discern/linalg';
import { describe, expect, it } from 'vitest';
import { normaliseBlock } from './gmm-blocks.js';
import { logJoint } from './gmm-estep.js';
import { COVARIANCE_TYPES, makeParams } from './gmm-params.js';

describe('GMM E-step against the linalg kernels', () => {
  const rng = createRng(3);
  const K = 3, p = 4, n = 25;
  const X = { rows: n, cols: p, data: Float64Array.from({ length: n * p }, () => 3 * rng.normal()) };
  const means = Float64Array.from({ length: K * p }, () => rng.normal());
  const weights = Float64Array.of(0.2, 0.5, 0.3);

  /** A random symmetric positive-definite p×p matrix: A Aᵀ + I. */
  const spd = (): Float64Array => {
    const A = Array.from({ length: p * p }, () => rng.normal());
    const S = new Float64Array(p * p);
    for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) for (let c = 0; c < p; c++) S[a * p + b]! += A[a * p + c]! * A[b * p + c]!;
    for (let a = 0; a < p; a++) S[a * p + a]! += 1;
    return S;
  };

  it.each(COVARIANCE_TYPES)('logJoint is log π_k + mvnLogPdf of the full covariance (%s, 1e-12 relative)', (type) => {
    const cov =
      type === 'full' ? Float64Array.from([...spd(), ...spd(), ...spd()]) : type === 'tied' ? spd() : type === 'diag' ? Float64Array.from({ length: K * p }, () => 0.5 + rng.uniform()) : Float64Array.of(0.7, 1.3, 2.1);
    const P = makeParams(type, K, p, weights, means, cov.slice(), { estimator: 'test', regCovar: 0, strict: true }, []);
    const lj = logJoint(X, P);
    for (let k = 0; k < K; k++) {
      const full = new Float64Array(p * p);
      for (let a = 0; a < p; a++)
        for (let b = 0; b < p; b++)
          full[a * p + b] = type === 'full' ? cov[k * p * p + a * p + b]! : type === 'tied' ? cov[a * p + b]! : a !== b ? 0 : type === 'diag' ? cov[k * p + a]! : cov[k]!;
      const c = cholesky(full, p);
      for (let i = 0; i < n; i++) {
        const want = Math.log(weights[k]!) + mvnLogPdf(X.data.subarray(i * p, (i + 1) * p), means.subarray(k * p, (k + 1) * p), c);
        expect(Math.abs(lj[i * K + k]! - want)).toBeLessThanOrEqual(1e-12 * Math.abs(want));
      }
    }
  });

  it('normaliseBlock: w_i·softmax and Σ w_i·log-sum-exp, as the kernel (responsibilities to 4 ulps)', () => {
    const bn = 6;
    const lp = Float64Array.from({ length: bn * K }, () => -50 * rng.uniform());
    lp[3 * K + 1] = -1e300; // an underflowing component
    const w = Float64Array.of(1, 0.5, 2, 1, 0, 3, 7);
    const s0 = 1;
    const want = lp.slice();
    let total = 0;
    for (let i = 0; i < bn; i++) total += w[s0 + i]! * softmaxInto(want, i * K, K, want);
    const got = lp.slice();
    expect(normaliseBlock(got, w, s0, bn, K)).toBe(total);
    for (let i = 0; i < bn; i++)
      for (let k = 0; k < K; k++) {
        const r = w[s0 + i]! * want[i * K + k]!;
        expect(Math.abs(got[i * K + k]! - r)).toBeLessThanOrEqual(4 * Number.EPSILON * r);
      }
  });

  it('normaliseBlock: a row impossible under every component adds nothing and makes the total −∞ (the kernel: uniform row)', () => {
    const lp = Float64Array.of(-1, -2, -3, -Infinity, -Infinity, -Infinity);
    const out = lp.slice();
    expect(normaliseBlock(out, Float64Array.of(1, 1), 0, 2, K)).toBe(-Infinity);
    expect(Array.from(out.subarray(3))).toEqual([0, 0, 0]);
    const kernel = lp.slice(3);
    expect(softmaxInto(kernel, 0, K, kernel)).toBe(-Infinity);
    expect(Array.from(kernel)).toEqual([1 / 3, 1 / 3, 1 / 3]);
  });
});
