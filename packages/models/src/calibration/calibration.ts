import { DiscernError } from '@discern/core';
import { type DenseMatrix } from '@discern/linalg';

/**
 * Probability calibration of a fitted classifier: a monotone map from its predicted probability of a class to a
 * calibrated one, fitted on labelled data the classifier did not train on — Platt's sigmoid or isotonic regression,
 * as scikit-learn's CalibratedClassifierCV fits them (sklearn.calibration, 1.2): two classes get one map, of
 * P(class 1); K classes one map per class (one against the rest), the calibrated probabilities then normalised to sum
 * to one (uniform where every map gives 0). Minimum-Bayes-risk rules assume calibrated posteriors.
 */

/** p ↦ 1 / (1 + exp(a·p + b)) (Platt 2000; scikit-learn's _sigmoid_calibration). */
export interface PlattMap {
  readonly method: 'platt';
  readonly a: number;
  readonly b: number;
}

/**
 * Piecewise-linear through (x[i], y[i]), x increasing, y non-decreasing; clipped to [x[0], x[last]] outside
 * (IsotonicRegression(out_of_bounds='clip') with scipy's interp1d between the thresholds).
 */
export interface IsotonicMap {
  readonly method: 'isotonic';
  readonly x: readonly number[];
  readonly y: readonly number[];
}

export type CalibrationMap = PlattMap | IsotonicMap;

/** The calibration of a classifier: one map (two classes: of P(class 1)) or one per class. */
export interface Calibration {
  readonly method: 'platt' | 'isotonic';
  readonly classes: number;
  readonly maps: readonly CalibrationMap[];
}

/** One calibration map applied to one probability. */
export function applyMap(m: CalibrationMap, p: number): number {
  if (m.method === 'platt') return 1 / (1 + Math.exp(m.a * p + m.b));
  const { x, y } = m;
  const n = x.length;
  if (n === 1 || p <= x[0]!) return y[0]!;
  if (p >= x[n - 1]!) return y[n - 1]!;
  // the last threshold ≤ p, by bisection
  let lo = 0, hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (x[mid]! <= p) lo = mid;
    else hi = mid;
  }
  // scipy's interp1d: slope·(x − x_lo) + y_lo, the slope (y_hi − y_lo)/(x_hi − x_lo)
  const slope = (y[hi]! - y[lo]!) / (x[hi]! - x[lo]!);
  return slope * (p - x[lo]!) + y[lo]!;
}

/** The calibrated class probabilities of an n×K matrix of a classifier's probabilities (a new matrix). */
export function applyCalibration(c: Calibration, P: DenseMatrix): DenseMatrix {
  const K = P.cols;
  if (K !== c.classes)
    throw new DiscernError('INVALID_ARGUMENT', `the calibration is of a ${c.classes}-class classifier, but the probabilities have ${K} columns`, { classes: c.classes, cols: K });
  const out = new Float64Array(P.rows * K);
  if (K === 2) {
    const m = c.maps[0]!;
    for (let i = 0; i < P.rows; i++) {
      const p1 = applyMap(m, P.data[i * 2 + 1]!);
      out[i * 2] = 1 - p1;
      out[i * 2 + 1] = p1;
    }
    return { rows: P.rows, cols: K, data: out };
  }
  for (let i = 0; i < P.rows; i++) {
    let sum = 0;
    for (let k = 0; k < K; k++) sum += out[i * K + k] = applyMap(c.maps[k]!, P.data[i * K + k]!);
    // scikit-learn: proba /= sum, and 1/K where the sum is 0
    for (let k = 0; k < K; k++) out[i * K + k] = sum === 0 ? 1 / K : out[i * K + k]! / sum;
  }
  return { rows: P.rows, cols: K, data: out };
}

/** Checks a calibration read from a file: its method, one map per class (one for two classes), finite monotone maps. */
export function checkCalibration(c: unknown, field = 'calibration'): Calibration {
  const bad = (path: string, why: string) => new DiscernError('MODEL_INVALID', `${path}: ${why}`, { field: path });
  if (c === null || typeof c !== 'object' || Array.isArray(c)) throw bad(field, 'expected { method, classes, maps }');
  const o = c as Record<string, unknown>;
  if (o.method !== 'platt' && o.method !== 'isotonic') throw bad(`${field}.method`, `is ${JSON.stringify(o.method)}; expected "platt" or "isotonic"`);
  if (typeof o.classes !== 'number' || !Number.isInteger(o.classes) || o.classes < 2) throw bad(`${field}.classes`, 'expected a whole number ≥ 2');
  const want = o.classes === 2 ? 1 : o.classes;
  if (!Array.isArray(o.maps) || o.maps.length !== want) throw bad(`${field}.maps`, `expected ${want} map${want === 1 ? '' : 's'} (one ${o.classes === 2 ? 'of P(class 1)' : 'per class'})`);
  const maps = o.maps.map((m: unknown, k): CalibrationMap => {
    const at = `${field}.maps[${k}]`;
    if (m === null || typeof m !== 'object') throw bad(at, 'expected a map');
    const mm = m as Record<string, unknown>;
    if (mm.method !== o.method) throw bad(`${at}.method`, `is ${JSON.stringify(mm.method)}; the calibration's method is ${JSON.stringify(o.method)}`);
    if (mm.method === 'platt') {
      for (const key of ['a', 'b'] as const) if (typeof mm[key] !== 'number' || !Number.isFinite(mm[key])) throw bad(`${at}.${key}`, 'expected a finite number');
      return { method: 'platt', a: mm.a as number, b: mm.b as number };
    }
    const x = mm.x, y = mm.y;
    if (!Array.isArray(x) || !Array.isArray(y) || x.length === 0 || x.length !== y.length) throw bad(at, 'expected thresholds x and values y of one non-zero length');
    for (let i = 0; i < x.length; i++) {
      if (typeof x[i] !== 'number' || !Number.isFinite(x[i])) throw bad(`${at}.x[${i}]`, 'expected a finite number');
      if (typeof y[i] !== 'number' || !(y[i] >= 0 && y[i] <= 1)) throw bad(`${at}.y[${i}]`, 'expected a probability in [0, 1]');
      if (i > 0 && !(x[i] > x[i - 1])) throw bad(`${at}.x[${i}]`, 'thresholds must increase');
      if (i > 0 && !(y[i] >= y[i - 1])) throw bad(`${at}.y[${i}]`, 'values must not decrease (an isotonic map)');
    }
    return { method: 'isotonic', x: x as number[], y: y as number[] };
  });
  return { method: o.method, classes: o.classes, maps };
}
