import { describe, expect, it } from 'vitest';
import { expectClose, loadFixture } from './fixture.test-helpers.js';
import { type KsFixture } from './fixture-types.test-helpers.js';
import { ksTwoSample, overtrainingCheck } from './ks.js';

const fx = loadFixture<KsFixture>('ks.json');

describe('two-sample KS against scipy', () => {
  for (const c of fx.cases) {
    it(c.name, () => {
      const r = ksTwoSample(c.a, c.b, c.weightsA && c.weightsB ? { weightsA: c.weightsA, weightsB: c.weightsB } : {});
      expectClose(r.statistic, c.statistic, 1e-12, 'D (ks_2samp statistic)');
      expectClose(r.nEffective, c.n_eff, 1e-12, 'n_e');
      // Kolmogorov limit Q_KS(√n_e·D) = scipy.special.kolmogorov
      expectClose(r.pValue, c.pvalue_kolmogorov, 1e-8, 'p-value');
      if (c.pvalue_scipy_asymp !== undefined && c.name === 'large') {
        // ks_2samp(method='asymp') uses the finite-n kstwo at round(n_e) = 3600; the limit differs by O(1/√n_e)
        expect(Math.abs(r.pValue - c.pvalue_scipy_asymp)).toBeLessThan(0.005); // 0.2296 vs 0.2269 here
      }
    });
  }
  it('hand-worked D', () => {
    // a = {1,2,3}, b = {2.5, 4}: after 2 F_a = 2/3, F_b = 0 → D = 2/3
    const r = ksTwoSample([1, 2, 3], [2.5, 4]);
    expectClose(r.statistic, 2 / 3, 1e-15);
    expectClose(r.nEffective, 6 / 5, 1e-15);
  });
  it('integer weights give the statistic of the repeated sample', () => {
    const a = [0.1, 0.5, 0.9, 1.3], wa = [2, 1, 3, 1];
    const b = [0.2, 0.4, 1.0], wb = [1, 2, 2];
    const rep = (x: number[], w: number[]): number[] => x.flatMap((v, i) => Array<number>(w[i]!).fill(v));
    expectClose(ksTwoSample(a, b, { weightsA: wa, weightsB: wb }).statistic, ksTwoSample(rep(a, wa), rep(b, wb)).statistic, 1e-15);
  });
});

describe('overtraining check', () => {
  it('runs KS per class, train vs test', () => {
    const train = { yTrue: [1, 1, 1, 0, 0, 0], score: [0.9, 0.8, 0.7, 0.1, 0.2, 0.3] };
    const test = { yTrue: [1, 1, 0, 0], score: [0.85, 0.2, 0.15, 0.25] };
    const r = overtrainingCheck(train, test);
    expectClose(r.signal.statistic, ksTwoSample([0.9, 0.8, 0.7], [0.85, 0.2]).statistic, 0);
    expectClose(r.background.statistic, ksTwoSample([0.1, 0.2, 0.3], [0.15, 0.25]).statistic, 0);
    expect(r.signal.nA).toBe(3);
  });
  it('names a missing class', () => {
    expect(() => overtrainingCheck({ yTrue: [1, 0], score: [1, 0] }, { yTrue: [0, 0], score: [1, 0] })).toThrow(/the test sample has no signal events/);
  });
});
