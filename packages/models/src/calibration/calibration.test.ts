import { readFileSync } from 'node:fs';
import { isDiscernError } from '@discern/core';
import { describe, expect, it } from 'vitest';
import { applyCalibration, applyMap, checkCalibration } from './calibration.js';
import { fitCalibration, fitIsotonic, fitPlatt } from './fit.js';

interface Case {
  name: string;
  scores: number[];
  labels: number[];
  weights: number[] | null;
  platt: { a: number; b: number; exact_a: number; exact_b: number };
  isotonic: { x_thresholds: number[]; y_thresholds: number[] };
  grid: number[];
  platt_at_grid: number[];
  exact_platt_at_grid: number[];
  isotonic_at_grid: number[];
}
const fx = JSON.parse(readFileSync(new URL('./__fixtures__/calibration.json', import.meta.url), 'utf8')) as { cases: Case[] };

const close = (a: number, b: number, tol: number) => Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));

describe('calibration against scikit-learn 1.2 (tools/fixtures/make_calibration_fixtures.py)', () => {
  for (const c of fx.cases) {
    const w = c.weights ?? undefined;
    it(`${c.name}: isotonic equals IsotonicRegression(out_of_bounds='clip') to 1e-12 (thresholds and predictions)`, () => {
      const m = fitIsotonic(c.scores, c.labels, w);
      expect(m.x).toEqual(c.isotonic.x_thresholds);
      m.y.forEach((v, i) => expect(close(v, c.isotonic.y_thresholds[i]!, 1e-12), `y[${i}] ${v} vs ${c.isotonic.y_thresholds[i]}`).toBe(true));
      c.grid.forEach((g, i) => expect(close(applyMap(m, g), c.isotonic_at_grid[i]!, 1e-12), `at ${g}`).toBe(true));
    });
    it(`${c.name}: Platt scaling matches _sigmoid_calibration to 1e-6, and the exact optimum to 1e-9`, () => {
      const m = fitPlatt(c.scores, c.labels, w);
      expect(close(m.a, c.platt.a, 1e-6) && close(m.b, c.platt.b, 1e-6), `a ${m.a} vs ${c.platt.a}, b ${m.b} vs ${c.platt.b}`).toBe(true);
      expect(close(m.a, c.platt.exact_a, 1e-9) && close(m.b, c.platt.exact_b, 1e-9), `a ${m.a} vs ${c.platt.exact_a}`).toBe(true);
      c.grid.forEach((g, i) => expect(close(applyMap(m, g), c.platt_at_grid[i]!, 1e-6)).toBe(true));
    });
  }
});

describe('calibration of K classes, by hand', () => {
  it('two classes: one map of P(class 1), P(class 0) its complement', () => {
    const P = { rows: 3, cols: 2, data: Float64Array.from([0.9, 0.1, 0.5, 0.5, 0.2, 0.8]) };
    const c = { method: 'platt' as const, classes: 2, maps: [{ method: 'platt' as const, a: -2, b: 1 }] };
    const Q = applyCalibration(c, P);
    for (let i = 0; i < 3; i++) {
      const want = 1 / (1 + Math.exp(-2 * P.data[i * 2 + 1]! + 1));
      expect(Q.data[i * 2 + 1]).toBeCloseTo(want, 15);
      expect(Q.data[i * 2]! + Q.data[i * 2 + 1]!).toBeCloseTo(1, 15);
    }
  });
  it('K classes: one map per class, then normalised; uniform where every map gives 0', () => {
    const P = { rows: 2, cols: 3, data: Float64Array.from([0.2, 0.3, 0.5, 0.01, 0.01, 0.98]) };
    const iso = (x: number[], y: number[]) => ({ method: 'isotonic' as const, x, y });
    const c = { method: 'isotonic' as const, classes: 3, maps: [iso([0.1, 0.5], [0, 0.4]), iso([0.1, 0.5], [0.1, 0.3]), iso([0.5, 1], [0.5, 1])] };
    const Q = applyCalibration(c, P);
    // row 0: 0.2 → 0.1 (0 + (0.2−0.1)·1), 0.3 → 0.2, 0.5 → 0.5; sum 0.8
    expect(Q.data[0]).toBeCloseTo(0.1 / 0.8, 14);
    expect(Q.data[1]).toBeCloseTo(0.2 / 0.8, 14);
    expect(Q.data[2]).toBeCloseTo(0.5 / 0.8, 14);
    const zero = { method: 'isotonic' as const, classes: 3, maps: [iso([0.5], [0]), iso([0.5], [0]), iso([0.5], [0])] };
    expect(Array.from(applyCalibration(zero, P).data.subarray(0, 3))).toEqual([1 / 3, 1 / 3, 1 / 3]);
  });
  it('fitCalibration of a miscalibrated binary classifier makes its probabilities match the observed frequencies', () => {
    // true P(1|s) = s, the classifier says s², much too low: isotonic restores the frequencies (binned to 0.05)
    let seed = 7;
    const u = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
    const n = 20000;
    const P = new Float64Array(2 * n), y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const s = u();
      y[i] = u() < s ? 1 : 0;
      P[2 * i + 1] = s * s;
      P[2 * i] = 1 - s * s;
    }
    const c = fitCalibration({ rows: n, cols: 2, data: P }, y, 'isotonic');
    expect(applyMap(c.maps[0]!, 0.25)).toBeCloseTo(0.5, 1); // s² = 0.25 ⇔ s = 0.5
    expect(applyMap(c.maps[0]!, 0.81)).toBeCloseTo(0.9, 1);
  });
});

describe('bad calibrations', () => {
  it('negative weights and corrupt saved maps are refused with codes', () => {
    expect(() => fitPlatt([0.1, 0.9], [0, 1], [1, -1])).toThrow(/calibration needs finite, non-negative weights/);
    const cases: [unknown, RegExp][] = [
      [{ method: 'beta', classes: 2, maps: [] }, /calibration\.method/],
      [{ method: 'platt', classes: 2, maps: [] }, /expected 1 map/],
      [{ method: 'isotonic', classes: 2, maps: [{ method: 'isotonic', x: [0.5, 0.4], y: [0, 1] }] }, /thresholds must increase/],
      [{ method: 'isotonic', classes: 2, maps: [{ method: 'isotonic', x: [0.1, 0.4], y: [0.6, 0.2] }] }, /must not decrease/],
      [{ method: 'platt', classes: 2, maps: [{ method: 'platt', a: 'x', b: 1 }] }, /maps\[0\]\.a/],
    ];
    for (const [c, re] of cases) {
      try {
        checkCalibration(c);
        expect.unreachable();
      } catch (e) {
        expect(isDiscernError(e) && e.code).toBe('MODEL_INVALID');
        expect((e as Error).message).toMatch(re);
      }
    }
  });
});

describe('a calibrated model in the saved-model file', () => {
  it('round-trips its calibration; a calibration of the wrong number of classes is MODEL_INVALID', async () => {
    const { GaussianNB } = await import('../bayes/gaussian-nb.js');
    const { parseSavedModel, savedModelJSON } = await import('../saved-model.js');
    const X = { rows: 4, cols: 1, data: Float64Array.from([0, 0.2, 1, 1.3]) };
    const est = new GaussianNB().fit(X, Int32Array.from([0, 0, 1, 1]));
    const calibration = { method: 'isotonic' as const, classes: 2, maps: [{ method: 'isotonic' as const, x: [0.1, 0.9], y: [0.2, 0.7] }] };
    const parts = { name: 'm', model: 'gaussian-nb' as const, features: ['x'], classes: ['b', 's'], positive: 1, standardizer: null, estimator: est.toJSON() };
    const saved = savedModelJSON({ ...parts, calibration });
    const back = parseSavedModel(JSON.stringify(saved), 'm.json');
    expect(back.saved.calibration).toEqual(calibration);
    // an uncalibrated model's file has no calibration key at all (its bytes stay those of before calibration existed)
    expect('calibration' in savedModelJSON(parts)).toBe(false);
    const wrong = { ...saved, calibration: { method: 'isotonic', classes: 3, maps: [calibration.maps[0], calibration.maps[0], calibration.maps[0]] } };
    expect(() => parseSavedModel(JSON.stringify(wrong), 'm.json')).toThrow(/m\.json: calibration\.classes is 3, but the model has 2 classes/);
  });
});
