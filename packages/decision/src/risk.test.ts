import { describe, expect, it } from 'vitest';
import { createRng } from '@discern/linalg';
import { expectedRisk } from './risk.js';
import { errorOf } from './fixtures.test-helpers.js';

// Hand-worked: a missed signal costs 5, a false alarm 1, a reject 0.5.
const cost = [
  [0, 5],
  [1, 0],
];
const labels = [0, 0, 0, 1, 1, 0];
const decisions = [0, 1, 0, 1, 0, -1]; // per-event costs 0, 1, 0, 0, 5, 0.5

describe('expected risk of a rule on labelled data', () => {
  it('R = mean cost 6.5/6, SE = s/√n = 0.80017359 (numpy: std(ddof=1)/√6), confusion counts', () => {
    const r = expectedRisk(decisions, labels, cost, { rejectCost: 0.5 });
    expect(r.risk).toBeCloseTo(6.5 / 6, 15);
    expect(r.standardError).toBeCloseTo(0.8001735922771869, 13);
    const z = 1.959963984540054;
    expect(r.interval[0]).toBeCloseTo(6.5 / 6 - z * 0.8001735922771869, 12);
    expect(r.interval[1]).toBeCloseTo(6.5 / 6 + z * 0.8001735922771869, 12);
    expect(r.confusion).toEqual([
      [2, 1],
      [1, 1],
    ]);
    expect(r.rejected).toEqual([1, 0]);
    expect(r.classRisk[0]).toBeCloseTo(1.5 / 4, 15);
    expect(r.classRisk[1]).toBeCloseTo(2.5, 15);
    expect(r.priorFactors).toEqual([1, 1]);
    expect(r.n).toBe(6);
    expect(r.effectiveN).toBeCloseTo(6, 14);
    expect(r.method).toBe('normal');
  });

  it('deployment priors [1/2, 1/2] re-weight the classes: R = ½·0.375 + ½·2.5 = 1.4375, stratified SE 1.25571610', () => {
    const r = expectedRisk(decisions, labels, cost, { rejectCost: 0.5, deployPriors: [0.5, 0.5] });
    expect(r.risk).toBeCloseTo(1.4375, 15);
    expect(r.standardError).toBeCloseTo(1.25571609715997, 13);
    // events of class j weighted by π'_j/f_j: 0.5/(4/6) and 0.5/(2/6)
    expect(r.priorFactors[0]).toBeCloseTo(0.75, 15);
    expect(r.priorFactors[1]).toBeCloseTo(1.5, 15);
    // the same figure from the weights the module documents: Σ w'c / Σ w'
    const wc = [0, 1, 0, 0, 5, 0.5].reduce((acc, c, i) => acc + c * (labels[i] === 0 ? 0.75 : 1.5), 0);
    expect(r.risk).toBeCloseTo(wc / 6, 14);
  });

  it('event weights: doubling every class-1 weight equals deployment priors at the doubled fractions', () => {
    const w = labels.map((y) => (y === 1 ? 2 : 1));
    const r = expectedRisk(decisions, labels, cost, { rejectCost: 0.5, weights: w });
    expect(r.risk).toBeCloseTo((1 + 0.5 + 2 * 5) / 8, 15);
    expect(r.weightedConfusion).toEqual([
      [2, 1],
      [2, 2],
    ]);
    expect(r.weightedRejected).toEqual([1, 0]);
  });

  it('bootstrap (seeded): reproducible, brackets the estimate, SE within 10 % of the normal approximation (n = 2000)', () => {
    const rng = createRng(3);
    const n = 2000;
    const y = Array.from({ length: n }, () => (rng.uniform() < 0.3 ? 1 : 0));
    const d = y.map((t) => (rng.uniform() < 0.8 ? t : 1 - t));
    const a = expectedRisk(d, y, cost, { interval: 'bootstrap', nBootstrap: 500, seed: 11 });
    const b = expectedRisk(d, y, cost, { interval: 'bootstrap', nBootstrap: 500, seed: 11 });
    const normal = expectedRisk(d, y, cost);
    expect(a.interval).toEqual(b.interval);
    expect(a.risk).toBe(normal.risk);
    expect(a.interval[0]).toBeLessThan(a.risk);
    expect(a.interval[1]).toBeGreaterThan(a.risk);
    expect(Math.abs(a.standardError / normal.standardError - 1)).toBeLessThan(0.1);
    const strat = expectedRisk(d, y, cost, { interval: 'bootstrap', nBootstrap: 500, seed: 11, deployPriors: [0.5, 0.5] });
    const stratNormal = expectedRisk(d, y, cost, { deployPriors: [0.5, 0.5] });
    expect(Math.abs(strat.standardError / stratNormal.standardError - 1)).toBeLessThan(0.1);
  });

  it('bad input → DiscernError naming what and where', () => {
    expect(errorOf(() => expectedRisk(decisions, labels, cost))).toEqual({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/decision at index 5 is a reject \(−1\) but no rejectCost/) });
    expect(errorOf(() => expectedRisk([0, 2], [0, 1], cost))).toEqual({ code: 'DATA_INVALID', message: expect.stringMatching(/decision at index 1 is 2; decisions must be class indices 0..1 or −1/) });
    expect(errorOf(() => expectedRisk([0, 1], [0, 3], cost))).toEqual({ code: 'LABEL_INVALID', message: expect.stringMatching(/label at index 1 is 3/) });
    expect(errorOf(() => expectedRisk([0, 0], [0, 0], cost, { deployPriors: [0.5, 0.5] })).message).toMatch(/class 1 has deployment prior 0.5 but no events/);
    expect(errorOf(() => expectedRisk([0, 0], [0, 1], cost, { deployPriors: [0.5, 0.6] })).message).toMatch(/deployPriors must sum to 1/);
    expect(errorOf(() => expectedRisk([], [], cost)).message).toMatch(/sample is empty/);
    expect(errorOf(() => expectedRisk([0], [0], cost, { interval: 'jackknife' as 'normal' })).message).toMatch(/interval must be 'normal' or 'bootstrap'/);
  });
});
