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
  it('negative weights: a replicate whose class total is ≤ 0 has no AUC and is left out, counted; many such are an error', () => {
    // 3 signal events: weights 1, 1, −1.5 (total 0.5 > 0). A draw of the three picks the negative one at least twice
    // with probability 7/27, and its total is then ≤ 0.
    const ys = [1, 1, 1, 0, 0, 0, 0];
    const sc = [0.9, 0.8, 0.3, 0.7, 0.2, 0.1, 0.05];
    const ws = [1, 1, -1.5, 1, 1, 1, 1];
    expect(() => bootstrapAuc(ys, sc, { nBoot: 200, seed: 2, weights: ws })).toThrow(/in \d+ of 200 replicates a class's drawn event weights summed to ≤ 0/);
    // many signal events with one small negative weight: the replicates all have an AUC
    const { y: y2, s: s2 } = normalSample(createRng(4), 200, 200, 1);
    const w2 = Array.from(y2, (_, i) => (i === 0 ? -0.5 : 1));
    const r = bootstrapAuc(y2, s2, { nBoot: 300, seed: 1, weights: w2 });
    expect(r.dropped).toBe(0);
    expect(r.replicates.length).toBe(300);
    expectClose(r.auc, rocAuc(y2, s2, { weights: w2 }), 1e-12, 'signed weighted AUC');
    // 40 signal events, one of weight −12 (total 28): a draw holding it 4 times or more (~2 % of them) has a total ≤ 0;
    // those few are left out and the interval comes from the others
    const y3 = Array.from({ length: 80 }, (_, i) => (i < 40 ? 1 : 0));
    const s3 = Array.from({ length: 80 }, (_, i) => (i < 40 ? 0.5 : 0) + ((i * 37) % 80) / 80);
    const w3 = Array.from({ length: 80 }, (_, i) => (i === 7 ? -12 : 1));
    const r3 = bootstrapAuc(y3, s3, { nBoot: 1000, seed: 6, weights: w3 });
    expect(r3.dropped).toBeGreaterThan(0);
    expect(r3.dropped).toBeLessThanOrEqual(50);
    expect(r3.replicates.length).toBe(1000 - r3.dropped);
    expect(r3.replicates.every((a) => Number.isFinite(a))).toBe(true);
    expect(Number.isFinite(r3.lower) && Number.isFinite(r3.upper) && r3.lower <= r3.upper).toBe(true);
    // a class whose weights sum to ≤ 0 has no point estimate
    expect(() => bootstrapAuc(ys, sc, { nBoot: 20, weights: [1, 1, -3, 1, 1, 1, 1] })).toThrow(/the event weights of the signal sum to -1 and of the background to 4/);
  });
  it('rejects too few samples', () => {
    expect(() => delongAuc([1, 0, 0], [0.3, 0.2, 0.1])).toThrow(/at least 2 positive and 2 negative samples, got 1 and 2/);
    expect(() => bootstrapAuc([1, 0], [0.3, 0.2], { nBoot: 1 })).toThrow(/nBoot is 1/);
  });
});
