import { type DenseMatrix } from '@discern/linalg';
import { DiscernError, logGamma } from '@discern/core';
import { type Cancellation, checkpoint, within } from '../cancel.js';
import { type FitOptions, type FitReport, argmaxRows } from '../estimator.js';
import { optionBase, optionPath } from '../naming.js';

/**
 * Helpers shared by the mixture models: event weights, log-factorials, the restart and EM loops with their fit
 * report, and option checks. Responsibilities come from linalg's softmaxInto (row-wise, returning the log density).
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
 * Throws FIT_DIVERGED when an EM log-likelihood stops being a finite number; `regularisation` is the option that
 * smooths the model (regCovar, alpha).
 */
export function assertFiniteLogLikelihood(value: number, estimator: string, iteration: number, init: number, regularisation: string): void {
  if (!Number.isFinite(value))
    throw new DiscernError(
      'FIT_DIVERGED',
      (n) =>
        `${estimator}: the mean log-likelihood became ${value} at EM iteration ${iteration} of restart ${init + 1}; a point has zero density under every component (scale the features, raise ${n.option(regularisation)}, or use fewer ${n.option('nComponents')})`,
      { estimator, iteration, init, value, option: regularisation },
    );
}

// ---- restarts and the EM loop -------------------------------------------------------------------------------

/** What one EM run ends with: the last mean log-likelihood and the one of every iteration. */
export interface EmRun {
  readonly lowerBound: number;
  readonly history: number[];
  readonly iterations: number;
  readonly converged: boolean;
}

/**
 * Runs `nInit` restarts and keeps the best by `value` ('max': the highest, 'min': the lowest; the first wins ties),
 * reporting progress after each; returns it, its index and the value of every restart. Restart r gets `cancel`
 * saying "of restart r+1" for its own loops, and the signal is checked before each restart.
 */
export function bestRestart<R>(
  nInit: number,
  options: FitOptions,
  cancel: Cancellation,
  run: (restart: number, cancel: Cancellation) => R,
  value: (result: R) => number,
  keep: 'max' | 'min',
): { best: R; bestInit: number; values: number[] } {
  let best: R | undefined;
  let bestValue = 0;
  let bestInit = 0;
  const values: number[] = [];
  for (let r = 0; r < nInit; r++) {
    checkpoint(cancel, () => `the start of restart ${r + 1} of ${nInit}`);
    const res = run(r, within(cancel, `of restart ${r + 1}`));
    const v = value(res);
    values.push(v);
    if (best === undefined || (keep === 'max' ? v > bestValue : v < bestValue)) {
      best = res;
      bestValue = v;
      bestInit = r;
    }
    options.onProgress?.({ phase: 'init', step: r + 1, total: nInit, value: v });
  }
  if (best === undefined) throw new DiscernError('INVALID_ARGUMENT', `nInit must be ≥ 1, got ${nInit}`, { nInit });
  return { best, bestInit, values };
}

/**
 * EM iterations until the mean log-likelihood changes by less than `tol`, or `maxIter`: `eStep(it)` returns the mean
 * log-likelihood under the parameters entering iteration `it` (FIT_DIVERGED when it is not finite), then `mStep(it)`
 * replaces them; progress is reported after each iteration, and `cancel` is checked before each.
 */
export function emIterations(
  s: { readonly estimator: string; readonly maxIter: number; readonly tol: number; readonly restart: number; readonly cancel: Cancellation; readonly regularisation: string },
  options: FitOptions,
  eStep: (iteration: number) => number,
  mStep: (iteration: number) => void,
): EmRun {
  const history: number[] = [];
  let lowerBound = -Infinity;
  let converged = false;
  let it = 0;
  while (it < s.maxIter) {
    it++;
    checkpoint(s.cancel, () => `EM iteration ${it}`);
    const prev = lowerBound;
    lowerBound = eStep(it);
    assertFiniteLogLikelihood(lowerBound, s.estimator, it, s.restart, s.regularisation);
    history.push(lowerBound);
    mStep(it);
    options.onProgress?.({ phase: 'iteration', step: it, total: s.maxIter, value: lowerBound });
    if (Math.abs(lowerBound - prev) < s.tol) {
      converged = true;
      break;
    }
  }
  return { lowerBound, history, iterations: it, converged };
}

/** The fit report of the best EM restart; `details` go after bestInit, lowerBound and lowerBounds. */
export function emFitReport(best: EmRun, bestInit: number, lowerBounds: number[], historyLabel: string, details: Record<string, unknown>): FitReport {
  return {
    iterations: best.iterations,
    converged: best.converged,
    reason: best.converged ? 'tol' : 'max_iter',
    history: best.history,
    historyLabel,
    details: { bestInit, lowerBound: best.lowerBound, lowerBounds, ...details },
  };
}

// ---- the methods every mixture derives from its densities ------------------------------------------------------

/** score, predict, bic and aic of a mixture, from its scoreSamples, predictProba and nParameters. */
export abstract class MixtureModel {
  /** log p(x) per row. */
  abstract scoreSamples(X: DenseMatrix): Float64Array;
  /** n×K responsibilities P(component k | x). */
  abstract predictProba(X: DenseMatrix): DenseMatrix;
  /** Free parameters of the fitted model. */
  abstract get nParameters(): number;

  /** Mean log-likelihood per row. */
  score(X: DenseMatrix): number {
    const s = this.scoreSamples(X);
    let t = 0;
    for (let i = 0; i < s.length; i++) t += s[i]!;
    return t / s.length;
  }

  /** Most probable component per row. */
  predict(X: DenseMatrix): Int32Array {
    return argmaxRows(this.predictProba(X));
  }

  /** Bayesian information criterion −2 log L + m log n (m free parameters), as scikit-learn's bic. */
  bic(X: DenseMatrix): number {
    return -2 * this.score(X) * X.rows + this.nParameters * Math.log(X.rows);
  }

  /** Akaike information criterion −2 log L + 2m. */
  aic(X: DenseMatrix): number {
    return -2 * this.score(X) * X.rows + 2 * this.nParameters;
  }
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

/** An integer option ≥ min (its default when undefined); INVALID_ARGUMENT naming the option otherwise. */
export function intOption(value: number | undefined, fallback: number, name: string, estimator: string, min: number): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < min)
    throw new DiscernError('INVALID_ARGUMENT', (n) => `${estimator}: ${optionPath(n, name)} must be an integer ≥ ${min}, got ${v}`, { estimator, option: optionBase(name), value: v });
  return v;
}

/** A numeric option accepted by `ok` (its default when undefined); INVALID_ARGUMENT naming the option otherwise. */
export function numberOption(value: number | undefined, fallback: number, name: string, estimator: string, ok: (v: number) => boolean, accepted: string): number {
  const v = value ?? fallback;
  if (typeof v !== 'number' || Number.isNaN(v) || !ok(v))
    throw new DiscernError('INVALID_ARGUMENT', (n) => `${estimator}: ${optionPath(n, name)} must be ${accepted}, got ${v}`, { estimator, option: optionBase(name), value: v });
  return v;
}

// ---- JSON ------------------------------------------------------------------------------------------------

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
  const option = optionBase(what);
  if (!Array.isArray(rows) || rows.length !== nRows)
    throw new DiscernError('INVALID_ARGUMENT', (n) => `${estimator}: ${optionPath(n, what)} must have ${nRows} rows, got ${Array.isArray(rows) ? rows.length : typeof rows}`, { estimator, option });
  const out = new Float64Array(nRows * nCols);
  for (let i = 0; i < nRows; i++) {
    const r = rows[i]!;
    if (!Array.isArray(r) || r.length !== nCols)
      throw new DiscernError('INVALID_ARGUMENT', (n) => `${estimator}: ${optionPath(n, what)}[${i}] must have ${nCols} values (one per feature), got ${Array.isArray(r) ? r.length : typeof r}`, { estimator, option });
    for (let j = 0; j < nCols; j++) {
      const v = r[j]!;
      if (typeof v !== 'number' || !Number.isFinite(v))
        throw new DiscernError('INVALID_ARGUMENT', (n) => `${estimator}: ${optionPath(n, what)}[${i}][${j}] must be a finite number, got ${v}`, { estimator, option });
      out[i * nCols + j] = v;
    }
  }
  return out;
}

/** Copies a flat buffer into a DenseMatrix (accessors hand out copies, never the model's own storage). */
export function matrixCopy(rows: number, cols: number, data: Float64Array): DenseMatrix {
  return { rows, cols, data: data.slice() };
}
