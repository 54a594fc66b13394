import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { type DenseMatrix, fromRows } from '@discern/linalg';
import {
  REJECT,
  bayesLlrThreshold,
  bayesPosteriorThreshold,
  conditionalRisks,
  mapDecide,
  minRiskDecide,
  mlDecide,
  reweightPosteriors,
  zeroOneCost,
} from './bayes-risk.js';
import { lrtDecide } from './lrt.js';
import { errorOf } from './fixtures.test-helpers.js';

/** Random posteriors: n rows of K positive numbers, normalised. */
const posteriorsArb = (K: number, n: number): fc.Arbitrary<number[][]> =>
  fc.array(fc.array(fc.double({ min: 1e-3, max: 1, noNaN: true }), { minLength: K, maxLength: K }), { minLength: n, maxLength: n }).map((rows) =>
    rows.map((r) => {
      const s = r.reduce((a, b) => a + b, 0);
      return r.map((v) => v / s);
    }),
  );
const costArb = (K: number): fc.Arbitrary<number[][]> =>
  fc.array(fc.array(fc.double({ min: 0, max: 10, noNaN: true }), { minLength: K, maxLength: K }), { minLength: K, maxLength: K });

/** Σ_j c[i][j] P_j written out, for the brute-force checks. */
const riskOf = (cost: number[][], p: number[], i: number): number => p.reduce((acc, pj, j) => acc + cost[i]![j]! * pj, 0);

describe('minimum-risk rule for K classes', () => {
  it('hand example (K = 3): conditional risks and argmin', () => {
    const cost = [
      [0, 2, 8],
      [1, 0, 4],
      [6, 3, 0],
    ];
    const P = fromRows([
      [0.7, 0.2, 0.1], // r = [1.2, 1.1, 4.8] → 1
      [0.1, 0.3, 0.6], // r = [5.4, 2.5, 1.5] → 2
      [0.9, 0.1, 0.0], // r = [0.2, 0.9, 5.7] → 0
    ]);
    const R = conditionalRisks(P, cost);
    const expected = [1.2, 1.1, 4.8, 5.4, 2.5, 1.5, 0.2, 0.9, 5.7];
    expected.forEach((v, k) => expect(R.data[k]!).toBeCloseTo(v, 14));
    expect(Array.from(minRiskDecide(P, cost))).toEqual([1, 2, 0]);
    // Chow's reject option: reject where the smallest risk exceeds 1.0
    expect(Array.from(minRiskDecide(P, cost, { rejectCost: 1.0 }))).toEqual([REJECT, REJECT, 0]);
    expect(REJECT).toBe(-1);
  });

  it('ties go to the lowest class index; negative costs (rewards) are allowed', () => {
    expect(Array.from(minRiskDecide(fromRows([[0.5, 0.5]]), zeroOneCost(2)))).toEqual([0]);
    expect(Array.from(minRiskDecide(fromRows([[0.4, 0.6]]), [[-1, 2], [3, -1]]))).toEqual([1]); // r = [0.8, 0.6]
  });

  it('is optimal: its total risk equals the minimum over all K^n decision vectors (brute force), K = 2..5', () => {
    const arb = fc.integer({ min: 2, max: 5 }).chain((K) => fc.tuple(fc.constant(K), posteriorsArb(K, K > 3 ? 2 : 3), costArb(K)));
    fc.assert(
      fc.property(arb, ([K, rows, cost]) => {
        const d = minRiskDecide(fromRows(rows), cost);
        const total = rows.reduce((acc, p, r) => acc + riskOf(cost, p, d[r]!), 0);
        let best = Infinity;
        const n = rows.length;
        for (let code = 0; code < K ** n; code++) {
          let t = 0;
          for (let r = 0, c = code; r < n; r++, c = Math.floor(c / K)) t += riskOf(cost, rows[r]!, c % K);
          best = Math.min(best, t);
        }
        expect(total).toBeLessThanOrEqual(best + 1e-12);
        // and row by row it picks a risk-minimising class
        rows.forEach((p, r) => {
          for (let i = 0; i < K; i++) expect(riskOf(cost, p, d[r]!)).toBeLessThanOrEqual(riskOf(cost, p, i) + 1e-12);
        });
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  it('MAP equals the minimum-risk rule with 0-1 costs', () => {
    const arb = fc.integer({ min: 2, max: 5 }).chain((K) => posteriorsArb(K, 8));
    fc.assert(
      fc.property(arb, (rows) => {
        const P = fromRows(rows);
        const map = mapDecide(P);
        const mr = minRiskDecide(P, zeroOneCost(P.cols));
        rows.forEach((p, r) => {
          const sorted = [...p].sort((a, b) => b - a);
          if (sorted[0]! - sorted[1]! > 1e-12) expect(map[r]).toBe(mr[r]); // exact ties are resolved alike too, near-ties by rounding
          expect(p[map[r]!]).toBe(Math.max(...p));
        });
      }),
      { numRuns: 300, seed: 8 },
    );
  });
});

describe('two classes: the minimum-risk rule as a likelihood-ratio or posterior threshold', () => {
  it('hand example: c = [[0, 5], [1, 0]], π = [0.9, 0.1] → ln ξ = ln(1.8), posterior threshold 1/6', () => {
    const cost = [
      [0, 5],
      [1, 0],
    ];
    expect(bayesLlrThreshold(cost, [0.9, 0.1])).toBeCloseTo(Math.log(1.8), 15);
    expect(bayesPosteriorThreshold(cost)).toBeCloseTo(1 / 6, 15);
    expect(bayesPosteriorThreshold(cost, [0.9, 0.1])).toBeCloseTo(1 / 6, 15);
    // posterior computed with balanced training priors, deployed at [0.9, 0.1]: κ = (1·0.9·0.5)/(5·0.1·0.5) = 1.8
    expect(bayesPosteriorThreshold(cost, [0.9, 0.1], [0.5, 0.5])).toBeCloseTo(1.8 / 2.8, 15);
    // 0-1 costs and equal priors: L > 1, P(C2|x) > 1/2
    expect(bayesLlrThreshold(zeroOneCost(2), [0.5, 0.5])).toBe(0);
    expect(bayesPosteriorThreshold(zeroOneCost(2))).toBe(0.5);
  });

  const binaryCase = fc.record({
    c00: fc.double({ min: -2, max: 2, noNaN: true }),
    c11: fc.double({ min: -2, max: 2, noNaN: true }),
    A: fc.double({ min: 0.01, max: 10, noNaN: true }),
    B: fc.double({ min: 0.01, max: 10, noNaN: true }),
    pi2: fc.double({ min: 0.01, max: 0.99, noNaN: true }),
    train2: fc.double({ min: 0.05, max: 0.95, noNaN: true }),
    lik: fc.array(fc.tuple(fc.double({ min: 1e-6, max: 5, noNaN: true }), fc.double({ min: 1e-6, max: 5, noNaN: true })), { minLength: 1, maxLength: 10 }),
  });

  it('the LR threshold, the posterior threshold and the K = 2 argmin rule decide alike (random costs, priors, likelihoods)', () => {
    fc.assert(
      fc.property(binaryCase, ({ c00, c11, A, B, pi2, train2, lik }) => {
        const cost = [
          [c00, c11 + B],
          [c00 + A, c11],
        ];
        const priors = [1 - pi2, pi2];
        const train = [1 - train2, train2];
        const logXi = bayesLlrThreshold(cost, priors);
        const tPost = bayesPosteriorThreshold(cost, priors);
        const tTrain = bayesPosteriorThreshold(cost, priors, train);
        const post = lik.map(([p1, p2]) => [priors[0]! * p1, priors[1]! * p2]).map(([a, b]) => [a! / (a! + b!), b! / (a! + b!)]);
        const postTrain = lik.map(([p1, p2]) => [train[0]! * p1, train[1]! * p2]).map(([a, b]) => [a! / (a! + b!), b! / (a! + b!)]);
        const argmin = minRiskDecide(fromRows(post), cost);
        const viaLlr = lrtDecide(lik.map(([p1, p2]) => Math.log(p2 / p1)), logXi);
        post.forEach((p, r) => {
          const margin = riskOf(cost, p, 0) - riskOf(cost, p, 1);
          if (Math.abs(margin) < 1e-9 * (A + B)) return; // a tie up to rounding: either decision is optimal
          expect(viaLlr[r]).toBe(argmin[r]);
          expect(p[1]! > tPost ? 1 : 0).toBe(argmin[r]);
          expect(postTrain[r]![1]! > tTrain ? 1 : 0).toBe(argmin[r]);
        });
      }),
      { numRuns: 400, seed: 9 },
    );
  });

  it('rejects cost matrices where an error is not costlier than a right decision, and non-2×2 ones', () => {
    expect(errorOf(() => bayesLlrThreshold([[0, 1], [0, 0]], [0.5, 0.5])).message).toMatch(/need cost\[1\]\[0\] > cost\[0\]\[0\] \(got 0 vs 0\)/);
    expect(errorOf(() => bayesLlrThreshold(zeroOneCost(3), [0.5, 0.5])).message).toMatch(/3 rows but there are 2 classes/);
    expect(errorOf(() => bayesPosteriorThreshold(zeroOneCost(2), undefined, [0.5, 0.5])).message).toMatch(/trainPriors was given without the deployment priors/);
  });
});

describe('posterior re-weighting, MAP and ML', () => {
  it('re-weighting with equal train and deployment priors is the identity (property, 1e-15)', () => {
    const arb = fc.integer({ min: 2, max: 5 }).chain((K) => fc.tuple(posteriorsArb(K, 6), posteriorsArb(K, 1)));
    fc.assert(
      fc.property(arb, ([rows, [priors]]) => {
        const P = fromRows(rows);
        const Q = reweightPosteriors(P, priors!, priors!);
        for (let k = 0; k < P.data.length; k++) expect(Math.abs(Q.data[k]! - P.data[k]!)).toBeLessThanOrEqual(1e-15);
      }),
      { numRuns: 200, seed: 10 },
    );
  });

  it('hand example (Saerens et al. 2002): P = [1/2, 1/2] trained at [1/2, 1/2], deployed at [0.9, 0.1] → [0.9, 0.1]', () => {
    const Q = reweightPosteriors(fromRows([[0.5, 0.5], [0.2, 0.8]]), [0.5, 0.5], [0.9, 0.1]);
    expect(Q.data[0]).toBeCloseTo(0.9, 15);
    expect(Q.data[1]).toBeCloseTo(0.1, 15);
    // [0.2·1.8, 0.8·0.2] = [0.36, 0.16] → [9/13, 4/13]
    expect(Q.data[2]).toBeCloseTo(9 / 13, 15);
    expect(Q.data[3]).toBeCloseTo(4 / 13, 15);
  });

  it('ML divides out the training priors: P = [0.6, 0.4] at π = [0.8, 0.2] → likelihoods ∝ [0.75, 2] → class 1; MAP says 0', () => {
    const P = fromRows([[0.6, 0.4], [0.9, 0.1]]);
    expect(Array.from(mlDecide(P, [0.8, 0.2]))).toEqual([1, 0]);
    expect(Array.from(mapDecide(P))).toEqual([0, 0]);
  });

  it('bad input → DiscernError: posteriors with NaN at row i, rows not summing to 1, priors not summing to 1, shapes', () => {
    const P: DenseMatrix = fromRows([[0.5, 0.5], [NaN, 0.5]]);
    expect(errorOf(() => mapDecide(P))).toEqual({ code: 'DATA_INVALID', message: expect.stringMatching(/posterior at row 1, column 0 is NaN/) });
    expect(errorOf(() => mapDecide(fromRows([[0.5, 0.6]]))).message).toMatch(/row 0 sum to 1.1; each row must sum to 1/);
    expect(errorOf(() => reweightPosteriors(fromRows([[0.5, 0.5]]), [0.5, 0.6], [0.5, 0.5]))).toEqual({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/trainPriors must sum to 1 .*got 1.1/) });
    expect(errorOf(() => reweightPosteriors(fromRows([[0.5, 0.5]]), [1, 0], [0.5, 0.5])).message).toMatch(/trainPriors\[1\] must be a finite number > 0, got 0/);
    expect(errorOf(() => reweightPosteriors(fromRows([[1, 0]]), [0.5, 0.5], [0, 1])).message).toMatch(/row 0 puts all its mass on classes whose deployment prior is 0/);
    expect(errorOf(() => minRiskDecide(fromRows([[0.5, 0.5]]), [[0, 1], [1]])).message).toMatch(/cost matrix must be 2×2, but row 1 has 1 entries/);
    expect(errorOf(() => minRiskDecide(fromRows([[0.5, 0.5]]), zeroOneCost(3))).message).toMatch(/posteriors have 2 columns but there are 3 classes/);
    expect(errorOf(() => minRiskDecide(fromRows([[0.5, 0.5]]), [[0, NaN], [1, 0]])).message).toMatch(/cost\[0\]\[1\] must be a finite number, got NaN/);
    expect(errorOf(() => minRiskDecide(fromRows([[0.5, 0.5]]), zeroOneCost(2), { rejectCost: Infinity })).message).toMatch(/rejectCost must be a finite number/);
    expect(errorOf(() => zeroOneCost(1)).message).toMatch(/K must be an integer ≥ 2/);
  });
});
