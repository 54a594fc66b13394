import { describe, expect, it } from 'vitest';
import { baselineScores, binaryGradients, binaryLoss, binaryTerms, lossSum, multinomialGradients, multinomialTerms, sumTerms } from './losses.js';

// Gradients against central finite differences of the losses, hessians against central differences of the gradients
// (step 1e-5: truncation ~h²·|ℓ'''| ≈ 1e-10, rounding ~eps·|ℓ|/h ≈ 1e-10), and hand-worked values.

const h = 1e-5;

describe('binary log-loss', () => {
  it('hand-worked values: ℓ(1, 0) = log 2, ℓ(0, 2) = log(1 + e²), and stable at |F| = 800', () => {
    expect(binaryLoss(1, 0)).toBeCloseTo(Math.LN2, 15);
    expect(binaryLoss(0, 2)).toBeCloseTo(Math.log(1 + Math.exp(2)), 14);
    expect(binaryLoss(1, 800)).toBe(0);
    expect(binaryLoss(0, 800)).toBe(800);
    expect(binaryLoss(1, -800)).toBe(800);
  });

  it('weighted gradient and hessian match finite differences of w·ℓ', () => {
    const F = Float64Array.of(-3.2, -0.4, 0, 0.7, 5.1);
    const y = Int32Array.of(1, 0, 1, 0, 1);
    const w = Float64Array.of(1, 2.5, 0.3, -0.7, 1);
    const g = new Float64Array(5), H = new Float64Array(5);
    const total = binaryGradients(F, y, w, g, H, 5, new Float64Array(2));
    let expected = 0;
    const gradAt = (d: number) => {
      const out = new Float64Array(5);
      binaryGradients(F.map((v) => v + d), y, w, out, new Float64Array(5), 5, new Float64Array(2));
      return out;
    };
    const gp = gradAt(h), gm = gradAt(-h);
    for (let i = 0; i < 5; i++) {
      const f = (z: number) => w[i]! * binaryLoss(y[i]!, z);
      const d1 = (f(F[i]! + h) - f(F[i]! - h)) / (2 * h);
      expect(Math.abs(g[i]! - d1)).toBeLessThan(1e-9);
      expect(Math.abs(H[i]! - (gp[i]! - gm[i]!) / (2 * h))).toBeLessThan(1e-9);
      expected += f(F[i]!);
    }
    expect(total).toBeCloseTo(expected, 14);
    expect(lossSum(F, y, w, 5, 2)).toBeCloseTo(expected, 14);
  });
});

describe('multinomial log-loss', () => {
  const K = 3, n = 4;
  const F = Float64Array.of(0.2, -1, 0.5, 3, 2.9, -4, 0, 0, 0, -0.3, 1.7, 0.4);
  const y = Int32Array.of(2, 0, 1, 1);
  const w = Float64Array.of(1, 0.5, 2, 1.5);
  const loss = (Fi: ArrayLike<number>, yi: number): number => {
    const m = Math.max(...Array.from(Fi));
    return m + Math.log(Array.from(Fi).reduce((s, v) => s + Math.exp(v - m), 0)) - Fi[yi]!;
  };

  it('ℓ of equal scores is log K', () => {
    expect(lossSum(Float64Array.of(0, 0, 0), Int32Array.of(1), undefined, 1, 3)).toBeCloseTo(Math.log(3), 15);
  });

  it('gradient and diagonal hessian per class match finite differences, laid out as K blocks of n', () => {
    const g = new Float64Array(K * n), H = new Float64Array(K * n);
    const total = multinomialGradients(F, y, w, g, H, n, K, new Float64Array(K));
    let expected = 0;
    // ∂g_k/∂F_k from the gradients at F ± h in class k's score alone
    const gradAt = (k: number, d: number) => {
      const out = new Float64Array(K * n);
      const Fd = F.slice();
      for (let i = 0; i < n; i++) Fd[i * K + k]! += d;
      multinomialGradients(Fd, y, w, out, new Float64Array(K * n), n, K, new Float64Array(K));
      return out;
    };
    for (let i = 0; i < n; i++) {
      const row = Array.from(F.subarray(i * K, i * K + K));
      expected += w[i]! * loss(row, y[i]!);
      for (let k = 0; k < K; k++) {
        const at = (d: number) => {
          const r = [...row];
          r[k]! += d;
          return w[i]! * loss(r, y[i]!);
        };
        const d1 = (at(h) - at(-h)) / (2 * h);
        expect(Math.abs(g[k * n + i]! - d1)).toBeLessThan(1e-9);
        const d2 = (gradAt(k, h)[k * n + i]! - gradAt(k, -h)[k * n + i]!) / (2 * h);
        expect(Math.abs(H[k * n + i]! - d2)).toBeLessThan(1e-9);
      }
    }
    expect(total).toBeCloseTo(expected, 13);
  });
});

describe('starting scores', () => {
  it('two classes: the logit of the weighted fraction of class 1 (3 of 4 by weight: log 3)', () => {
    const b = baselineScores(Int32Array.of(0, 1, 1), Float64Array.of(1, 1, 2), Int32Array.of(0, 1, 2), 2);
    expect(b[0]).toBeCloseTo(Math.log(3), 15);
  });

  it('K classes: log p_k minus their mean (fractions 1/2, 1/4, 1/4)', () => {
    const b = baselineScores(Int32Array.of(0, 0, 1, 2), Float64Array.of(1, 1, 1, 1), Int32Array.of(0, 1, 2, 3), 3);
    const l = [Math.log(0.5), Math.log(0.25), Math.log(0.25)];
    const m = (l[0]! + l[1]! + l[2]!) / 3;
    expect(Array.from(b).map((v, k) => v - (l[k]! - m))).toEqual([0, 0, 0].map(() => expect.closeTo(0, 15)));
  });

  it('a class whose weights sum to zero or less is clipped, not infinite', () => {
    const b = baselineScores(Int32Array.of(0, 1, 1), Float64Array.of(2, 1, -1), Int32Array.of(0, 1, 2), 2);
    expect(Number.isFinite(b[0]!)).toBe(true);
    expect(b[0]!).toBeLessThan(-30);
  });
});

describe('the gradient pass by blocks of rows (as on several threads)', () => {
  // random scores, labels and weights (zeros and negatives among them), cut into blocks of uneven length: the terms
  // added in row order must be the fused pass's loss, bit for bit, and the gradients and hessians the same
  const n = 1000;
  let seed = 11;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const w = Float64Array.from({ length: n }, () => (rnd() < 0.1 ? 0 : rnd() < 0.1 ? -rnd() : 0.2 + 2 * rnd()));
  const blocks = [0, 1, 137, 500, 501, 999, n];

  it('two classes', () => {
    const F = Float64Array.from({ length: n }, () => 40 * (rnd() - 0.5));
    const y = Int32Array.from({ length: n }, () => (rnd() < 0.4 ? 1 : 0));
    const g = new Float64Array(n), h = new Float64Array(n), g2 = new Float64Array(n), h2 = new Float64Array(n), terms = new Float64Array(n);
    const sums = new Float64Array(2), sums2 = new Float64Array(2);
    const fused = binaryGradients(F, y, w, g, h, n, sums);
    for (let b = 0; b + 1 < blocks.length; b++) binaryTerms(F, y, w, g2, h2, terms, blocks[b]!, blocks[b + 1]!);
    expect(sumTerms(terms, w, g2, h2, n, sums2)).toBe(fused);
    expect(g2).toEqual(g);
    expect(h2).toEqual(h);
    // Σ g and Σ h in row order, both ways (a root's sums)
    let G = 0, H = 0;
    for (let i = 0; i < n; i++) {
      G += g[i]!;
      H += h[i]!;
    }
    expect(Array.from(sums)).toEqual([G, H]);
    expect(Array.from(sums2)).toEqual([G, H]);
  });

  it('three classes', () => {
    const K = 3;
    const F = Float64Array.from({ length: n * K }, () => 20 * (rnd() - 0.5));
    const y = Int32Array.from({ length: n }, () => Math.floor(rnd() * K));
    const g = new Float64Array(n * K), h = new Float64Array(n * K), g2 = new Float64Array(n * K), h2 = new Float64Array(n * K), terms = new Float64Array(n);
    const fused = multinomialGradients(F, y, w, g, h, n, K, new Float64Array(K));
    for (let b = 0; b + 1 < blocks.length; b++) multinomialTerms(F, y, w, g2, h2, terms, n, K, new Float64Array(K), blocks[b]!, blocks[b + 1]!);
    expect(sumTerms(terms, w, g2, h2, n, new Float64Array(2))).toBe(fused);
    expect(g2).toEqual(g);
    expect(h2).toEqual(h);
  });
});
