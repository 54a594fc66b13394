import { createRng } from '@discern/linalg';
import { describe, expect, it } from 'vitest';
import { expectClose } from './fixture.test-helpers.js';
import { binomialInterval, clopperPearson } from '@discern/core';
import { efficiencyInterval, reciprocalInterval } from './intervals.js';


describe('effective counts for weighted events', () => {
  it('unit weights give the plain binomial interval', () => {
    const e = efficiencyInterval({ pass: 7, total: 20, total2: 20 });
    expect(e.nEff).toBe(20);
    expect(e.kEff).toBeCloseTo(7, 12);
    const r = clopperPearson(7, 20);
    expectClose(e.lower, r.lower, 1e-12);
    expectClose(e.upper, r.upper, 1e-12);
  });
  it('n_eff = (Σw)²/Σw²: equal weights w give n_eff = n whatever w', () => {
    // 10 events of weight 0.3, 4 passing: Σw = 3, Σw² = 0.9 → n_eff = 10, k_eff = 4
    const e = efficiencyInterval({ pass: 1.2, total: 3, total2: 0.9 });
    expectClose(e.nEff, 10, 1e-14);
    expectClose(e.kEff, 4, 1e-14);
    expectClose(e.upper, clopperPearson(4, 10).upper, 1e-12);
  });
  it('1/ε interval maps the ends', () => {
    expect(reciprocalInterval({ lower: 0.1, upper: 0.5 })).toEqual({ lower: 2, upper: 10 });
    expect(reciprocalInterval({ lower: 0, upper: 0.5 }).upper).toBe(Infinity);
  });
  it('rejects a non-positive total weight', () => {
    expect(() => efficiencyInterval({ pass: 1, total: -2, total2: 5 })).toThrow(/total weight is -2; it must be positive/);
  });
});

describe('coverage simulation (seeded)', () => {
  // 2,000 binomial experiments; 3σ of the simulated coverage is 3·sqrt(0.95·0.05/2000) ≈ 0.0146
  const reps = 2000;
  const sigma3 = 3 * Math.sqrt((0.95 * 0.05) / reps);
  function coverage(method: 'clopper-pearson' | 'wilson', n: number, p: number, seed: number): number {
    const rng = createRng(seed);
    let covered = 0;
    for (let r = 0; r < reps; r++) {
      let k = 0;
      for (let i = 0; i < n; i++) if (rng.uniform() < p) k++;
      const ci = binomialInterval(k, n, { method });
      if (ci.lower <= p && p <= ci.upper) covered++;
    }
    return covered / reps;
  }
  it('Clopper–Pearson covers at least its nominal 95 % (n = 40, ε = 0.1 and 0.7)', () => {
    for (const [p, seed] of [[0.1, 1], [0.7, 2]] as const) expect(coverage('clopper-pearson', 40, p, seed)).toBeGreaterThanOrEqual(0.95 - sigma3);
  });
  it('Wilson is close to nominal on average (n = 100, ε = 0.3)', () => {
    const c = coverage('wilson', 100, 0.3, 3);
    // Wilson oscillates around the nominal level; a 2.5 % band is generous yet fails a wrong z or formula
    expect(Math.abs(c - 0.95)).toBeLessThan(0.025);
  });
});
