import { describe, expect, it } from 'vitest';
import { createRng, fromRows } from '@discern/linalg';
import { errorOf, loadFixture } from './fixtures.test-helpers.js';
import { checkGaussianTest, gaussianRocCurve, gaussianTestStatistic, gaussianTests, inRegion } from './gaussian-tests.js';

// Reference values: scipy.stats.norm (sf, cdf, isf), to ~1e-16; compared to 1e-12 unless noted.
const Q1 = 0.15865525393145707; // Q(1)
const PHI1 = 0.8413447460685429; // Φ(1)
const QHALF = 0.3085375387259869; // Q(1/2)
const PHIHALF = 0.6914624612740131; // Φ(1/2)
const C1 = { mean: 0, sd: 1 };
const C2 = { mean: 1, sd: 1 };

describe('gaussianTests: the worked example C1 ~ N(0, 1), C2 ~ N(1, 1)', () => {
  const set = gaussianTests({ c1: C1, c2: C2 }, { alpha: [0.5], threshold: [0.5], logGamma: [0] });

  it('the statistic is x itself, distributed as the classes', () => {
    expect(set.model).toBe('gaussian-1d');
    expect(set.dims).toBe(1);
    expect(set.statisticName).toBe('x');
    expect(set.statistic1).toEqual(C1);
    expect(set.statistic2).toEqual(C2);
    expect(set.lda).toBeNull();
    expect(set.tests.map((t) => t.kind)).toEqual(['neyman-pearson', 'threshold', 'log-gamma']);
  });

  it('NP at α = 0.5: x > 0, ln γ = −1/2, β = Q(1) = 0.1587, power Φ(1) = 0.8413', () => {
    const np = set.tests[0]!;
    expect(np.label).toBe('NP α = 0.5: x > 0');
    expect(np.level).toBe(0.5);
    expect(np.threshold).toBe(0);
    expect(np.direction).toBe('above');
    expect(np.region).toEqual([[0, Infinity]]);
    expect(np.logGamma).toBeCloseTo(-0.5, 12);
    expect(np.alpha).toBeCloseTo(0.5, 12);
    expect(np.beta).toBeCloseTo(Q1, 12);
    expect(np.power).toBeCloseTo(PHI1, 12);
  });

  it('the cut x > 0.5: α = β = Q(1/2) = 0.3085, power Φ(1/2), and it is the LR test ln γ = ln L(1/2) = 0', () => {
    const cut = set.tests[1]!;
    expect(cut.label).toBe('cut x > 0.5');
    expect(cut.level).toBeNull();
    expect([cut.threshold, cut.direction]).toEqual([0.5, 'above']);
    expect(cut.region).toEqual([[0.5, Infinity]]);
    expect(cut.alpha).toBeCloseTo(QHALF, 12);
    expect(cut.beta).toBeCloseTo(QHALF, 12);
    expect(cut.power).toBeCloseTo(PHIHALF, 12);
    expect(cut.logGamma).toBeCloseTo(0, 15);
  });

  it('ln γ = 0 is the same test as the cut x > 1/2', () => {
    const lg = set.tests[2]!;
    expect(lg.label).toBe('ln γ = 0');
    expect(lg.logGamma).toBe(0);
    expect(lg.threshold).toBeCloseTo(0.5, 14);
    expect(lg.direction).toBe('above');
    expect(lg.alpha).toBeCloseTo(QHALF, 12);
    expect(lg.beta).toBeCloseTo(QHALF, 12);
  });

  it('C2 below C1: the cut decides C2 below it', () => {
    const flipped = gaussianTests({ c1: C1, c2: { mean: -1, sd: 1 } }, { alpha: [0.5], threshold: [-0.5] });
    expect(flipped.tests[0]!.label).toBe('NP α = 0.5: x < 0');
    expect(flipped.tests[1]!.label).toBe('cut x < -0.5');
    expect(flipped.tests[1]!.region).toEqual([[-Infinity, -0.5]]);
    expect(flipped.tests[1]!.alpha).toBeCloseTo(QHALF, 12);
  });
});

describe('gaussianTests: unequal variances', () => {
  interface Unequal {
    c1: { mean: number; sd: number };
    c2: { mean: number; sd: number };
    alpha: number;
    logGamma: number;
    roots: [number, number];
    power: number;
  }
  const [fx] = loadFixture<{ unequal: Unequal[] }>('gaussian.json').unequal;

  it('NP (scipy brentq fixture, N(0,1) vs N(1,2²), α = 0.05): a two-sided region, no cut, so no threshold in the label', () => {
    const t = gaussianTests({ c1: fx!.c1, c2: fx!.c2 }, { alpha: [fx!.alpha] }).tests[0]!;
    expect(t.label).toBe('NP α = 0.05');
    expect(t.threshold).toBeNull();
    expect(t.direction).toBeNull();
    expect(t.region.length).toBe(2);
    expect(t.region[0]![0]).toBe(-Infinity);
    expect(t.region[0]![1]).toBeCloseTo(fx!.roots[0], 9);
    expect(t.region[1]![0]).toBeCloseTo(fx!.roots[1], 9);
    expect(t.power).toBeCloseTo(fx!.power, 9);
  });

  it('a cut is not a likelihood-ratio test there: ln γ null', () => {
    expect(gaussianTests({ c1: fx!.c1, c2: fx!.c2 }, { threshold: [0.5] }).tests[0]!.logGamma).toBeNull();
  });
});

describe('gaussianTests: shared covariance, μ1 = (0, 0), μ2 = (1, 1), Σ = [[1, ½], [½, 1]]', () => {
  // By hand: w = Σ⁻¹(1, 1) = (2/3, 2/3), Δ² = (1, 1)·w = 4/3, offset wᵀ(μ1 + μ2)/2 = 2/3.
  const D = Math.sqrt(4 / 3);
  const g = { mean1: [0, 0], mean2: [1, 1], covariance: fromRows([[1, 0.5], [0.5, 1]]) };
  const set = gaussianTests(g, { alpha: [0.05], threshold: [1], logGamma: [0] });

  it('the LDA statistic wᵀx ~ N(0, Δ²) under C1 and N(4/3, Δ²) under C2', () => {
    expect(set.model).toBe('gaussian-shared-covariance');
    expect(set.dims).toBe(2);
    expect(set.statisticName).toBe('wᵀx');
    expect(set.lda!.direction[0]).toBeCloseTo(2 / 3, 14);
    expect(set.lda!.direction[1]).toBeCloseTo(2 / 3, 14);
    expect(set.lda!.mahalanobis).toBeCloseTo(D, 14);
    expect(set.lda!.offset).toBeCloseTo(2 / 3, 14);
    expect(set.statistic1.mean).toBeCloseTo(0, 15);
    expect(set.statistic2.mean).toBeCloseTo(4 / 3, 14);
    expect(set.statistic1.sd).toBe(set.lda!.mahalanobis);
    expect(gaussianTestStatistic(set, [1, 2])).toBeCloseTo(2, 14);
  });

  it('NP α = 0.05: wᵀx > Δ·Q⁻¹(0.05) = 1.89931337, power Q(Q⁻¹(α) − Δ) = 0.31201279', () => {
    const np = set.tests[0]!;
    expect(np.label).toBe('NP α = 0.05');
    expect(np.threshold).toBeCloseTo(1.8993133685959303, 12);
    expect(np.region).toEqual([[np.threshold, Infinity]]);
    expect(np.direction).toBe('above');
    expect(np.power).toBeCloseTo(0.3120127868184541, 12);
    expect(np.beta).toBeCloseTo(0.6879872131815459, 12);
  });

  it('the cut wᵀx > 1: α = Q(1/Δ) = 0.19323812, power Q((1 − 4/3)/Δ) = 0.61358500; ln γ = 0: α = β = Q((2/3)/Δ) = 0.28185143', () => {
    const [, cut, lg] = set.tests;
    expect(cut!.label).toBe('cut wᵀx > 1');
    expect(cut!.alpha).toBeCloseTo(0.19323811538561636, 12);
    expect(cut!.power).toBeCloseTo(0.6135850036577762, 12);
    expect(cut!.logGamma).toBeCloseTo(1 - 2 / 3, 14);
    expect(lg!.threshold).toBeCloseTo(2 / 3, 14);
    expect(lg!.alpha).toBeCloseTo(0.28185143082538655, 12);
    expect(lg!.beta).toBeCloseTo(0.28185143082538655, 12);
  });

  it('an event of the wrong dimension is refused', () => {
    expect(errorOf(() => gaussianTestStatistic(set, [1])).message).toMatch(/1 components but the classes have 2/);
  });
});

describe('gaussianRocCurve', () => {
  it('equal variances: 401 cuts plus the corners, monotone, through (Q(1/2), Φ(1/2)) at the cut x = 1/2', () => {
    const r = gaussianRocCurve(C1, C2);
    expect(r.fpr.length).toBe(403);
    expect([r.fpr[0], r.tpr[0]]).toEqual([0, 0]);
    expect([r.fpr[402], r.tpr[402]]).toEqual([1, 1]);
    for (let i = 1; i < r.fpr.length; i++) {
      expect(r.fpr[i]!).toBeGreaterThanOrEqual(r.fpr[i - 1]!);
      expect(r.tpr[i]!).toBeGreaterThanOrEqual(r.tpr[i - 1]!);
    }
    // The cuts run over [−7, 8] in steps of 15/400; the 200th is x = 0.5 exactly.
    const k = r.fpr.findIndex((f) => Math.abs(f - QHALF) < 1e-15);
    expect(k).toBeGreaterThan(0);
    expect(r.tpr[k]).toBeCloseTo(PHIHALF, 15);
  });

  it('unequal variances: the sweep over ln γ passes (0.05, 0.40209) of the scipy fixture (linear interpolation, 2e-3)', () => {
    const r = gaussianRocCurve({ mean: 0, sd: 1 }, { mean: 1, sd: 2 });
    const i = r.fpr.findIndex((f) => f >= 0.05);
    const t = (0.05 - r.fpr[i - 1]!) / (r.fpr[i]! - r.fpr[i - 1]!);
    const tpr = r.tpr[i - 1]! + t * (r.tpr[i]! - r.tpr[i - 1]!);
    expect(Math.abs(tpr - 0.40209498391131027)).toBeLessThan(2e-3);
  });

  it('identical classes have no test: INVALID_ARGUMENT', () => {
    expect(errorOf(() => gaussianRocCurve(C1, C1)).message).toMatch(/gaussianRocCurve: C1 and C2 are the same distribution/);
    expect(errorOf(() => gaussianRocCurve(C1, C2, 0)).message).toMatch(/steps must be a positive integer/);
  });
});

describe('checkGaussianTest: a test against a simulated sample', () => {
  const cut = { region: [[0.5, Infinity]] as Array<[number, number]>, alpha: QHALF, beta: QHALF, power: PHIHALF };

  it('by hand, 2 + 2 events: α 0/2, β 0/2, power 2/2 with Clopper–Pearson [0, 1 − 0.025^½] and [0.025^½, 1]; all inside', () => {
    const c = checkGaussianTest(cut, { statistic: [-1, 0.2, 0.7, 1.5], isC2: [0, 0, 1, 1] });
    expect([c.c1Weight, c.c2Weight]).toEqual([2, 2]);
    expect(c.alpha.value).toBe(0);
    expect(c.alpha.interval[0]).toBe(0);
    expect(c.alpha.interval[1]).toBeCloseTo(0.841886116991581, 12);
    expect(c.power.value).toBe(1);
    expect(c.power.interval[0]).toBeCloseTo(0.15811388300841897, 12);
    expect(c.power.interval[1]).toBe(1);
    expect(c.beta.value).toBe(0);
    expect([c.alpha.insideInterval, c.beta.insideInterval, c.power.insideInterval, c.insideInterval]).toEqual([true, true, true, true]);
  });

  it('regions are open: an event exactly at the cut is not selected; weights count', () => {
    const c = checkGaussianTest(cut, { statistic: [0.5, 0.6, 0.7], isC2: [0, 0, 1], weights: [1, 3, 2] });
    expect(c.alpha.value).toBe(3 / 4);
    expect(c.c1Weight).toBe(4);
    expect(c.c2Weight).toBe(2);
    expect(inRegion(0.5, cut.region)).toBe(false);
    expect(inRegion(0.5000001, cut.region)).toBe(true);
  });

  it('a sample from other classes is caught: C2 drawn as N(1, 1) but the test assumes N(1.5, 1) → power outside its interval', () => {
    const rng = createRng(11);
    const n = 5000;
    const statistic: number[] = [], isC2: number[] = [];
    for (let i = 0; i < n; i++) {
      statistic.push(rng.normal(), rng.normal() + 1);
      isC2.push(0, 1);
    }
    const assumed = gaussianTests({ c1: C1, c2: { mean: 1.5, sd: 1 } }, { threshold: [0.5] }).tests[0]!;
    const c = checkGaussianTest(assumed, { statistic, isC2 });
    expect(c.alpha.insideInterval).toBe(true); // C1 is as assumed
    expect(c.power.insideInterval).toBe(false);
    expect(c.insideInterval).toBe(false);
    const right = gaussianTests({ c1: C1, c2: C2 }, { threshold: [0.5] }).tests[0]!;
    expect(checkGaussianTest(right, { statistic, isC2 }).insideInterval).toBe(true);
  });

  it('bad samples → DiscernError', () => {
    expect(errorOf(() => checkGaussianTest(cut, { statistic: [0], isC2: [2] })).code).toBe('LABEL_INVALID');
    expect(errorOf(() => checkGaussianTest(cut, { statistic: [NaN], isC2: [0] })).message).toMatch(/statistic at index 0 is NaN/);
    expect(errorOf(() => checkGaussianTest(cut, { statistic: [0, 1], isC2: [0] })).message).toMatch(/statistic has 2 entries but isC2 has 1/);
  });
});
