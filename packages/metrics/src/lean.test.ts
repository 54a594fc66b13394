import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { delongAuc } from './delong.js';
import { errorText } from './fixture.test-helpers.js';
import { overtrainingCheck } from './ks.js';
import { backgroundAtSignalEfficiency, efficiencyCurve, signalAtBackgroundEfficiency } from './physics.js';
import { averagePrecision, precisionRecallCurve } from './pr.js';
import { auc, descendingOrder, interpolateCurve, rocCurve, rocCurvePoints } from './roc.js';
import { significanceBest, significanceScan } from './significance.js';
import { summarizeClassification } from './summary.js';

/**
 * The figures of a large sample are computed from one shared sort and point by point (no curve arrays, no n-length
 * copies). These tests hold them to the array forms they replace — the full curves, the per-class sorts — bit for bit
 * (`toEqual` on numbers is Object.is), on samples with ties, -0, positive and negative weights.
 */

interface Sample {
  y: Int32Array;
  score: Float64Array;
  w: Float64Array | undefined;
}

const sample = fc
  .record({
    rows: fc.array(fc.tuple(fc.integer({ min: 0, max: 1 }), fc.integer({ min: -3, max: 12 }), fc.integer({ min: -5, max: 30 })), { minLength: 4, maxLength: 120, size: 'max' }),
    weighted: fc.constantFrom('none', 'positive', 'signed'),
    levels: fc.constantFrom(3, 16, 1e6),
  })
  .map(({ rows, weighted, levels }): Sample => {
    const y = Int32Array.from(rows, (r) => r[0]);
    // few levels give many ties; -0 appears when a score rounds to zero from below
    const score = Float64Array.from(rows, (r) => Math.round((r[1] / 12) * levels) / levels);
    for (let i = 0; i < score.length; i++) if (rows[i]![1] === -1) score[i] = -0;
    const w = weighted === 'none' ? undefined : Float64Array.from(rows, (r) => (weighted === 'positive' ? Math.abs(r[2]) / 10 + 0.1 : r[2] / 10));
    return { y, score, w };
  })
  .filter((s) => s.y.includes(0) && s.y.includes(1));

/** The outcome of f: its value, or the code and message of the error it threw. */
function outcome<T>(f: () => T): T | string {
  try {
    return f();
  } catch (e) {
    return errorText(() => {
      throw e;
    });
  }
}

const wopt = (s: Sample) => (s.w ? { weights: s.w } : {});

describe('descendingOrder', () => {
  it('is the comparator sort: decreasing score, ties (-0 = 0) by decreasing index', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(0, -0, 1, 0.5, -2, 1e-300, 3.25), { maxLength: 300, size: 'max' }), fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { maxLength: 150, size: 'max' }), (ties, any) => {
        for (const values of [ties, any, [...ties, ...any]]) {
          const s = Float64Array.from(values);
          const want = Uint32Array.from(s.keys()).sort((a, b) => s[b]! - s[a]! || b - a);
          expect(Array.from(descendingOrder(s))).toEqual(Array.from(want));
        }
      }),
      { numRuns: 200, seed: 3 },
    );
  });

  it('a given order is checked: a wrong one is INVALID_ARGUMENT', () => {
    const score = Float64Array.of(0.1, 0.9, 0.5);
    expect(errorText(() => rocCurve([0, 1, 0], score, { order: Uint32Array.of(0, 1, 2) }))).toMatch(/^INVALID_ARGUMENT: order is not descendingOrder\(score\)/);
    expect(errorText(() => rocCurve([0, 1, 0], score, { order: Uint32Array.of(1, 2) }))).toMatch(/^INVALID_ARGUMENT: order is not descendingOrder/);
    expect(errorText(() => rocCurve([0, 1, 0], score, { order: Uint32Array.of(1, 1, 0) }))).toMatch(/repeated/);
    expect(Array.from(rocCurve([0, 1, 0], score, { order: Uint32Array.of(1, 2, 0) }).tpr)).toEqual([0, 1, 1, 1]);
  });
});

describe('point-by-point curves equal the curve arrays', () => {
  it('rocCurvePoints walks exactly rocCurve’s (fpr, tpr, threshold), and fails as it does', () => {
    fc.assert(
      fc.property(sample, (s) => {
        const pts: number[][] = [];
        const got = outcome(() => rocCurvePoints(s.y, s.score, { ...wopt(s), order: descendingOrder(s.score) }, (x, y, t) => pts.push([x, y, t])));
        const want = outcome(() => rocCurve(s.y, s.score, wopt(s)));
        if (typeof want === 'string') {
          expect(got).toBe(want);
          return;
        }
        expect(pts).toEqual(Array.from(want.fpr, (x, k) => [x, want.tpr[k], want.thresholds[k]]));
      }),
      { numRuns: 300, seed: 11 },
    );
  });

  it('summarizeClassification (AUC and TPR at FPR walked on the curve) equals auc and interpolation on rocCurve; with score and order given, the same', () => {
    fc.assert(
      fc.property(sample, fc.constantFrom(0, 1), (s, pos) => {
        const w = s.w ? Float64Array.from(s.w, Math.abs) : undefined; // summary weights must give positive totals
        const p = s.score.map((v) => (v + 0.25) / 1.25); // scores in [0, 1] as P(positive)
        const proba = new Float64Array(2 * p.length);
        p.forEach((v, i) => {
          proba[2 * i + pos] = v;
          proba[2 * i + 1 - pos] = 1 - v;
        });
        const fprs = ['0.1', '0.25', '0.5'];
        const input = { yTrue: s.y, proba: { rows: p.length, cols: 2, data: proba }, classNames: ['b', 's'], positive: pos, fprs, ...(w ? { weights: w } : {}) };
        const plain = outcome(() => summarizeClassification(input));
        const shared = outcome(() => summarizeClassification({ ...input, score: p, order: descendingOrder(p) }));
        expect(shared).toEqual(plain);
        if (typeof plain === 'string' || plain.auc === null) return;
        const curve = rocCurve(s.y, p, { posLabel: pos, ...(w ? { weights: w } : {}) });
        expect(plain.auc).toBe(auc(curve.fpr, curve.tpr));
        expect(Object.values(plain.tpr_at_fpr!)).toEqual(Array.from(interpolateCurve(curve.fpr, curve.tpr, fprs.map(Number), 'max')));
      }),
      { numRuns: 300, seed: 12 },
    );
  });

  it('εB at εS and εS at εB equal interpolation on efficiencyCurve', () => {
    fc.assert(
      fc.property(sample, (s) => {
        const order = descendingOrder(s.score);
        const c = outcome(() => efficiencyCurve(s.y, s.score, wopt(s)));
        const bs = outcome(() => backgroundAtSignalEfficiency(s.y, s.score, [0.3, 0.9], { ...wopt(s), order }).map((r) => r.effB));
        const sb = outcome(() => signalAtBackgroundEfficiency(s.y, s.score, [0.05, 0.5], { ...wopt(s), order }).map((r) => r.effS));
        if (typeof c === 'string') return;
        expect(bs).toEqual(outcome(() => Array.from(interpolateCurve(c.effS, c.effB, [0.3, 0.9], 'min'))));
        expect(sb).toEqual(outcome(() => Array.from(interpolateCurve(c.effB, c.effS, [0.05, 0.5], 'max'))));
      }),
      { numRuns: 300, seed: 13 },
    );
  });

  it('averagePrecision equals −Σ (R_{k+1} − R_k)·P_k on precisionRecallCurve (weighted: one term per score; unweighted: counted upwards)', () => {
    fc.assert(
      fc.property(sample, (s) => {
        const got = outcome(() => averagePrecision(s.y, s.score, { ...wopt(s), order: descendingOrder(s.score) }));
        const want = outcome(() => {
          const { precision, recall } = precisionRecallCurve(s.y, s.score, wopt(s));
          let sum = 0;
          for (let k = 0; k + 1 < recall.length; k++) sum += (recall[k + 1]! - recall[k]!) * precision[k]!;
          return -sum;
        });
        expect(got).toEqual(want);
      }),
      { numRuns: 300, seed: 14 },
    );
  });

  it('significanceBest is significanceScan’s best', () => {
    fc.assert(
      fc.property(sample, (s) => {
        const o = { ...wopt(s), signalScale: 0.3, backgroundScale: 2 };
        const scan = outcome(() => significanceScan(s.y, s.score, o).best);
        expect(outcome(() => significanceBest(s.y, s.score, { ...o, order: descendingOrder(s.score) }))).toEqual(scan);
      }),
      { numRuns: 300, seed: 15 },
    );
  });
});

/** DeLong as it was computed with three separate sorts (of positives, negatives and all): the reference. */
function delongBySorts(y: Int32Array, s: Float64Array): { auc: number; variance: number } {
  const midranks = (x: Float64Array): Float64Array => {
    const idx = Uint32Array.from(x.keys()).sort((a, b) => x[a]! - x[b]!);
    const r = new Float64Array(x.length);
    for (let i = 0; i < x.length; ) {
      let j = i;
      while (j < x.length && x[idx[j]!] === x[idx[i]!]) j++;
      for (let k = i; k < j; k++) r[idx[k]!] = 0.5 * (i + j - 1) + 1;
      i = j;
    }
    return r;
  };
  const x = s.filter((_, i) => y[i] === 1), z0 = s.filter((_, i) => y[i] !== 1);
  const m = x.length, n = z0.length;
  const z = new Float64Array(m + n);
  z.set(x);
  z.set(z0, m);
  const tx = midranks(x), ty = midranks(z0), tz = midranks(z);
  let sumRank = 0;
  const v10 = new Float64Array(m), v01 = new Float64Array(n);
  for (let i = 0; i < m; i++) {
    sumRank += tz[i]!;
    v10[i] = (tz[i]! - tx[i]!) / n;
  }
  for (let j = 0; j < n; j++) v01[j] = 1 - (tz[m + j]! - ty[j]!) / m;
  const a = (sumRank / m - (m + 1) / 2) / n;
  const sv = (v: Float64Array) => v.reduce((acc, t) => acc + (t - a) * (t - a), 0) / (v.length - 1);
  return { auc: a, variance: sv(v10) / m + sv(v01) / n };
}

describe('one sort for many figures', () => {
  it('delongAuc (midranks from the one descending sort) equals the three-sort computation bit for bit', () => {
    fc.assert(
      fc.property(sample, fc.boolean(), (s, shared) => {
        const got = outcome(() => delongAuc(s.y, s.score, { cl: 0.9, ...(shared ? { order: descendingOrder(s.score) } : {}) }));
        const m = s.y.reduce((a, b) => a + b, 0);
        if (m < 2 || s.y.length - m < 2) {
          expect(got).toMatch(/^LABEL_INVALID: DeLong interval needs at least 2 positive and 2 negative/);
          return;
        }
        const want = delongBySorts(s.y, s.score);
        expect(typeof got === 'string' ? got : [got.auc, got.variance]).toEqual([want.auc, want.variance]);
      }),
      { numRuns: 300, seed: 16 },
    );
  });

  it('overtrainingCheck reading each class off the orders equals the check that copies and sorts them', () => {
    fc.assert(
      fc.property(sample, sample, (a, b) => {
        const train = { yTrue: a.y, score: a.score, ...(a.w ? { weights: a.w } : {}) };
        const test = { yTrue: b.y, score: b.score, ...(b.w ? { weights: b.w } : {}) };
        const sorted = outcome(() => overtrainingCheck(train, test));
        const shared = outcome(() => overtrainingCheck({ ...train, order: descendingOrder(a.score) }, { ...test, order: descendingOrder(b.score) }));
        expect(shared).toEqual(sorted);
      }),
      { numRuns: 300, seed: 17 },
    );
  });
});
