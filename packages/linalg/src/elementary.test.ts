/**
 * expNonPositive and log1pUnit against Math.exp and Math.log1p (V8's fdlibm, within 1 ulp of the true values):
 * within 2 ulp on 2²⁰ random arguments spread over the whole range, and exact or documented at the edges. The ulp
 * is that of the reference value.
 */
import { describe, expect, it } from 'vitest';
import { EXP_CUTOFF, SQRT2_M1, expNonPositive, log1pUnit } from './elementary.js';
import { createRng } from './rng.js';

/** |a − b| in units of b's last place. */
function ulps(a: number, b: number): number {
  if (a === b) return 0;
  const e = Math.max(Math.floor(Math.log2(Math.abs(b))), -1022);
  return Math.abs(a - b) / 2 ** (e - 52);
}

const rng = createRng(31);
const N = 1 << 20;

describe('expNonPositive', () => {
  it('is within 2 ulp of Math.exp on 2²⁰ arguments in [−708, 0] (uniform, and log-uniform near 0)', () => {
    let worst = 0, arg = 0;
    for (let i = 0; i < N; i++) {
      const a = i & 1 ? EXP_CUTOFF * rng.uniform() : -(10 ** (-18 * rng.uniform()));
      const u = ulps(expNonPositive(a), Math.exp(a));
      if (u > worst) [worst, arg] = [u, a];
    }
    expect(worst, `worst at a = ${arg}`).toBeLessThanOrEqual(2);
  });

  it('at the edges: e^0 = 1 (also for −0), 0 below the cut-off, NaN for NaN, within 2 ulp at the reduction boundaries (k·ln 2 and (k ± ½)·ln 2)', () => {
    expect(expNonPositive(0)).toBe(1);
    expect(expNonPositive(-0)).toBe(1);
    expect(expNonPositive(-1e-300)).toBe(1);
    expect(expNonPositive(EXP_CUTOFF - 1e-9)).toBe(0);
    expect(expNonPositive(-Infinity)).toBe(0);
    expect(expNonPositive(-1e308)).toBe(0);
    expect(ulps(expNonPositive(EXP_CUTOFF), Math.exp(EXP_CUTOFF))).toBeLessThanOrEqual(2);
    expect(expNonPositive(NaN)).toBeNaN();
    for (const k of [1, 2, 10, 100, 1000, 1021])
      for (const a of [-k * Math.LN2, -(k + 0.5) * Math.LN2, -(k - 0.5) * Math.LN2].filter((x) => x >= EXP_CUTOFF))
        expect(ulps(expNonPositive(a), Math.exp(a)), `a = ${a}`).toBeLessThanOrEqual(2);
  });
});

describe('log1pUnit', () => {
  it('is within 2 ulp of Math.log1p on 2²⁰ arguments in [0, 1] (uniform, log-uniform near 0, and around √2 − 1)', () => {
    let worst = 0, arg = 0;
    for (let i = 0; i < N; i++) {
      const k = i % 3;
      const t = k === 0 ? rng.uniform() : k === 1 ? 10 ** (-300 * rng.uniform()) : SQRT2_M1 + (rng.uniform() - 0.5) * 1e-6;
      const u = ulps(log1pUnit(t), Math.log1p(t));
      if (u > worst) [worst, arg] = [u, t];
    }
    expect(worst, `worst at t = ${arg}`).toBeLessThanOrEqual(2);
  });

  it('at the edges: 0 → 0, tiny t → t, 1 → ln 2, NaN → NaN', () => {
    expect(log1pUnit(0)).toBe(0);
    expect(log1pUnit(5e-324)).toBe(5e-324);
    expect(log1pUnit(1e-20)).toBe(1e-20);
    expect(ulps(log1pUnit(1), Math.LN2)).toBeLessThanOrEqual(1);
    expect(ulps(log1pUnit(SQRT2_M1), Math.log1p(SQRT2_M1))).toBeLessThanOrEqual(2);
    expect(log1pUnit(NaN)).toBeNaN();
  });
});
