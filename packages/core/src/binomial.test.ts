import { describe, expect, it } from 'vitest';
import { binomialInterval, clopperPearson, wilson } from './binomial.js';
import { isDiscernError } from './errors.js';
import { type SpecialFixture, close, expectClose, loadFixture } from './fixture.test-helpers.js';

const fx = loadFixture<SpecialFixture>('special.json');

interface BetaFixture {
  intervals: Array<{ k: number; n: number; confidence: number; clopperPearson: [number, number]; wilson: [number, number] }>;
}
const beta = loadFixture<BetaFixture>('beta.json');

/** A small seeded generator (mulberry32), so this test needs nothing above core. */
function uniforms(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('binomial intervals against scipy.stats.binomtest(...).proportion_ci', () => {
  it("Clopper–Pearson = method='exact' to 1e-10", () => {
    for (const c of fx.binom) {
      const r = clopperPearson(c.k, c.n, c.cl);
      expectClose(r.lower, c.exact[0], 1e-10, `CP lower k=${c.k} n=${c.n} cl=${c.cl}`);
      expectClose(r.upper, c.exact[1], 1e-10, `CP upper k=${c.k} n=${c.n} cl=${c.cl}`);
    }
  });
  it("Wilson = method='wilson' to 1e-12", () => {
    for (const c of fx.binom) {
      const r = binomialInterval(c.k, c.n, { method: 'wilson', cl: c.cl });
      expectClose(r.lower, c.wilson[0], 1e-12, `Wilson lower k=${c.k} n=${c.n}`);
      expectClose(r.upper, c.wilson[1], 1e-12, `Wilson upper k=${c.k} n=${c.n}`);
    }
  });
  it('non-integer effective counts use the same beta quantiles (scipy.stats.beta.ppf)', () => {
    for (const c of fx.cp_real) {
      const r = clopperPearson(c.k, c.n);
      expectClose(r.lower, c.interval[0], 1e-10, 'lower');
      expectClose(r.upper, c.interval[1], 1e-10, 'upper');
    }
  });
  it('agree with scipy.stats.beta.ppf and the Wilson formula to 1e-10 relative (decision fixture)', () => {
    for (const c of beta.intervals) {
      const cp = clopperPearson(c.k, c.n, c.confidence);
      const w = wilson(c.k, c.n, c.confidence);
      expect(close(cp.lower, c.clopperPearson[0], 1e-10, 1e-300), `CP(${c.k}, ${c.n}, ${c.confidence}) lower`).toBe(true);
      expect(close(cp.upper, c.clopperPearson[1], 1e-10, 1e-300), `CP(${c.k}, ${c.n}, ${c.confidence}) upper`).toBe(true);
      expect(close(w.lower, c.wilson[0], 1e-10, 1e-15), `Wilson(${c.k}, ${c.n}) lower`).toBe(true);
      expect(close(w.upper, c.wilson[1], 1e-10, 1e-15), `Wilson(${c.k}, ${c.n}) upper`).toBe(true);
    }
  });
  it('hand value: k = 0 of n gives [0, 1 − (α/2)^{1/n}]', () => {
    const a = clopperPearson(0, 20, 0.95);
    expect(a.lower).toBe(0);
    expect(a.upper).toBeCloseTo(1 - 0.025 ** (1 / 20), 14);
    const b = clopperPearson(20, 20, 0.95);
    expect(b.lower).toBeCloseTo(0.025 ** (1 / 20), 14);
    expect(b.upper).toBe(1);
  });
  it('rejects k outside [0, n], n ≤ 0 and a level outside (0, 1), with INVALID_ARGUMENT', () => {
    const cases: Array<[() => unknown, RegExp]> = [
      [() => clopperPearson(5, 4), /k is 5; it must lie in \[0, n\] = \[0, 4\]/],
      [() => wilson(1, 0), /n is 0; it must be a positive number/],
      [() => clopperPearson(1, 4, 1.5), /cl is 1.5/],
      [() => binomialInterval(1, 4, { method: 'agresti' as never }), /expected 'clopper-pearson' or 'wilson'/],
    ];
    for (const [f, re] of cases) {
      try {
        f();
        expect.unreachable();
      } catch (e) {
        expect(isDiscernError(e) && e.code).toBe('INVALID_ARGUMENT');
        expect((e as Error).message).toMatch(re);
      }
    }
  });
  it('covers the true proportion at least at the nominal 95 % (within 3σ of 2,000 simulated experiments)', () => {
    const u = uniforms(20240601);
    const reps = 2000;
    const sigma = Math.sqrt((0.95 * 0.05) / reps);
    for (const [n, p] of [[40, 0.1], [100, 0.03], [25, 0.5], [200, 0.9]] as const) {
      let covered = 0;
      for (let r = 0; r < reps; r++) {
        let k = 0;
        for (let t = 0; t < n; t++) if (u() < p) k++;
        const i = clopperPearson(k, n, 0.95);
        if (i.lower <= p && p <= i.upper) covered++;
      }
      expect(covered / reps, `n = ${n}, p = ${p}`).toBeGreaterThanOrEqual(0.95 - 3 * sigma);
    }
  });
});
