import { describe, expect, it } from 'vitest';
import { expectDiscernError } from '../__tests__/helpers.js';
import { CURVE_THIN_STEP, CurveThinner, thinCurve } from './thin.js';

describe('thinCurve', () => {
  it('keeps the ends and drops points closer than the step: 10 001 points on the diagonal, step 0.01 → 101 points', () => {
    const x = Array.from({ length: 10001 }, (_, i) => i / 10000);
    const t = thinCurve(x, x, 0.01);
    expect(t.x[0]).toBe(0);
    expect(t.x[t.x.length - 1]).toBe(1);
    // Kept every 100th point (i/10000 − (i−100)/10000 ≥ 0.01 up to rounding, which may defer one by a point) plus the end.
    expect(t.x.length).toBeGreaterThanOrEqual(99);
    expect(t.x.length).toBeLessThanOrEqual(102);
    for (let i = 1; i < t.x.length - 1; i++) expect(t.x[i]! - t.x[i - 1]!).toBeGreaterThanOrEqual(0.01);
    expect(t.y).toEqual(t.x);
  });

  it('max-norm: a step in y alone keeps a point', () => {
    expect(thinCurve([0, 0, 0, 0], [0, 0.001, 0.5, 0.6], 0.1)).toEqual({ x: [0, 0, 0], y: [0, 0.5, 0.6] });
  });

  it('drops non-finite points; an empty curve stays empty', () => {
    expect(thinCurve([0, NaN, 0.5, 1], [0, 0.3, Infinity, 1], 0.1)).toEqual({ x: [0, 1], y: [0, 1] });
    expect(thinCurve([], [])).toEqual({ x: [], y: [] });
  });

  it('is idempotent with the same step (a curve thinned while walked can be thinned again by a builder)', () => {
    const x: number[] = [], y: number[] = [];
    for (let i = 0; i <= 5000; i++) {
      x.push((i / 5000) ** 2);
      y.push(Math.sqrt(i / 5000));
    }
    const once = thinCurve(x, y);
    expect(once.x.length).toBeLessThan(x.length / 5);
    expect(thinCurve(once.x, once.y)).toEqual(once);
  });

  it('CurveThinner point by point gives thinCurve of the whole curve; the default step is 0.002', () => {
    const x = Array.from({ length: 3000 }, (_, i) => Math.sin(i / 2000));
    const y = Array.from({ length: 3000 }, (_, i) => 1 - Math.cos(i / 3000));
    const t = new CurveThinner();
    x.forEach((v, i) => t.push(v, y[i]!));
    expect(t.finish()).toEqual(thinCurve(x, y, CURVE_THIN_STEP));
    expect(CURVE_THIN_STEP).toBe(0.002);
  });

  it('refuses a step that is not a positive number', () => {
    for (const bad of [0, -0.1, NaN, Infinity]) expectDiscernError(() => thinCurve([0], [0], bad), /thinning step must be a finite number > 0/);
  });
});
