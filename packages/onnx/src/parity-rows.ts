/**
 * Parity rows drawn from a model's training summary, so that a saved model exports (and is parity-checked) from its
 * file alone: the fit step records per feature the range and moments of the training data in raw units, and the
 * rows drawn here cover both where the model was fitted (the bulk) and the edges of that region (where float
 * arithmetic is hardest: large quadratic forms, saturated sigmoids, far mixture components).
 *
 * The mix, per row (seeded, so an export is reproducible):
 * - 1/2 bulk: each feature from N(mean, std²), clipped to [min, max];
 * - 1/4 range: each feature uniform on [min, max];
 * - 1/4 edges: each feature at min, at max, or uniform on [min, max], a third of the time each (corners and faces
 *   of the box, which a Gaussian sample almost never reaches).
 * A constant feature (min = max, or std = 0) takes its one value. Count and category models (`integer`) get
 * non-negative integers in [⌈max(min, 0)⌉, ⌊max⌋] — their inputs are counts or category codes — rounded from the same
 * draws, and every such feature's min and max appear in the sample.
 */
import { type DenseMatrix, createRng } from '@discern/linalg';
import { DiscernError } from '@discern/core';
// what a saved model records of its training data, per feature, in raw (unstandardised) units
import { type TrainingSummary } from '@discern/models';


export interface ParityRowsOptions {
  /** Rows to draw (default 2,000). */
  readonly rows?: number;
  /** Seed of the draw (default 0). */
  readonly seed?: number;
  /** Non-negative integers within the range (count and category features). */
  readonly integer?: boolean;
}

export const DEFAULT_PARITY_ROWS = 2000;

function invalid(field: string, message: string, value?: unknown): DiscernError {
  return new DiscernError('INVALID_ARGUMENT', (n) => `${n.option('training')}.${field} ${message}`, { option: 'training', field, ...(value !== undefined ? { value } : {}) });
}

/** Checks a summary against `p` features: lengths, finite numbers, min ≤ mean ≤ max (to rounding), std ≥ 0. */
export function checkTrainingSummary(t: TrainingSummary, p: number): void {
  if (typeof t !== 'object' || t === null) throw invalid('', 'must be { rows, min, max, mean, std }');
  if (!(Number.isInteger(t.rows) && t.rows >= 1)) throw invalid('rows', `must be a positive integer, got ${String(t.rows)}`, t.rows);
  for (const key of ['min', 'max', 'mean', 'std'] as const) {
    const v = t[key];
    if (!Array.isArray(v) || v.length !== p) throw invalid(key, `must hold ${p} numbers (one per feature), got ${Array.isArray(v) ? v.length : typeof v}`);
    v.forEach((x, j) => {
      if (typeof x !== 'number' || !Number.isFinite(x)) throw invalid(`${key}[${j}]`, `must be a finite number, got ${String(x)}`, x);
    });
  }
  for (let j = 0; j < p; j++) {
    const lo = t.min[j]!, hi = t.max[j]!, m = t.mean[j]!, s = t.std[j]!;
    if (lo > hi) throw invalid(`min[${j}]`, `is ${lo}, above max[${j}] = ${hi}`, lo);
    const slack = 1e-9 * Math.max(1, Math.abs(lo), Math.abs(hi));
    if (m < lo - slack || m > hi + slack) throw invalid(`mean[${j}]`, `is ${m}, outside [min, max] = [${lo}, ${hi}]`, m);
    if (s < 0) throw invalid(`std[${j}]`, `is ${s}; a standard deviation is ≥ 0`, s);
  }
}

/** Parity rows from a training summary; see the module comment for the mix. */
export function drawParityRows(t: TrainingSummary, options: ParityRowsOptions = {}): DenseMatrix {
  const p = Array.isArray(t?.min) ? t.min.length : 0;
  checkTrainingSummary(t, p);
  if (p < 1) throw invalid('min', 'names no feature');
  const n = options.rows ?? DEFAULT_PARITY_ROWS;
  if (!(Number.isInteger(n) && n >= 1)) throw new DiscernError('INVALID_ARGUMENT', (nm) => `${nm.option('rows')} must be a positive integer, got ${String(n)}`, { option: 'rows', value: n });
  const rng = createRng(options.seed ?? 0);
  const integer = options.integer === true;
  const lo = new Float64Array(p), hi = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    lo[j] = integer ? Math.ceil(Math.max(t.min[j]!, 0)) : t.min[j]!;
    hi[j] = integer ? Math.floor(t.max[j]!) : t.max[j]!;
    // a count feature whose range holds no non-negative integer: its one sensible value is the nearest, 0
    if (integer && hi[j]! < lo[j]!) lo[j] = hi[j] = Math.max(0, hi[j]!);
  }
  const data = new Float64Array(n * p);
  const bulk = Math.ceil(n / 2), range = Math.ceil((3 * n) / 4);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) {
      const a = lo[j]!, b = hi[j]!;
      let v: number;
      if (a === b || t.std[j] === 0) v = integer ? a : Math.min(Math.max(t.mean[j]!, a), b);
      else if (i < bulk) v = t.mean[j]! + t.std[j]! * rng.normal();
      else if (i < range) v = a + (b - a) * rng.uniform();
      else {
        const u = rng.uniform();
        v = u < 1 / 3 ? a : u < 2 / 3 ? b : a + (b - a) * rng.uniform();
      }
      if (integer) v = Math.round(v);
      data[i * p + j] = Math.min(Math.max(v, a), b);
    }
  }
  if (integer && n >= 2) {
    // the extremes of every count or category feature, in the first two rows
    for (let j = 0; j < p; j++) {
      data[j] = lo[j]!;
      data[p + j] = hi[j]!;
    }
  }
  return { rows: n, cols: p, data };
}
