import { type DenseMatrix, assertFinite } from '@discern/linalg';
import { DiscernError } from '@discern/core';

/**
 * How checkX treats X's values: `allowMissing`, NaN stands for a missing value (±∞ too: the estimator handles them);
 * `finiteLater`, the estimator checks them itself with checkFinite, fused with a copy it makes anyway (the logistic
 * fit's copy into its kernels' memory), so that a large X is not read twice.
 */
export interface CheckXOptions {
  readonly allowMissing?: boolean;
  readonly finiteLater?: boolean;
}

/**
 * Shared input checks, so every estimator fails the same way on the same bad input (the conformance suite
 * relies on it): non-finite values → DATA_INVALID, too few rows → TOO_FEW_SAMPLES, one class → LABEL_INVALID.
 * Messages that name a row, a feature or an option are templates over a Naming (with `row`, `feature`, `option` in
 * the context), so that the pipeline can say them in the user's terms: a file line, a column name, a config key.
 */
export function checkX(X: DenseMatrix, estimator: string, minSamples = 1, options: CheckXOptions = {}): void {
  if (X.rows < minSamples)
    throw new DiscernError('TOO_FEW_SAMPLES', `${estimator} needs at least ${minSamples} sample${minSamples === 1 ? '' : 's'}, got ${X.rows}`, { estimator, rows: X.rows, minSamples });
  if (X.cols < 1) throw new DiscernError('DATA_INVALID', `${estimator} needs at least one feature, got 0 columns`, { estimator });
  if (!options.allowMissing && !options.finiteLater) checkFinite(X, estimator);
}

/**
 * Throws DATA_INVALID naming X's first non-finite value, as checkX does, unless `known` says they are all finite
 * (looked at on the way by a copy the estimator made: see CheckXOptions.finiteLater).
 */
export function checkFinite(X: DenseMatrix, estimator: string, known?: boolean): void {
  if (known !== true) assertFinite(X, `${estimator} input`);
}

/** Checks labels against X and returns the number of classes K (labels must be 0..K-1, every class present). */
export function checkXy(X: DenseMatrix, y: Int32Array, estimator: string, minSamples = 2, options: CheckXOptions = {}): number {
  checkX(X, estimator, minSamples, options);
  if (y.length !== X.rows)
    throw new DiscernError('INVALID_ARGUMENT', `${estimator}: ${X.rows} rows of features but ${y.length} labels`, { estimator, rows: X.rows, labels: y.length });
  const max = largestLabel(y);
  if (max < 0) {
    const i = -1 - max;
    throw new DiscernError('LABEL_INVALID', (n) => `${estimator}: ${n.row(i)} has no class (label index ${y[i]}); every training row needs a label`, { estimator, row: i });
  }
  const present = classesPresent(y, max);
  if (present < 2)
    throw new DiscernError('LABEL_INVALID', (n) => `${estimator}: the training data has only one class, ${n.class(max)}; a classifier needs at least two`, { estimator, classes: present, class: max });
  return max + 1;
}

/*
 * checkXy's loops over the labels are small functions of their own: inside checkXy, V8 compiled them on entering the
 * loop and dropped that code on the next line for want of type feedback, fit after fit (~0.35 ms for MAGIC's 19,020
 * labels, a twentieth of a logistic fit; ~0.03 ms as functions).
 */

/** The largest label, or −1 − i for the first row i with a negative label (no class). */
function largestLabel(y: Int32Array): number {
  let max = -1;
  for (let i = 0; i < y.length; i++) {
    const c = y[i]!;
    if (c < 0) return -1 - i;
    if (c > max) max = c;
  }
  return max;
}

/** How many of the classes 0 … max have a row. */
function classesPresent(y: Int32Array, max: number): number {
  const counts = new Int32Array(max + 1);
  for (let i = 0; i < y.length; i++) counts[y[i]!]!++;
  let present = 0;
  for (let k = 0; k <= max; k++) if (counts[k]! > 0) present++;
  return present;
}

/** Checks event weights: one per row, finite; `allowNegative` for estimators whose fit is defined with negative weights. */
export function checkWeights(w: Float64Array | undefined, n: number, estimator: string, allowNegative = false, requirePositiveTotal = true): void {
  if (!w) return;
  if (w.length !== n) throw new DiscernError('INVALID_ARGUMENT', `${estimator}: ${w.length} weights for ${n} rows`, { estimator });
  let total = 0;
  let largest = 0;
  for (let i = 0; i < n; i++) {
    const v = w[i]!;
    if (!Number.isFinite(v)) throw new DiscernError('DATA_INVALID', (nm) => `${estimator}: the event weight of ${nm.row(i)} is ${v}; weights must be finite`, { estimator, row: i, value: v });
    if (v < 0 && !allowNegative)
      throw new DiscernError('DATA_INVALID', (nm) => `${estimator}: the event weight of ${nm.row(i)} is negative (${v}); this estimator accepts only non-negative weights`, { estimator, row: i, value: v });
    total += v;
    if (Math.abs(v) > largest) largest = Math.abs(v);
  }
  if (!Number.isFinite(total)) throw weightSumOverflow(estimator, 'the event weights', total, largest);
  // an estimator with a negative-weight policy (ignore, pair) checks the total of what the policy leaves instead
  if (requirePositiveTotal && !(total > 0))
    throw new DiscernError('DATA_INVALID', (nm) => `${estimator}: ${nm.weights('the event weights')} sum to ${total}; they must sum to a positive number`, { estimator, total });
}

/**
 * The error for a sum of finite weights that overflows: say what happened (each weight is a number, their sum is
 * not), not that the total "must be positive".
 */
export function weightSumOverflow(estimator: string, what: string, total: number, largest: number): DiscernError {
  return new DiscernError(
    'DATA_INVALID',
    `${estimator}: ${what} sum to ${total}: every weight is finite, but they are too large to add up in double precision (the largest is ${largest.toExponential(3)}; sums stop at ±1.8e308); divide the weights by a common factor, which changes no fitted probability`,
    { estimator, total, largest },
  );
}

export function notFitted(estimator: string): DiscernError {
  return new DiscernError('MODEL_NOT_FITTED', `${estimator} is not fitted: call fit() first (or load a fitted model with fromJSON)`, { estimator });
}

/** Checks X at predict time has the fitted number of features. */
export function checkPredictX(X: DenseMatrix, nFeatures: number, estimator: string, options: { allowMissing?: boolean } = {}): void {
  if (X.cols !== nFeatures)
    throw new DiscernError('DATA_INVALID', `${estimator} was fitted on ${nFeatures} features but got ${X.cols}`, { estimator, expected: nFeatures, got: X.cols });
  if (!options.allowMissing) assertFinite(X, `${estimator} input`);
}
