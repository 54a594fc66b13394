import { createRng } from '@discern/linalg';
import { describe, expect, it } from 'vitest';
import { bootstrapAuc, delongAuc } from './delong.js';
import { expectClose, loadFixture } from './fixture.test-helpers.js';
import { type ClassificationFixture } from './fixture-types.test-helpers.js';
import { rocAuc } from './roc.js';
import { normCdf } from '@discern/core';

const fx = loadFixture<ClassificationFixture>('classification.json');

describe('DeLong against the O(m·n) placement-value reference (DeLong et al. 1988)', () => {
  const cases = fx.binary.filter((c) => c.delong && c.name !== 'all_equal');
  it('has reference cases', () => expect(cases.length).toBeGreaterThanOrEqual(3));
  for (const c of cases) {
    it(c.name, () => {
      const r = delongAuc(c.y_true, c.score);
      const ref = c.delong!;
      expectClose(r.auc, ref.auc, 1e-12, 'auc');
      expectClose(r.variance, ref.variance, 1e-12, 'variance');
      expectClose(r.lower, ref.lower, 1e-12, 'lower');
      expectClose(r.upper, ref.upper, 1e-12, 'upper');
    });
  }
  it('hand-worked: y = [1,1,0,0], s = [0.9,0.4,0.5,0.1]', () => {
    // placements V10 = [1, ½], V01 = [½, 1]; AUC = ¾; S10 = S01 = ((¼)² + (¼)²)/1 = ⅛; Var = ⅛/2 + ⅛/2 = ⅛
    const r = delongAuc([1, 1, 0, 0], [0.9, 0.4, 0.5, 0.1]);
    expect(r.auc).toBe(0.75);
    expectClose(r.variance, 0.125, 1e-15);
  });
});

function normalSample(rng: ReturnType<typeof createRng>, m: number, n: number, shift: number): { y: Int32Array; s: Float64Array } {
  const y = new Int32Array(m + n), s = new Float64Array(m + n);
  for (let i = 0; i < m; i++) {
    y[i] = 1;
    s[i] = shift + rng.normal();
  }
  for (let j = 0; j < n; j++) s[m + j] = rng.normal();
  return { y, s };
}

describe('coverage of the DeLong interval (seeded simulation)', () => {
  it('95 % interval covers Φ(Δμ/√2) at 95 % ± 3σ over 2,000 repetitions', () => {
    const rng = createRng(2024);
    const reps = 2000, shift = 1;
    const truth = normCdf(shift / Math.SQRT2); // signal N(1,1) vs background N(0,1)
    let covered = 0;
    for (let r = 0; r < reps; r++) {
      const { y, s } = normalSample(rng, 150, 150, shift);
      const ci = delongAuc(y, s);
      if (ci.lower <= truth && truth <= ci.upper) covered++;
    }
    const sigma = Math.sqrt((0.95 * 0.05) / reps);
    expect(Math.abs(covered / reps - 0.95)).toBeLessThanOrEqual(3 * sigma);
  });
});

describe('bootstrap interval', () => {
  const rng = createRng(11);
  const { y, s } = normalSample(rng, 300, 400, 0.8);
  it('is reproducible with a seed and brackets the AUC', () => {
    const a = bootstrapAuc(y, s, { nBoot: 500, seed: 3 });
    const b = bootstrapAuc(y, s, { nBoot: 500, seed: 3 });
    expect(a.lower).toBe(b.lower);
    expect(a.upper).toBe(b.upper);
    expectClose(a.auc, rocAuc(y, s), 1e-12, 'point estimate');
    expect(a.lower).toBeLessThan(a.auc);
    expect(a.upper).toBeGreaterThan(a.auc);
    expect(bootstrapAuc(y, s, { nBoot: 500, seed: 4 }).lower).not.toBe(a.lower);
  });
  it('agrees with DeLong in width (large samples: both estimate the same variance)', () => {
    const bs = bootstrapAuc(y, s, { nBoot: 2000, seed: 5 });
    const dl = delongAuc(y, s);
    const ratio = (bs.upper - bs.lower) / (dl.upper - dl.lower);
    expect(ratio).toBeGreaterThan(0.85);
    expect(ratio).toBeLessThan(1.15);
  });
  it('weighted: integer weights behave as repeated events for the point estimate', () => {
    const w = Array.from(y, (_, i) => 1 + (i % 3));
    const r = bootstrapAuc(y, s, { nBoot: 50, seed: 1, weights: w });
    expectClose(r.auc, rocAuc(y, s, { weights: w }), 1e-12, 'weighted AUC');
  });
  it('rejects too few samples', () => {
    expect(() => delongAuc([1, 0, 0], [0.3, 0.2, 0.1])).toThrow(/at least 2 positive and 2 negative samples, got 1 and 2/);
    expect(() => bootstrapAuc([1, 0], [0.3, 0.2], { nBoot: 1 })).toThrow(/nBoot is 1/);
  });
});
