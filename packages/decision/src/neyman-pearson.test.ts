import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { stableSum } from '@discern/linalg';
import { Accumulator, neymanPearsonThreshold } from './neyman-pearson.js';
import { errorOf } from './fixtures.test-helpers.js';

// A hand-worked calibration sample: 10 background events (one tie of three at 0.9), 5 signal events.
const BKG = [0.1, 0.2, 0.3, 0.3, 0.5, 0.9, 0.9, 0.9, 1.0, 2.0];
const SIG = [0.4, 0.8, 0.95, 1.5, 3.0];
const scores = Float64Array.from([...BKG, ...SIG]);
const labels = Int32Array.from([...BKG.map(() => 0), ...SIG.map(() => 1)]);

describe('empirical Neyman–Pearson threshold: hand-worked sample', () => {
  it('α = 0.25: t = 1.0 (FPR 2/10), power 2/5, Clopper–Pearson intervals as scipy.stats.beta.ppf', () => {
    const r = neymanPearsonThreshold(scores, labels, 0.25);
    expect(r.threshold).toBe(1.0);
    expect(r.achievedFpr).toBe(0.2);
    expect(r.power).toBe(0.4);
    expect(r.selectedBackground).toBe(2);
    expect(r.selectedSignal).toBe(2);
    expect(r.nBackground).toBe(10);
    expect(r.nSignal).toBe(5);
    expect(r.effectiveBackground).toBe(10);
    expect(r.confidence).toBe(0.95);
    // scipy: beta.ppf(0.025, 2, 9), beta.ppf(0.975, 3, 8); beta.ppf(0.025, 2, 4), beta.ppf(0.975, 3, 3)
    expect(r.fprInterval[0]).toBeCloseTo(0.02521072632683336, 12);
    expect(r.fprInterval[1]).toBeCloseTo(0.5560954623076415, 12);
    expect(r.powerInterval[0]).toBeCloseTo(0.052744950526316906, 12);
    expect(r.powerInterval[1]).toBeCloseTo(0.8533672003653268, 12);
    expect(r.note).toBeUndefined();
  });

  it('ties: a threshold at a tied score counts all tied events (α = 0.5 → t = 0.9, FPR 5/10; α = 0.45 → t = 1.0)', () => {
    const r = neymanPearsonThreshold(scores, labels, 0.5);
    expect(r.threshold).toBe(0.9);
    expect(r.achievedFpr).toBe(0.5);
    expect(r.power).toBe(0.6);
    const r2 = neymanPearsonThreshold(scores, labels, 0.45);
    expect(r2.threshold).toBe(1.0);
    expect(r2.achievedFpr).toBe(0.2);
  });

  it('α exactly at a reachable rate (0.1 = 1/10) is achieved, not missed by rounding', () => {
    const r = neymanPearsonThreshold(scores, labels, 0.1);
    expect(r.threshold).toBe(2.0);
    expect(r.achievedFpr).toBe(0.1);
    expect(r.power).toBe(0.2);
  });

  it('α below 1/n_background: threshold +Infinity, nothing selected, power 0, and a note says why', () => {
    const r = neymanPearsonThreshold(scores, labels, 0.05);
    expect(r.threshold).toBe(Infinity);
    expect(r.achievedFpr).toBe(0);
    expect(r.power).toBe(0);
    expect(r.fprInterval[0]).toBe(0);
    expect(r.fprInterval[1]).toBeCloseTo(1 - 0.025 ** (1 / 10), 12);
    expect(r.note).toMatch(/below the smallest false-positive rate .*1\/10.*\+Infinity/);
  });

  it('α = 1: threshold −Infinity, everything selected, power 1', () => {
    const r = neymanPearsonThreshold(scores, labels, 1);
    expect(r.threshold).toBe(-Infinity);
    expect(r.achievedFpr).toBe(1);
    expect(r.power).toBe(1);
    expect(r.note).toMatch(/alpha = 1/);
  });

  it('weights: the heavy top background event alone exceeds α = 0.5; at α = 0.6 the cut is t = 1.0 (12/20)', () => {
    const w = Float64Array.from([1, 1, 1, 1, 1, 1, 1, 1, 1, 11, 1, 1, 1, 1, 4]);
    const r = neymanPearsonThreshold(scores, labels, 0.6, { weights: w });
    expect(r.threshold).toBe(1.0);
    expect(r.achievedFpr).toBeCloseTo(0.6, 15);
    expect(r.power).toBeCloseTo(5 / 8, 15); // signal ≥ 1: weights 1 + 4 of 8
    expect(r.weightedBackground).toBe(20);
    expect(r.effectiveBackground).toBeCloseTo(400 / 130, 14); // (Σw)²/Σw²
    expect(neymanPearsonThreshold(scores, labels, 0.5, { weights: w }).threshold).toBe(Infinity);
  });

  it('a sample without signal still gives the threshold, with power NaN and a note', () => {
    const r = neymanPearsonThreshold(BKG, BKG.map(() => 0), 0.25);
    expect(r.threshold).toBe(1.0);
    expect(Number.isNaN(r.power)).toBe(true);
    expect(r.powerInterval).toEqual([0, 1]);
    expect(r.note).toMatch(/no signal events/);
  });

  it('bad input → DiscernError naming what, where and what is accepted', () => {
    expect(errorOf(() => neymanPearsonThreshold(SIG, SIG.map(() => 1), 0.1))).toMatchObject({ code: 'DATA_INVALID', message: expect.stringMatching(/no background events \(label 0\)/) });
    expect(errorOf(() => neymanPearsonThreshold(scores, labels, 0))).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/alpha .* must be in \(0, 1\]/) });
    expect(errorOf(() => neymanPearsonThreshold(scores, labels, 1.5)).code).toBe('INVALID_ARGUMENT');
    expect(errorOf(() => neymanPearsonThreshold([0.1, NaN], [0, 1], 0.1))).toMatchObject({ code: 'DATA_INVALID', message: expect.stringMatching(/score at index 1 is NaN/) });
    expect(errorOf(() => neymanPearsonThreshold([0.1, 0.2], [0, 2], 0.1))).toMatchObject({ code: 'LABEL_INVALID', message: expect.stringMatching(/label at index 1 is 2; labels must be 0 .* or 1/) });
    expect(errorOf(() => neymanPearsonThreshold([0.1, 0.2], [0], 0.1)).message).toMatch(/scores has 2 entries but labels has 1/);
    expect(errorOf(() => neymanPearsonThreshold([0.1, 0.2], [0, 1], 0.1, { weights: [-1, 1] })).message).toMatch(/background weights sum to -1/);
    expect(errorOf(() => neymanPearsonThreshold([0.1, 0.2], [0, 1], 0.1, { confidence: 95 })).message).toMatch(/confidence must be in \(0, 1\)/);
  });
});

describe('empirical Neyman–Pearson threshold: properties', () => {
  // Scores on a coarse grid so that ties are frequent; optional positive weights.
  const sample = fc
    .array(fc.record({ s: fc.integer({ min: 0, max: 12 }), y: fc.integer({ min: 0, max: 1 }), w: fc.double({ min: 0.05, max: 5, noNaN: true }) }), { minLength: 1, maxLength: 60 })
    .filter((ev) => ev.some((e) => e.y === 0));

  it('achieved FPR ≤ α, and no background-score threshold reaches a larger rate ≤ α (brute force)', () => {
    fc.assert(
      fc.property(sample, fc.double({ min: 0.001, max: 0.999, noNaN: true }), fc.boolean(), (ev, alpha, weighted) => {
        const s = ev.map((e) => e.s / 4);
        const y = ev.map((e) => e.y);
        const w = ev.map((e) => (weighted ? e.w : 1));
        const r = neymanPearsonThreshold(s, y, alpha, weighted ? { weights: w } : {});
        let WB = 0, WS = 0;
        ev.forEach((e, i) => (e.y === 0 ? (WB += w[i]!) : (WS += w[i]!)));
        const fprAt = (t: number): number => s.reduce((acc, v, i) => acc + (y[i] === 0 && v >= t ? w[i]! : 0), 0) / WB;
        const tol = weighted ? 1e-12 : 0; // rates are sums of doubles when weighted
        expect(r.achievedFpr).toBeLessThanOrEqual(alpha + tol);
        expect(r.achievedFpr).toBeCloseTo(Number.isFinite(r.threshold) ? fprAt(r.threshold) : 0, 12);
        const candidates = [...new Set(s.filter((_, i) => y[i] === 0))];
        const feasible = candidates.filter((t) => fprAt(t) <= alpha + tol);
        const best = feasible.length ? Math.min(...feasible) : Infinity;
        // the smallest feasible threshold, i.e. the largest achievable rate (positive weights: monotone)
        if (Math.abs(fprAt(best) - alpha) > 1e-9 || !weighted) expect(r.threshold).toBe(best);
        for (const t of candidates) {
          const f = fprAt(t);
          if (f <= alpha - 1e-9) expect(f).toBeLessThanOrEqual(r.achievedFpr + 1e-12);
        }
        if (WS > 0 && Number.isFinite(r.threshold)) {
          const power = s.reduce((acc, v, i) => acc + (y[i] === 1 && v >= r.threshold ? w[i]! : 0), 0) / WS;
          expect(r.power).toBeCloseTo(power, 12);
        }
        expect(r.fprInterval[0]).toBeLessThanOrEqual(r.achievedFpr + 1e-12);
        expect(r.fprInterval[1]).toBeGreaterThanOrEqual(r.achievedFpr - 1e-12);
      }),
      { numRuns: 400, seed: 42 },
    );
  });
});

describe('the running compensated sum', () => {
  it('after every prefix it equals linalg’s stableSum of that prefix bit for bit (mixed magnitudes and signs)', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.double({ min: -1e16, max: 1e16, noNaN: true }), fc.double({ min: -1, max: 1, noNaN: true })), { maxLength: 80 }), (xs) => {
        const acc = new Accumulator();
        expect(acc.value).toBe(stableSum([]));
        xs.forEach((x, i) => {
          acc.add(x);
          expect(Object.is(acc.value, stableSum(xs.slice(0, i + 1)))).toBe(true);
        });
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  it('is compensated: 1e16 + 1 − 1e16 + … keeps the ones a plain sum loses', () => {
    const acc = new Accumulator();
    let plain = 0;
    for (const v of [1e16, 1, 1, -1e16]) {
      acc.add(v);
      plain += v;
    }
    expect(acc.value).toBe(2);
    expect(plain).not.toBe(2);
  });
});
