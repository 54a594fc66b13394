import { describe, expect, it } from 'vitest';
import { clip, dot, logSigmoid, logSoftmaxInto, logSumExp, logit, norm2, sigmoid, softmax, softmaxInto, softmaxRowsInPlace, softplus, stableSum } from './numerics.js';

const naiveLse = (x: number[]) => Math.log(x.reduce((s, v) => s + Math.exp(v), 0));

describe('logSumExp', () => {
  it('equals the naive formula on moderate values (1e-15 relative)', () => {
    for (const x of [[1, 2, 3], [-5, 0.5, 2.25, 7], [0], [-30, -31, -29.5], [10, 10]]) {
      const want = naiveLse(x);
      expect(Math.abs(logSumExp(x) - want)).toBeLessThanOrEqual(1e-15 * Math.max(1, Math.abs(want)));
    }
  });
  it('is stable at ±1000 where the naive form overflows or underflows', () => {
    expect(naiveLse([1000, 1000])).toBe(Infinity);
    expect(logSumExp([1000, 1000])).toBe(1000 + Math.LN2);
    expect(naiveLse([-1000, -1000])).toBe(-Infinity);
    expect(logSumExp([-1000, -1000])).toBe(-1000 + Math.LN2);
    expect(logSumExp([1000, -1000])).toBe(1000);
    expect(logSumExp([-1000, -1001])).toBeCloseTo(-1000 + Math.log1p(Math.exp(-1)), 12);
  });
  it('handles -Infinity entries, an empty range, offset and stride', () => {
    expect(logSumExp([-Infinity, -Infinity])).toBe(-Infinity);
    expect(logSumExp([-Infinity, 0])).toBe(0);
    expect(logSumExp([])).toBe(-Infinity);
    expect(logSumExp([Infinity, 1])).toBe(Infinity);
    expect(logSumExp([1, NaN, 2])).toBeNaN();
    expect(logSumExp([-Infinity, NaN])).toBeNaN();
    // elements 1, 3, 5 of [9, 0, 9, 0, 9, 0]: log(3)
    expect(logSumExp([9, 0, 9, 0, 9, 0], 1, 3, 2)).toBeCloseTo(Math.log(3), 15);
  });
});

describe('sigmoid, logSigmoid, softplus', () => {
  it('are finite and exact at ±800', () => {
    expect(sigmoid(800)).toBe(1);
    expect(sigmoid(-800)).toBe(0); // e^-800 underflows to 0 in double precision
    expect(logSigmoid(-800)).toBe(-800);
    expect(logSigmoid(800) === 0).toBe(true);
    expect(softplus(800)).toBe(800);
    expect(softplus(-800)).toBe(0);
  });
  it('match reference values (mpmath, 40 digits) to 2e-15 relative (a few ulps)', () => {
    const close = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThanOrEqual(2e-15 * Math.abs(b));
    expect(sigmoid(0)).toBe(0.5);
    close(sigmoid(2), 0.8807970779778824); // 1/(1+e^-2)
    close(sigmoid(-2), 0.11920292202211756);
    close(sigmoid(-700), Math.exp(-700)); // σ(z) ≈ e^z for z ≪ 0, and 1+e^-700 = 1 exactly
    close(softplus(0), Math.LN2);
    close(softplus(-40), Math.exp(-40)); // log1p(e^-40) = e^-40 to double precision
    close(softplus(3), 3.048587351573742); // log(1+e^3)
    close(logSigmoid(-30), -30.000000000000092); // -30 - log1p(e^-30)
    close(logSigmoid(2), -0.1269280110429725);
    expect(logSigmoid(-40) + softplus(40)).toBe(0);
  });
  it('logit inverts sigmoid', () => {
    for (const z of [-20, -3, -0.5, 0, 0.25, 4, 15]) expect(Math.abs(logit(sigmoid(z)) - z)).toBeLessThan(1e-9 * Math.max(1, Math.abs(z)) + 1e-12);
    expect(logit(0.5)).toBe(0);
    expect(logit(0)).toBe(-Infinity);
    expect(logit(1)).toBe(Infinity);
  });
});

describe('softmax', () => {
  it('sums to 1 and matches hand values', () => {
    const p = softmax([1, 2, 3]);
    const z = Math.exp(1) + Math.exp(2) + Math.exp(3);
    [Math.exp(1) / z, Math.exp(2) / z, Math.exp(3) / z].forEach((v, k) => expect(Math.abs(p[k]! - v)).toBeLessThan(1e-15));
    for (const x of [[1000, 1000, 1000], [-1000, 0, 1000], [0.1, -0.2, 0.3, 5, -7]]) {
      const q = softmax(x);
      expect(Math.abs(q.reduce((s, v) => s + v, 0) - 1)).toBeLessThan(1e-15);
      expect(q.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
    }
    expect(Array.from(softmax([1000, 1000]))).toEqual([0.5, 0.5]);
    expect(Array.from(softmax([-1000, 1000]))).toEqual([0, 1]);
  });
  it('works in place on rows and at an offset', () => {
    const d = Float64Array.from([0, 0, 1000, 1000, 1, 2]);
    softmaxRowsInPlace(d, 3, 2);
    expect(Array.from(d.subarray(0, 4))).toEqual([0.5, 0.5, 0.5, 0.5]);
    expect(d[4]! + d[5]!).toBeCloseTo(1, 15);
    const out = new Float64Array(5);
    softmaxInto([7, 0, 0], 1, 2, out, 3);
    expect(Array.from(out)).toEqual([0, 0, 0, 0.5, 0.5]);
  });
});

describe('softmaxInto: the normaliser it returns, and rows that are not all finite', () => {
  it('returns the log-sum-exp of the row (bit-identical to logSumExp) and probabilities exp(x − max)·(1/s)', () => {
    const x = [0.3, -1.25, 4, 2.5];
    const out = new Float64Array(4);
    expect(softmaxInto(x, 0, 4, out, 0)).toBe(logSumExp(x));
    // by hand, in the kernel's order: s = Σ e^{x−4}, p_k = e^{x_k−4}·(1/s)
    const e = x.map((v) => Math.exp(v - 4));
    const s = e[0]! + e[1]! + e[2]! + e[3]!;
    expect(Array.from(out)).toEqual(e.map((v) => v * (1 / s)));
  });
  it('an all −∞ row: uniform probabilities, −∞ normaliser (logSoftmaxInto: log(1/n))', () => {
    const out = new Float64Array(3);
    expect(softmaxInto([-Infinity, -Infinity, -Infinity], 0, 3, out, 0)).toBe(-Infinity);
    expect(Array.from(out)).toEqual([1 / 3, 1 / 3, 1 / 3]);
    expect(logSoftmaxInto([-Infinity, -Infinity, -Infinity], 0, 3, out, 0)).toBe(-Infinity);
    expect(Array.from(out)).toEqual([Math.log(1 / 3), Math.log(1 / 3), Math.log(1 / 3)]);
  });
  it('+∞ entries share the mass, +∞ normaliser', () => {
    const out = new Float64Array(4);
    expect(softmaxInto([Infinity, 1, Infinity, -Infinity], 0, 4, out, 0)).toBe(Infinity);
    expect(Array.from(out)).toEqual([0.5, 0, 0.5, 0]);
    expect(logSoftmaxInto([Infinity, 1, Infinity, -Infinity], 0, 4, out, 0)).toBe(Infinity);
    expect(Array.from(out)).toEqual([-Math.LN2, -Infinity, -Math.LN2, -Infinity]);
  });
  it('a NaN entry makes every output NaN, never a number', () => {
    const out = new Float64Array(3);
    expect(softmaxInto([1, NaN, 2], 0, 3, out, 0)).toBeNaN();
    expect(Array.from(out).every(Number.isNaN)).toBe(true);
    expect(logSoftmaxInto([1, NaN, 2], 0, 3, out, 0)).toBeNaN();
    expect(Array.from(out).every(Number.isNaN)).toBe(true);
  });
});

describe('logSoftmaxInto', () => {
  it('is x − logSumExp(x), in place at an offset', () => {
    const d = Float64Array.from([9, 1, 2, 3]);
    const lse = logSoftmaxInto(d, 1, 3, d);
    expect(lse).toBe(logSumExp([1, 2, 3]));
    expect(Array.from(d)).toEqual([9, 1 - lse, 2 - lse, 3 - lse]);
    // stable where exp overflows: log posteriors of [1000, 1000 + log 3] are log ¼ and log ¾
    const big = Float64Array.from([1000, 1000 + Math.log(3)]);
    logSoftmaxInto(big, 0, 2, big);
    expect(big[0]).toBeCloseTo(Math.log(0.25), 12);
    expect(big[1]).toBeCloseTo(Math.log(0.75), 12);
  });
});

describe('sums and norms', () => {
  it('stableSum compensates where the naive sum loses everything', () => {
    const x = [1e16, 1, -1e16];
    expect(x.reduce((s, v) => s + v, 0)).toBe(0);
    expect(stableSum(x)).toBe(1);
    expect(stableSum(new Array<number>(1e4).fill(0.1))).toBe(1000);
  });
  it('norm2 does not overflow or underflow', () => {
    expect(norm2([3e200, 4e200])).toBeCloseTo(5e200, -186);
    expect(Math.abs(norm2([3e-200, 4e-200]) - 5e-200)).toBeLessThan(1e-214);
    expect(norm2([3, 4])).toBe(5);
    expect(norm2([])).toBe(0);
  });
  it('dot and clip', () => {
    expect(dot([1, 2, 3], [4, 5, 6])).toBe(32);
    expect(dot([1, 2, 3], [4, 5, 6], 2)).toBe(14);
    expect([clip(-1, 0, 1), clip(0.5, 0, 1), clip(2, 0, 1)]).toEqual([0, 0.5, 1]);
  });
});
