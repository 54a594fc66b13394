import { type DenseMatrix } from '@discern/linalg';
import { DiscernError } from '@discern/core';

/**
 * Input checks shared by every metric. Each failure names the argument, the index and the accepted values, so a
 * metrics step can pass the message on unchanged.
 */

function labelError(y: ArrayLike<number>, name: string, nClasses: number | undefined, i: number): DiscernError {
  const v = y[i]!;
  const accepted = nClasses === undefined ? 'a non-negative integer class index' : `an integer class index in 0..${nClasses - 1}`;
  return new DiscernError('LABEL_INVALID', `${name}[${i}] is ${v}; expected ${accepted}`, { argument: name, index: i, value: v });
}

/** Class indices as an Int32Array; every entry an integer in 0..K-1 (K = nClasses when given). */
export function toLabels(y: ArrayLike<number>, name: string, nClasses?: number): Int32Array {
  const n = y.length;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = y[i]!;
    if (!Number.isInteger(v) || v < 0 || (nClasses !== undefined && v >= nClasses)) throw labelError(y, name, nClasses, i);
    out[i] = v;
  }
  return out;
}

/**
 * toLabels without the copy when `y` is an Int32Array already (checked, then returned as it is): for read-only use
 * on large inputs.
 */
export function asLabels(y: ArrayLike<number>, name: string, nClasses?: number): Int32Array {
  if (!(y instanceof Int32Array)) return toLabels(y, name, nClasses);
  const hi = nClasses ?? 2 ** 31;
  for (let i = 0; i < y.length; i++) {
    const v = y[i]!;
    if (v < 0 || v >= hi) throw labelError(y, name, nClasses, i);
  }
  return y;
}

function scoreError(name: string, i: number, v: number): DiscernError {
  return new DiscernError('DATA_INVALID', `${name}[${i}] is ${v}; every score must be a finite number`, { argument: name, index: i, value: v });
}

/** Finite scores as a Float64Array (a copy, so callers may reorder it). */
export function toScores(s: ArrayLike<number>, name: string): Float64Array {
  const n = s.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = s[i]!;
    if (!Number.isFinite(v)) throw scoreError(name, i, v);
    out[i] = v;
  }
  return out;
}

/** toScores without the copy when `s` is a Float64Array already (checked, then returned as it is): read-only use. */
export function asScores(s: ArrayLike<number>, name: string): Float64Array {
  if (!(s instanceof Float64Array)) return toScores(s, name);
  for (let i = 0; i < s.length; i++) {
    const v = s[i]!;
    if (!Number.isFinite(v)) throw scoreError(name, i, v);
  }
  return s;
}

/**
 * Event weights: finite, any sign (physics samples carry negative weights from NLO generators); undefined stays
 * undefined so unweighted paths keep exact integer counts.
 */
export function toWeights(w: ArrayLike<number> | undefined, n: number, name = 'weights'): Float64Array | undefined {
  if (w === undefined) return undefined;
  checkLength(w, n, name);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = w[i]!;
    if (!Number.isFinite(v)) {
      throw new DiscernError('DATA_INVALID', `${name}[${i}] is ${v}; every weight must be a finite number (negative weights are allowed)`, {
        argument: name,
        index: i,
        value: v,
      });
    }
    out[i] = v;
  }
  checkWeightSum(out, name);
  return out;
}

/**
 * Finite weights whose absolute sum overflows double precision give no figure at all (every rate becomes NaN): say
 * so at once, rather than as a NaN in whichever figure comes first.
 */
function checkWeightSum(w: Float64Array, name: string): void {
  let s = 0;
  for (let i = 0; i < w.length; i++) s += Math.abs(w[i]!);
  if (!Number.isFinite(s))
    throw new DiscernError('DATA_INVALID', `the ${name} add up to ${s}: each is finite, but their sum overflows double precision; divide them all by a common factor (the figures do not change)`, { argument: name, total: s });
}

/** toWeights without the copy when `w` is a Float64Array already (checked, then returned as it is): read-only use. */
export function asWeights(w: ArrayLike<number> | undefined, n: number, name = 'weights'): Float64Array | undefined {
  if (!(w instanceof Float64Array)) return toWeights(w, n, name);
  checkLength(w, n, name);
  for (let i = 0; i < n; i++) {
    const v = w[i]!;
    if (!Number.isFinite(v))
      throw new DiscernError('DATA_INVALID', `${name}[${i}] is ${v}; every weight must be a finite number (negative weights are allowed)`, { argument: name, index: i, value: v });
  }
  checkWeightSum(w, name);
  return w;
}

export function checkLength(a: ArrayLike<number>, n: number, name: string, reference = 'yTrue'): void {
  if (a.length !== n) {
    throw new DiscernError('INVALID_ARGUMENT', `${name} has ${a.length} entries but ${reference} has ${n}; they must have the same length`, {
      argument: name,
      length: a.length,
      expected: n,
    });
  }
}

export function checkNonEmpty(n: number, name: string): void {
  if (n === 0) throw new DiscernError('DATA_INVALID', `${name} is empty; at least one sample is needed`, { argument: name });
}

/** A total weight used as a denominator must be positive (a negative total means the sample is unusable). */
export function checkPositiveTotal(total: number, what: string): void {
  if (!(total > 0)) {
    throw new DiscernError('DATA_INVALID', `the total weight of ${what} is ${total}; it must be positive`, { what, total });
  }
}

/** Probabilities: every entry finite and in [0, 1]. */
export function checkProbabilities(p: ArrayLike<number>, name: string, cols = 1): void {
  for (let i = 0; i < p.length; i++) {
    const v = p[i]!;
    if (!(v >= 0 && v <= 1)) {
      const where = cols === 1 ? `${name}[${i}]` : `${name} row ${Math.floor(i / cols)}, column ${i % cols}`;
      throw new DiscernError('DATA_INVALID', `${where} is ${v}; probabilities must be finite numbers in [0, 1]`, { argument: name, index: i, value: v });
    }
  }
}

/** Rows of an n×K probability matrix must sum to 1 (within 1e-6: float32 models) — a score matrix is not a distribution. */
export function checkRowsSumToOne(m: DenseMatrix, name: string): void {
  checkProbabilities(m.data, name, m.cols);
  for (let i = 0; i < m.rows; i++) {
    let s = 0;
    for (let j = 0; j < m.cols; j++) s += m.data[i * m.cols + j]!;
    if (Math.abs(s - 1) > 1e-6) {
      throw new DiscernError('DATA_INVALID', `${name} row ${i} sums to ${s}; each row of class probabilities must sum to 1 (±1e-6)`, {
        argument: name,
        row: i,
        sum: s,
      });
    }
  }
}


export function isDenseMatrix(x: unknown): x is DenseMatrix {
  return typeof x === 'object' && x !== null && 'rows' in x && 'cols' in x && 'data' in x;
}
