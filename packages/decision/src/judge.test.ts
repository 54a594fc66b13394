import { describe, expect, it } from 'vitest';
import { createRng } from '@discern/linalg';
import { errorOf } from './fixtures.test-helpers.js';
import { judgeDecisions } from './judge.js';

// Reference intervals: scipy.stats.beta.ppf (Clopper–Pearson: lower Beta⁻¹(0.025; k, n−k+1), upper
// Beta⁻¹(0.975; k+1, n−k)), accurate to ~1e-15; compared to 1e-12 (the beta quantile's own tolerance here).
const TOL = 12;

function expectInterval(actual: [number, number], expected: [number, number]): void {
  expect(actual[0]).toBeCloseTo(expected[0], TOL);
  expect(actual[1]).toBeCloseTo(expected[1], TOL);
}

describe('judgeDecisions: two classes, unweighted, with a reject', () => {
  // Background b (0) and signal s (1). Per event: truth, decision.
  const labels = [0, 0, 0, 0, 1, 1, 1];
  const decisions = [0, 1, 0, -1, 1, 1, 0];
  const j = judgeDecisions(decisions, labels, { classNames: ['b', 's'], positive: 1, alpha: 0.3 });

  it('confusion counts[true][decided] with the reject apart; the weighted matrix equals it without weights', () => {
    expect(j.n).toBe(7);
    expect(j.weighted).toBe(false);
    expect(j.confusion).toEqual([
      [2, 1],
      [1, 2],
    ]);
    expect(j.weightedConfusion).toEqual(j.confusion);
    expect(j.rejected).toEqual([1, 0]);
    expect(j.weightedRejected).toEqual([1, 0]);
  });

  it('accuracy 4/7 (the reject counts as wrong), Clopper–Pearson [0.18405157, 0.90101172]', () => {
    expect(j.accuracy.value).toBe(4 / 7);
    expectInterval(j.accuracy.interval, [0.184051567640083, 0.9010117215574921]);
  });

  it('εS = 2/3, εB = 1/4 (the rejected background event stays in the denominator), rejection 3/4', () => {
    expect(j.positive).toBe(1);
    expect(j.signalEfficiency!.value).toBe(2 / 3);
    expectInterval(j.signalEfficiency!.interval, [0.09429932405024609, 0.9915962413403874]);
    expect(j.backgroundEfficiency!.value).toBe(1 / 4);
    expectInterval(j.backgroundEfficiency!.interval, [0.006309463209709866, 0.8058795503167565]);
    expect(j.backgroundRejection!.value).toBe(3 / 4);
    expectInterval(j.backgroundRejection!.interval, [1 - 0.8058795503167565, 1 - 0.006309463209709866]);
  });

  it('per-class rates: b 2/4 correct and 1/4 rejected; s 2/3 correct and 0/3 rejected, [0, 1 − 0.025^(1/3)]', () => {
    const [b, s] = j.classRates;
    expect(b!.n).toBe(4);
    expect(b!.weight).toBe(4);
    expect(b!.effectiveN).toBe(4);
    expect(b!.correct.value).toBe(0.5);
    expectInterval(b!.correct.interval, [0.06758598648854294, 0.932414013511457]);
    expect(b!.rejected.value).toBe(0.25);
    expectInterval(b!.rejected.interval, [0.006309463209709866, 0.8058795503167565]);
    expect(s!.correct.value).toBe(2 / 3);
    expect(s!.rejected.value).toBe(0);
    expectInterval(s!.rejected.interval, [0, 0.7075982261787133]);
  });

  it('α = 0.3 lies inside the εB interval, α = 0.001 does not; no cost, no risk', () => {
    expect(j.alphaInsideInterval).toBe(true);
    expect(judgeDecisions(decisions, labels, { classNames: ['b', 's'], alpha: 0.001 }).alphaInsideInterval).toBe(false);
    expect(judgeDecisions(decisions, labels, { classNames: ['b', 's'] }).alphaInsideInterval).toBeNull();
    expect(j.expectedRisk).toBeNull();
  });

  it('positive = 0 swaps the roles: εS is the rate of deciding 0 among class 0', () => {
    const k = judgeDecisions(decisions, labels, { classNames: ['b', 's'], positive: 0 });
    expect(k.signalEfficiency!.value).toBe(2 / 4);
    expect(k.backgroundEfficiency!.value).toBe(1 / 3);
  });

  it('Wilson intervals on request: 4/7 → [0.25045836, 0.84178014] (closed form, numpy)', () => {
    const k = judgeDecisions(decisions, labels, { classNames: ['b', 's'], interval: 'wilson' });
    expect(k.interval).toBe('wilson');
    expectInterval(k.accuracy.interval, [0.2504583645276572, 0.8417801447485302]);
  });
});

describe('judgeDecisions: weighted events, negative weights', () => {
  const labels = [0, 0, 0, 1, 1];
  const weights = [2, -0.5, 1.5, 1, 3];
  const decisions = [1, 0, 1, 1, 0];
  const j = judgeDecisions(decisions, labels, { classNames: ['b', 's'], weights });

  it('weighted confusion Σw per cell, unweighted counts beside it', () => {
    expect(j.weighted).toBe(true);
    expect(j.weightedConfusion).toEqual([
      [-0.5, 3.5],
      [3, 1],
    ]);
    expect(j.confusion).toEqual([
      [1, 2],
      [1, 1],
    ]);
  });

  it('εS = 1/4 on n_eff = 4²/10 = 1.6, k_eff = 0.4: [3.8212069e-5, 0.96610773] (scipy beta.ppf with real parameters)', () => {
    expect(j.signalEfficiency!.value).toBe(0.25);
    expect(j.classRates[1]!.effectiveN).toBeCloseTo(1.6, 15);
    expectInterval(j.signalEfficiency!.interval, [3.821206863982364e-5, 0.9661077250882284]);
  });

  it('εB = 3.5/3 > 1 (the negative weight is in the denominator only): k_eff is clamped to n_eff = 9/6.5, interval [0.025^(1/n_eff), 1]', () => {
    expect(j.backgroundEfficiency!.value).toBe(3.5 / 3);
    expectInterval(j.backgroundEfficiency!.interval, [0.0696557019144559, 1]);
  });

  it('accuracy (−0.5 + 1)/7 on n_eff = 49/16.5: [5.4618524e-9, 0.76515982]', () => {
    expect(j.accuracy.value).toBe(0.5 / 7);
    expect(j.accuracy.interval[0]).toBeCloseTo(5.461852386775111e-9, 15);
    expect(j.accuracy.interval[1]).toBeCloseTo(0.7651598170353826, TOL);
  });

  it('sums run in event order: bit-identical to a plain loop over the events (the pipeline’s figures depend on it)', () => {
    const rng = createRng(5);
    const n = 5000;
    const y = Array.from({ length: n }, () => (rng.uniform() < 0.4 ? 1 : 0));
    const d = y.map((t) => (rng.uniform() < 0.05 ? -1 : rng.uniform() < 0.8 ? t : 1 - t));
    const w = y.map(() => rng.uniform() * 2 - 0.3); // some negative
    const r = judgeDecisions(d, y, { classNames: ['b', 's'], weights: w });
    let right = 0, all = 0;
    const pass = [0, 0], tot = [0, 0];
    for (let i = 0; i < n; i++) {
      all += w[i]!;
      tot[y[i]!]! += w[i]!;
      if (d[i] === y[i]) right += w[i]!;
      if (d[i] === 1) pass[y[i]!]! += w[i]!;
    }
    expect(r.accuracy.value).toBe(right / all);
    expect(r.signalEfficiency!.value).toBe(pass[1]! / tot[1]!);
    expect(r.backgroundEfficiency!.value).toBe(pass[0]! / tot[0]!);
    expect(r.classRates[0]!.weight).toBe(tot[0]);
  });
});

describe('judgeDecisions: K classes with costs and a reject option', () => {
  // 0–1 loss, reject cost 0.3. Per-event costs: 0, 0, 1, 0.3, 0, 1.
  const labels = [0, 1, 2, 2, 1, 0];
  const decisions = [0, 1, 1, -1, 1, 2];
  const cost = [
    [0, 1, 1],
    [1, 0, 1],
    [1, 1, 0],
  ];
  const classNames = ['a', 'b', 'c'];

  it('R = 2.3/6, SE = s/√6 = 0.20069324 (numpy std(ddof=1)/√6); the interval’s lower end −0.0100 is clamped to the smallest cost 0', () => {
    const j = judgeDecisions(decisions, labels, { classNames, cost, rejectCost: 0.3 });
    const r = j.expectedRisk!;
    expect(r.value).toBeCloseTo(2.3 / 6, 15);
    expect(r.standardError).toBeCloseTo(0.20069324297987162, 13);
    expect(r.interval[0]).toBe(0);
    expect(r.interval[1]).toBeCloseTo(0.7766848615144277, 12);
    expect(r.costRange).toEqual([0, 1]);
    expect(r.priors).toBe('sample');
    expect(r.classRisk[0]).toBeCloseTo(0.5, 15);
    expect(r.classRisk[1]).toBe(0);
    expect(r.classRisk[2]).toBeCloseTo(0.65, 15);
  });

  it('deployment priors (½, ¼, ¼): R = ½·0.5 + ¼·0 + ¼·0.65 = 0.4125', () => {
    const r = judgeDecisions(decisions, labels, { classNames, cost, rejectCost: 0.3, deployPriors: [0.5, 0.25, 0.25] }).expectedRisk!;
    expect(r.value).toBeCloseTo(0.4125, 15);
    expect(r.priors).toBe('deployment');
  });

  it('accuracy 3/6, per-class rates, no two-class figures', () => {
    const j = judgeDecisions(decisions, labels, { classNames, cost, rejectCost: 0.3 });
    expect(j.accuracy.value).toBe(0.5);
    expect(j.confusion).toEqual([
      [1, 0, 1],
      [0, 2, 0],
      [0, 1, 0],
    ]);
    expect(j.rejected).toEqual([0, 0, 1]);
    expect(j.classRates.map((c) => c.correct.value)).toEqual([0.5, 1, 0]);
    expect(j.classRates.map((c) => c.rejected.value)).toEqual([0, 0, 0.5]);
    expect([j.positive, j.signalEfficiency, j.backgroundEfficiency, j.backgroundRejection, j.alphaInsideInterval]).toEqual([null, null, null, null, null]);
  });

  it('a reject cost above every other cost widens the clamp range to it', () => {
    expect(judgeDecisions(decisions, labels, { classNames, cost, rejectCost: 2 }).expectedRisk!.costRange).toEqual([0, 2]);
  });
});

describe('judgeDecisions: edge cases and errors', () => {
  it('an empty sample without costs: every rate NaN with the interval [0, 1]', () => {
    const j = judgeDecisions([], [], { classNames: ['b', 's'] });
    expect(j.n).toBe(0);
    expect(j.accuracy.value).toBeNaN();
    expect(j.accuracy.interval).toEqual([0, 1]);
    expect(j.signalEfficiency!.value).toBeNaN();
  });

  it('bad input → DiscernError naming what and where', () => {
    const names = { classNames: ['b', 's'] };
    expect(errorOf(() => judgeDecisions([0, 2], [0, 1], names))).toEqual({ code: 'DATA_INVALID', message: expect.stringMatching(/decision at index 1 is 2; decisions must be class indices 0..1 or −1/) });
    expect(errorOf(() => judgeDecisions([0, 0.5], [0, 1], names)).message).toMatch(/decision at index 1 is 0.5/);
    expect(errorOf(() => judgeDecisions([0, 1], [0, 3], names))).toEqual({ code: 'LABEL_INVALID', message: expect.stringMatching(/label at index 1 is 3/) });
    expect(errorOf(() => judgeDecisions([0], [0, 1], names)).message).toMatch(/decisions has 1 entries but labels has 2/);
    expect(errorOf(() => judgeDecisions([0], [0], { classNames: ['only'] })).message).toMatch(/at least 2 classes/);
    expect(errorOf(() => judgeDecisions([0], [0], { ...names, weights: [NaN] })).message).toMatch(/weight at index 0 is NaN/);
    expect(errorOf(() => judgeDecisions([0], [0], { classNames: ['a', 'b', 'c'], alpha: 0.1 })).message).toMatch(/alpha .* needs two classes/);
    expect(errorOf(() => judgeDecisions([0], [0], { ...names, alpha: 1 })).message).toMatch(/alpha .* must be in \(0, 1\)/);
    expect(errorOf(() => judgeDecisions([0], [0], { ...names, rejectCost: 1 })).message).toMatch(/rejectCost enters the expected risk, which needs a cost matrix/);
    expect(errorOf(() => judgeDecisions([0], [0], { ...names, cost: [[0, 1, 1], [1, 0, 1], [1, 1, 0]] })).message).toMatch(/cost matrix has 3 rows but there are 2 classes/);
    expect(errorOf(() => judgeDecisions([-1], [0], { ...names, cost: [[0, 1], [1, 0]] })).message).toMatch(/reject \(−1\) but no rejectCost/);
    expect(errorOf(() => judgeDecisions([0], [0], { ...names, positive: 2 })).message).toMatch(/positive must be 0 or 1/);
    expect(errorOf(() => judgeDecisions([0], [0], { ...names, confidence: 1 })).message).toMatch(/confidence must be in \(0, 1\)/);
    expect(errorOf(() => judgeDecisions([0], [0], { ...names, interval: 'exact' as 'wilson' })).message).toMatch(/interval must be 'clopper-pearson' or 'wilson'/);
  });
});
