import { describe, expect, it } from 'vitest';
import { createRng, fromRows } from '@discern/linalg';
import { clopperPearson, isDiscernError } from '@discern/core';
import { close, loadFixture } from './fixtures.test-helpers.js';
import {
  gaussianErrorsAtLogGamma,
  gaussianErrorsAtThreshold,
  gaussianLogLikelihoodRatio,
  gaussianNeymanPearson,
  ldaErrorsAt,
  ldaNeymanPearson,
} from './gaussian.js';
import { neymanPearsonThreshold } from './neyman-pearson.js';

const PHI_1 = 0.8413447460685429; // Φ(1)
const Q_HALF = 0.3085375387259869; // Q(0.5)
const C1 = { mean: 0, sd: 1 };
const C2 = { mean: 1, sd: 1 };

describe('worked example of the classification chapter: C1 ~ N(0, 1), C2 ~ N(1, 1)', () => {
  it('at α = 0.5 the test is x > 0, ln γ = −1/2, power Φ(1) = 0.841344746 (1e-9)', () => {
    const np = gaussianNeymanPearson(C1, C2, 0.5);
    expect(np.cut).toEqual({ threshold: 0, direction: 'above' });
    expect(np.logGamma).toBeCloseTo(-0.5, 9);
    expect(np.alpha).toBeCloseTo(0.5, 12);
    expect(np.power).toBeCloseTo(PHI_1, 9);
    expect(np.beta).toBeCloseTo(1 - PHI_1, 9);
    expect(np.region).toEqual([[0, Infinity]]);
  });

  it('at threshold x = 1/2 both error probabilities are Q(0.5) = 0.308537538 (1e-9)', () => {
    const e = gaussianErrorsAtThreshold(C1, C2, 0.5);
    expect(e.alpha).toBeCloseTo(Q_HALF, 9);
    expect(e.beta).toBeCloseTo(Q_HALF, 9);
    expect(e.power).toBeCloseTo(1 - Q_HALF, 9);
    // the same test as an LR threshold: ln L(1/2) = 1/2 − 1/2 = 0
    expect(gaussianLogLikelihoodRatio(0.5, C1, C2)).toBeCloseTo(0, 15);
    const lr = gaussianErrorsAtLogGamma(C1, C2, 0);
    expect(lr.cut!.threshold).toBeCloseTo(0.5, 14);
    expect(lr.alpha).toBeCloseTo(Q_HALF, 9);
    expect(lr.beta).toBeCloseTo(Q_HALF, 9);
  });

  it('ln L(x) = x − 1/2 (hand derivation in §5.3.4)', () => {
    for (const x of [-3, -0.2, 0, 0.7, 4]) expect(gaussianLogLikelihoodRatio(x, C1, C2)).toBeCloseTo(x - 0.5, 14);
  });

  it('power = Q(Q⁻¹(α) − d) for equal variances: σ = 2, μ2 − μ1 = 3, α = 0.05 → Q(1.6448536 − 1.5)', () => {
    const np = gaussianNeymanPearson({ mean: 1, sd: 2 }, { mean: 4, sd: 2 }, 0.05);
    expect(np.cut!.threshold).toBeCloseTo(1 + 2 * 1.6448536269514722, 12);
    expect(np.power).toBeCloseTo(0.4424132202501236, 12); // scipy: norm.sf(1.6448536269514722 - 1.5)
    // μ2 < μ1: the region flips to x < t
    const flipped = gaussianNeymanPearson({ mean: 0, sd: 1 }, { mean: -1, sd: 1 }, 0.5);
    expect(flipped.cut).toEqual({ threshold: 0, direction: 'below' });
    expect(flipped.power).toBeCloseTo(PHI_1, 12);
  });

  it('a simulated sample (200k per class, seeded) lies within its 99 % Clopper–Pearson intervals of the analytic figures', () => {
    const rng = createRng(7);
    const n = 200_000;
    const scores = new Float64Array(2 * n);
    const labels = new Int32Array(2 * n);
    let fp = 0, tp = 0, e1 = 0, e2 = 0;
    for (let i = 0; i < n; i++) {
      const x1 = rng.normal(), x2 = 1 + rng.normal();
      scores[i] = x1;
      scores[n + i] = x2;
      labels[n + i] = 1;
      if (x1 > 0) fp++;
      if (x2 > 0) tp++;
      if (x1 > 0.5) e1++;
      if (x2 <= 0.5) e2++;
    }
    const inside = (k: number, p: number): boolean => {
      const { lower: lo, upper: hi } = clopperPearson(k, n, 0.99);
      return lo <= p && p <= hi;
    };
    expect(inside(fp, 0.5)).toBe(true);
    expect(inside(tp, PHI_1)).toBe(true);
    expect(inside(e1, Q_HALF)).toBe(true);
    expect(inside(e2, Q_HALF)).toBe(true);

    // the empirical Neyman–Pearson threshold at α = 0.05 against the analytic one
    const analytic = gaussianNeymanPearson(C1, C2, 0.05);
    const emp = neymanPearsonThreshold(scores, labels, 0.05, { confidence: 0.99 });
    expect(emp.achievedFpr).toBeLessThanOrEqual(0.05);
    expect(emp.achievedFpr).toBeGreaterThan(0.05 - 1 / n - 1e-12);
    expect(emp.fprInterval[0]).toBeLessThanOrEqual(analytic.alpha);
    expect(emp.fprInterval[1]).toBeGreaterThanOrEqual(analytic.alpha);
    expect(emp.powerInterval[0]).toBeLessThanOrEqual(analytic.power);
    expect(emp.powerInterval[1]).toBeGreaterThanOrEqual(analytic.power);
    // quantile standard error √(α(1−α)/n)/φ(t) ≈ 0.0047: 5σ
    expect(Math.abs(emp.threshold - analytic.cut!.threshold)).toBeLessThan(0.024);
  });
});

interface GaussianFixture {
  unequal: Array<{ c1: { mean: number; sd: number }; c2: { mean: number; sd: number }; alpha: number; logGamma: number; roots: [number, number]; power: number }>;
  lda: Array<{ mean1: number[]; mean2: number[]; covariance: number[][]; alpha: number; direction: number[]; mahalanobis: number; threshold: number; logGamma: number; power: number }>;
}
const fx = loadFixture<GaussianFixture>('gaussian.json');

describe('unequal variances: the quadratic (two-sided) region', () => {
  it('matches scipy brentq solutions: ln γ, roots and power to 1e-9', () => {
    for (const c of fx.unequal) {
      const r = gaussianNeymanPearson(c.c1, c.c2, c.alpha);
      const tag = JSON.stringify(c);
      expect(close(r.alpha, c.alpha, 1e-9), tag).toBe(true);
      expect(close(r.logGamma, c.logGamma, 1e-9, 1e-12), tag).toBe(true);
      expect(close(r.power, c.power, 1e-9), tag).toBe(true);
      expect(r.cut).toBeNull();
      if (c.c2.sd > c.c1.sd) {
        expect(r.region.length).toBe(2);
        expect(close(r.region[0]![1], c.roots[0], 1e-9, 1e-12), tag).toBe(true);
        expect(close(r.region[1]![0], c.roots[1], 1e-9, 1e-12), tag).toBe(true);
      } else {
        expect(r.region.length).toBe(1);
        expect(close(r.region[0]![0], c.roots[0], 1e-9, 1e-12), tag).toBe(true);
        expect(close(r.region[0]![1], c.roots[1], 1e-9, 1e-12), tag).toBe(true);
      }
      expect(r.power + r.beta).toBeCloseTo(1, 12);
    }
  });

  it('hand case: N(0,1) vs N(0,4): ln L = ln(1/2) + 3x²/8, so at ln γ = ln(1/2) + 3/8 the region is |x| > 1', () => {
    const r = gaussianErrorsAtLogGamma({ mean: 0, sd: 1 }, { mean: 0, sd: 2 }, Math.log(0.5) + 3 / 8);
    expect(r.region[0]![1]).toBeCloseTo(-1, 12);
    expect(r.region[1]![0]).toBeCloseTo(1, 12);
    expect(r.alpha).toBeCloseTo(2 * 0.15865525393145707, 12); // 2Q(1)
    expect(r.power).toBeCloseTo(2 * 0.3085375387259869, 12); // 2Q(1/2)
    // below the minimum of ln L every x is in R2; above the maximum of a narrower C2 nothing is
    expect(gaussianErrorsAtLogGamma({ mean: 0, sd: 1 }, { mean: 0, sd: 2 }, -5).alpha).toBe(1);
    expect(gaussianErrorsAtLogGamma({ mean: 0, sd: 2 }, { mean: 0, sd: 1 }, 5).region).toEqual([]);
  });
});

describe('multivariate normal classes with a shared covariance (LDA)', () => {
  it('matches numpy: direction, Mahalanobis Δ, threshold, ln γ and power = Q(Q⁻¹(α) − Δ) to 1e-10', () => {
    for (const c of fx.lda) {
      const g = { mean1: c.mean1, mean2: c.mean2, covariance: fromRows(c.covariance) };
      const r = ldaNeymanPearson(g, c.alpha);
      c.direction.forEach((w, k) => expect(close(r.direction[k]!, w, 1e-10, 1e-13)).toBe(true));
      expect(close(r.mahalanobis, c.mahalanobis, 1e-10)).toBe(true);
      expect(close(r.threshold, c.threshold, 1e-10, 1e-12)).toBe(true);
      expect(close(r.logGamma, c.logGamma, 1e-10, 1e-12)).toBe(true);
      expect(close(r.power, c.power, 1e-10)).toBe(true);
      // the inverse: errors at that threshold give back α
      const back = ldaErrorsAt(g, { threshold: r.threshold });
      expect(back.alpha).toBeCloseTo(c.alpha, 12);
      expect(ldaErrorsAt(g, { logGamma: r.logGamma }).power).toBeCloseTo(c.power, 12);
    }
  });

  it('with Σ = [σ²] in one dimension it reduces to the 1-D equal-variance test', () => {
    for (const [m1, m2, sd, alpha] of [[0, 1, 1, 0.5], [0, 1, 1, 0.01], [2, -1, 0.5, 0.2], [-3, 4, 3, 1e-6]] as const) {
      const uni = gaussianNeymanPearson({ mean: m1, sd }, { mean: m2, sd }, alpha);
      const multi = ldaNeymanPearson({ mean1: [m1], mean2: [m2], covariance: fromRows([[sd * sd]]) }, alpha);
      const w = multi.direction[0]!;
      expect(multi.mahalanobis).toBeCloseTo(Math.abs(m2 - m1) / sd, 13);
      // wx > t ⇔ x > t/w (w > 0) or x < t/w (w < 0)
      expect(uni.cut!.direction).toBe(w > 0 ? 'above' : 'below');
      expect(multi.threshold / w).toBeCloseTo(uni.cut!.threshold, 11);
      expect(multi.logGamma).toBeCloseTo(uni.logGamma, 11);
      expect(close(multi.power, uni.power, 1e-13)).toBe(true);
      expect(close(multi.alpha, uni.alpha, 1e-13)).toBe(true);
    }
  });

  it('rejects identical classes, mismatched shapes, a singular covariance and α outside (0, 1)', () => {
    const code = (f: () => unknown): string | undefined => {
      try {
        f();
      } catch (e) {
        return isDiscernError(e) ? `${e.code}: ${e.message}` : String(e);
      }
      return undefined;
    };
    expect(code(() => gaussianNeymanPearson(C1, C1, 0.1))).toMatch(/INVALID_ARGUMENT: .*same distribution/);
    expect(code(() => gaussianNeymanPearson(C1, C2, 0))).toMatch(/alpha .* must be in \(0, 1\)/);
    expect(code(() => gaussianNeymanPearson(C1, C2, 1))).toMatch(/alpha/);
    expect(code(() => gaussianNeymanPearson({ mean: 0, sd: -1 }, C2, 0.1))).toMatch(/class C1 needs a finite mean and a finite sd > 0/);
    expect(code(() => ldaNeymanPearson({ mean1: [0, 0], mean2: [1], covariance: fromRows([[1, 0], [0, 1]]) }, 0.1))).toMatch(/must agree in dimension/);
    expect(code(() => ldaNeymanPearson({ mean1: [0, 0], mean2: [1, 1], covariance: fromRows([[1, 1], [1, 1]]) }, 0.1))).toMatch(/SINGULAR_COVARIANCE/);
    expect(code(() => ldaNeymanPearson({ mean1: [1, 1], mean2: [1, 1], covariance: fromRows([[1, 0], [0, 1]]) }, 0.1))).toMatch(/means coincide/);
  });
});
