/**
 * Hand-written validation shared by the decision functions: every check throws a DiscernError that says what is
 * wrong, where (argument, row, column) and what would be accepted.
 */
import { type DenseMatrix } from '@discern/linalg';
import { DiscernError } from '@discern/core';

/** Tolerance on Σπ = 1 and on posterior rows summing to 1 (float output of softmax, calibrators, JSON round trips). */
export const SUM_TOLERANCE = 1e-6;

export function checkAlpha(alpha: number, fn: string, allowOne = false): void {
  const ok = allowOne ? alpha > 0 && alpha <= 1 : alpha > 0 && alpha < 1;
  if (!ok) {
    throw new DiscernError(
      'INVALID_ARGUMENT',
      `${fn}: alpha (the type I error rate) must be in ${allowOne ? '(0, 1]' : '(0, 1)'}, e.g. 0.05, got ${alpha}`,
      { alpha, function: fn },
    );
  }
}

export function checkConfidence(confidence: number, fn: string): void {
  if (!(confidence > 0 && confidence < 1)) {
    throw new DiscernError('INVALID_ARGUMENT', `${fn}: confidence must be in (0, 1), e.g. 0.95, got ${confidence}`, { confidence, function: fn });
  }
}

/** A K×K matrix of finite costs, c[i][j] = cost of deciding class i when class j is true. Returns K. */
export function checkCostMatrix(cost: unknown, fn: string, expectedK?: number): number {
  if (!Array.isArray(cost) || cost.length === 0) {
    throw new DiscernError('INVALID_ARGUMENT', `${fn}: the cost matrix must be a non-empty array of rows (K×K, c[i][j] = cost of deciding i when j is true)`, { function: fn });
  }
  const K = cost.length;
  if (K < 2) throw new DiscernError('INVALID_ARGUMENT', `${fn}: the cost matrix must be at least 2×2, got 1×1`, { function: fn });
  if (expectedK !== undefined && K !== expectedK) {
    throw new DiscernError('INVALID_ARGUMENT', `${fn}: the cost matrix has ${K} rows but there are ${expectedK} classes; it must be ${expectedK}×${expectedK}`, { function: fn, rows: K, classes: expectedK });
  }
  for (let i = 0; i < K; i++) {
    const row: unknown = cost[i];
    if (!Array.isArray(row) || row.length !== K) {
      const got = Array.isArray(row) ? `${row.length} entries` : typeof row;
      throw new DiscernError('INVALID_ARGUMENT', `${fn}: the cost matrix must be ${K}×${K}, but row ${i} has ${got}`, { function: fn, row: i });
    }
    for (let j = 0; j < K; j++) {
      const v: unknown = row[j];
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new DiscernError('INVALID_ARGUMENT', `${fn}: cost[${i}][${j}] must be a finite number, got ${String(v)}`, { function: fn, row: i, column: j, value: v });
      }
    }
  }
  return K;
}

/**
 * Class priors: K finite values ≥ 0 (> 0 when `strictlyPositive`, as for the priors a posterior is divided by),
 * summing to 1 within SUM_TOLERANCE.
 */
export function checkPriors(priors: unknown, K: number, what: string, fn: string, strictlyPositive = false): Float64Array {
  if (!Array.isArray(priors) && !(priors instanceof Float64Array)) {
    throw new DiscernError('INVALID_ARGUMENT', `${fn}: ${what} must be an array of ${K} probabilities`, { function: fn, what });
  }
  if (priors.length !== K) {
    throw new DiscernError('INVALID_ARGUMENT', `${fn}: ${what} has ${priors.length} entries, expected one per class (${K})`, { function: fn, what, length: priors.length, classes: K });
  }
  const out = new Float64Array(K);
  let sum = 0;
  for (let j = 0; j < K; j++) {
    const v: unknown = priors[j];
    const ok = typeof v === 'number' && Number.isFinite(v) && (strictlyPositive ? v > 0 : v >= 0);
    if (!ok) {
      throw new DiscernError('INVALID_ARGUMENT', `${fn}: ${what}[${j}] must be a finite number ${strictlyPositive ? '> 0' : '≥ 0'}, got ${String(v)}`, { function: fn, what, index: j, value: v });
    }
    out[j] = v as number;
    sum += v as number;
  }
  if (Math.abs(sum - 1) > SUM_TOLERANCE) {
    throw new DiscernError('INVALID_ARGUMENT', `${fn}: ${what} must sum to 1 (within ${SUM_TOLERANCE}), got ${sum}`, { function: fn, what, sum });
  }
  return out;
}

/** Posteriors: an n×K matrix (K ≥ 2) of finite values in [0, 1] whose rows sum to 1 within SUM_TOLERANCE. */
export function checkPosteriors(P: DenseMatrix, fn: string, expectedK?: number): void {
  if (P.cols < 2) throw new DiscernError('INVALID_ARGUMENT', `${fn}: posteriors must have one column per class (at least 2), got ${P.cols}`, { function: fn, cols: P.cols });
  if (expectedK !== undefined && P.cols !== expectedK) {
    throw new DiscernError('INVALID_ARGUMENT', `${fn}: posteriors have ${P.cols} columns but there are ${expectedK} classes (from the cost matrix or priors)`, { function: fn, cols: P.cols, classes: expectedK });
  }
  if (P.data.length !== P.rows * P.cols) {
    throw new DiscernError('INVALID_ARGUMENT', `${fn}: posterior matrix holds ${P.data.length} values, expected ${P.rows}×${P.cols}`, { function: fn });
  }
  const K = P.cols;
  for (let i = 0; i < P.rows; i++) {
    let s = 0;
    for (let j = 0; j < K; j++) {
      const v = P.data[i * K + j]!;
      if (!(v >= 0 && v <= 1)) {
        throw new DiscernError('DATA_INVALID', `${fn}: posterior at row ${i}, column ${j} is ${v}; posteriors must be probabilities in [0, 1]`, { function: fn, row: i, column: j, value: v });
      }
      s += v;
    }
    if (Math.abs(s - 1) > SUM_TOLERANCE) {
      throw new DiscernError('DATA_INVALID', `${fn}: posteriors at row ${i} sum to ${s}; each row must sum to 1 (within ${SUM_TOLERANCE})`, { function: fn, row: i, sum: s });
    }
  }
}

/** A vector of finite numbers (scores, log-likelihood ratios, weights); names the first bad index. */
export function checkFiniteVector(x: ArrayLike<number>, what: string, fn: string, allowInfinite = false): void {
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (allowInfinite ? Number.isNaN(v) : !Number.isFinite(v)) {
      throw new DiscernError('DATA_INVALID', `${fn}: ${what} at index ${i} is ${v}; ${allowInfinite ? 'NaN is not accepted' : 'every value must be a finite number'}`, { function: fn, what, index: i, value: v });
    }
  }
}

export function checkSameLength(a: ArrayLike<unknown>, b: ArrayLike<unknown>, whatA: string, whatB: string, fn: string): void {
  if (a.length !== b.length) {
    throw new DiscernError('INVALID_ARGUMENT', `${fn}: ${whatA} has ${a.length} entries but ${whatB} has ${b.length}; they must be the same length`, { function: fn, [whatA]: a.length, [whatB]: b.length });
  }
}

/** Class labels: integers in [0, K). */
export function checkLabels(labels: ArrayLike<number>, K: number, fn: string): void {
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i]!;
    if (!(Number.isInteger(y) && y >= 0 && y < K)) {
      throw new DiscernError('LABEL_INVALID', `${fn}: label at index ${i} is ${y}; labels must be class indices 0..${K - 1}`, { function: fn, index: i, value: y, classes: K });
    }
  }
}
