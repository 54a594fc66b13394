import { DiscernError, type DenseMatrix } from '@discern/linalg';

/**
 * Helpers shared by the mixture models: event weights, row-wise log-sum-exp into responsibilities, log-gamma,
 * option checks and the shape checks that `fromJSON` runs on untrusted model files.
 */

/** The per-event weights as an array (ones when none are given), so weighted and unweighted fits share one code path. */
export function weightsOrOnes(w: Float64Array | undefined, n: number): Float64Array {
  return w ?? new Float64Array(n).fill(1);
}

export function sumOf(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  return s;
}

/**
 * Turns row i of an n×K buffer of log joint densities log π_k p(x_i|k) into responsibilities in place and returns
 * log Σ_k π_k p(x_i|k), through the max shift so that nothing overflows or divides 0 by 0.
 */
export function normaliseLogRow(lp: Float64Array, offset: number, K: number): number {
  let max = -Infinity;
  for (let k = 0; k < K; k++) if (lp[offset + k]! > max) max = lp[offset + k]!;
  if (!(max > -Infinity) || max === Infinity) {
    // zero (or infinite) density under every component: no ratio is defined, so the row gets equal shares and the
    // non-finite log density goes back to the caller, which refuses it during a fit
    for (let k = 0; k < K; k++) lp[offset + k] = 1 / K;
    return max;
  }
  let s = 0;
  for (let k = 0; k < K; k++) {
    const e = Math.exp(lp[offset + k]! - max);
    lp[offset + k] = e;
    s += e;
  }
  const inv = 1 / s;
  for (let k = 0; k < K; k++) lp[offset + k]! *= inv;
  return max + Math.log(s);
}

/** Throws FIT_DIVERGED when an EM log-likelihood stops being a finite number. */
export function assertFiniteLogLikelihood(value: number, estimator: string, iteration: number, init: number): void {
  if (!Number.isFinite(value))
    throw new DiscernError(
      'FIT_DIVERGED',
      `${estimator}: the mean log-likelihood became ${value} at EM iteration ${iteration} of restart ${init}; a point has zero density under every component (scale the features, raise the regularisation, or use fewer components)`,
      { estimator, iteration, init, value },
    );
}

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** log Γ(x) for x > 0 (Lanczos, g = 7, ~1e-15 relative): the multinomial coefficient of non-integer counts too. */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** log n! exactly summed for small integers (the usual case of counts), log Γ(n+1) otherwise. */
export function logFactorial(n: number): number {
  if (Number.isInteger(n) && n < 64) {
    let s = 0;
    for (let i = 2; i <= n; i++) s += Math.log(i);
    return s;
  }
  return logGamma(n + 1);
}

// ---- option checks -------------------------------------------------------------------------------------------

export function intOption(value: number | undefined, fallback: number, name: string, estimator: string, min: number): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < min)
    throw new DiscernError('INVALID_ARGUMENT', `${estimator}: option ${name} must be an integer ≥ ${min}, got ${v}`, { estimator, option: name, value: v });
  return v;
}

export function numberOption(value: number | undefined, fallback: number, name: string, estimator: string, ok: (v: number) => boolean, accepted: string): number {
  const v = value ?? fallback;
  if (typeof v !== 'number' || Number.isNaN(v) || !ok(v))
    throw new DiscernError('INVALID_ARGUMENT', `${estimator}: option ${name} must be ${accepted}, got ${v}`, { estimator, option: name, value: v });
  return v;
}

// ---- fromJSON shape checks ------------------------------------------------------------------------------------

function bad(estimator: string, field: string, expected: string, got: unknown): DiscernError {
  const shown = Array.isArray(got) ? `an array of length ${got.length}` : JSON.stringify(got) ?? String(got);
  return new DiscernError('DATA_INVALID', `${estimator}.fromJSON: field "${field}" must be ${expected}, got ${shown}`, { estimator, field });
}

export function jsonKind(json: { readonly kind: string }, kind: string, estimator: string): void {
  if (!json || typeof json !== 'object' || json.kind !== kind)
    throw new DiscernError('DATA_INVALID', `${estimator}.fromJSON expects a model of kind "${kind}", got ${JSON.stringify(json?.kind)}`, { estimator, kind: json?.kind });
}

export function jsonInt(obj: Record<string, unknown>, field: string, estimator: string, min: number): number {
  const v = obj[field];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw bad(estimator, field, `an integer ≥ ${min}`, v);
  return v;
}

/** A flat array of `length` finite numbers (nested arrays are flattened after their shape is checked by `shape`). */
export function jsonNumbers(obj: Record<string, unknown>, field: string, estimator: string, shape: readonly number[]): Float64Array {
  const total = shape.reduce((a, b) => a * b, 1);
  const out = new Float64Array(total);
  let pos = 0;
  const expected = shape.length === 0 ? 'a finite number' : `a ${shape.join('×')} array of finite numbers`;
  const walk = (v: unknown, depth: number): void => {
    if (depth === shape.length) {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw bad(estimator, field, expected, v);
      out[pos++] = v;
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[depth]) throw bad(estimator, field, expected, v);
    for (const e of v) walk(e, depth + 1);
  };
  walk(obj[field], 0);
  return out;
}

/** A flat row-major buffer as nested arrays of the given shape (for toJSON). */
export function nest(data: ArrayLike<number>, shape: readonly number[]): unknown {
  let pos = 0;
  const build = (depth: number): unknown => {
    if (depth === shape.length) return data[pos++]!;
    const out: unknown[] = [];
    for (let i = 0; i < shape[depth]!; i++) out.push(build(depth + 1));
    return out;
  };
  return build(0);
}

/** Matrix of numbers from nested arrays in an option (e.g. init means), with a message naming the option. */
export function optionMatrix(rows: readonly (readonly number[])[], nRows: number, nCols: number, what: string, estimator: string): Float64Array {
  if (!Array.isArray(rows) || rows.length !== nRows)
    throw new DiscernError('INVALID_ARGUMENT', `${estimator}: ${what} must have ${nRows} rows, got ${Array.isArray(rows) ? rows.length : typeof rows}`, { estimator });
  const out = new Float64Array(nRows * nCols);
  for (let i = 0; i < nRows; i++) {
    const r = rows[i]!;
    if (!Array.isArray(r) || r.length !== nCols)
      throw new DiscernError('INVALID_ARGUMENT', `${estimator}: row ${i} of ${what} must have ${nCols} values (one per feature), got ${Array.isArray(r) ? r.length : typeof r}`, { estimator, row: i });
    for (let j = 0; j < nCols; j++) {
      const v = r[j]!;
      if (typeof v !== 'number' || !Number.isFinite(v))
        throw new DiscernError('INVALID_ARGUMENT', `${estimator}: ${what}[${i}][${j}] must be a finite number, got ${v}`, { estimator, row: i, column: j });
      out[i * nCols + j] = v;
    }
  }
  return out;
}

/** Copies a flat buffer into a DenseMatrix (accessors hand out copies, never the model's own storage). */
export function matrixCopy(rows: number, cols: number, data: Float64Array): DenseMatrix {
  return { rows, cols, data: data.slice() };
}
