import { describe, expect, it } from 'vitest';
import { isDiscernError } from '@discern/core';
import { logLikelihoodRatio, lrtDecide, lrtDecideDensities } from './lrt.js';

describe('likelihood-ratio test', () => {
  it('decides C2 (1) where ln L > ln ξ, C1 (0) otherwise; a tie goes to C1', () => {
    const llr = [-2, -0.5, 0, 0.3, Infinity, -Infinity];
    expect(Array.from(lrtDecide(llr, -0.5))).toEqual([0, 0, 1, 1, 1, 0]);
    expect(Array.from(lrtDecide(llr, 0))).toEqual([0, 0, 0, 1, 1, 0]);
    expect(Array.from(lrtDecide(llr, -Infinity))).toEqual([1, 1, 1, 1, 1, 0]);
  });

  it('on densities: p2 > ξ·p1, with p1 = 0 deciding C2 and ξ = ∞ never', () => {
    // N(0,1) vs N(1,1) at x = 0.5: L = 1 (hand: exp(x − 1/2))
    const p1 = [0.3520653267642995, 0.3989422804014327, 0, 0.1];
    const p2 = [0.3520653267642995, 0.24197072451914337, 0.2, 0.3];
    expect(Array.from(lrtDecideDensities(p1, p2, 1))).toEqual([0, 0, 1, 1]);
    expect(Array.from(lrtDecideDensities(p1, p2, 0.5))).toEqual([1, 1, 1, 1]);
    expect(Array.from(lrtDecideDensities(p1, p2, Infinity))).toEqual([0, 0, 0, 0]);
  });

  it('ln L from log-densities', () => {
    expect(Array.from(logLikelihoodRatio([-1, -Infinity, -3], [-2, -5, -Infinity]))).toEqual([-1, Infinity, -Infinity]);
  });

  it('rejects NaN, a 0/0 ratio and mismatched lengths, naming the index', () => {
    const codeOf = (f: () => unknown): string => {
      try {
        f();
      } catch (e) {
        return isDiscernError(e) ? `${e.code}: ${e.message}` : 'other';
      }
      return 'none';
    };
    expect(codeOf(() => lrtDecide([0, NaN], 0))).toMatch(/DATA_INVALID: .*index 1 is NaN/);
    expect(codeOf(() => lrtDecide([0], NaN))).toMatch(/INVALID_ARGUMENT: .*ln ξ/);
    expect(codeOf(() => lrtDecideDensities([0, 0], [1, 0], 1))).toMatch(/DATA_INVALID: .*index 1 .*not both 0/);
    expect(codeOf(() => lrtDecideDensities([1], [1], -1))).toMatch(/ξ must be ≥ 0/);
    expect(codeOf(() => logLikelihoodRatio([-Infinity], [-Infinity]))).toMatch(/DATA_INVALID: .*index 0/);
    expect(codeOf(() => logLikelihoodRatio([0, 1], [0]))).toMatch(/INVALID_ARGUMENT: .*same length/);
  });
});
