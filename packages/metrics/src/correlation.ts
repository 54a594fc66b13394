import { type DenseMatrix } from '@discern/linalg';
import { DiscernError } from '@discern/core';
import { asLabels, asWeights, checkLength, isDenseMatrix } from './validate.js';

/** Linear (Pearson) correlation matrices of the input variables, weighted, overall or per class (TMVA's input-variable correlations). */

export interface CorrelationResult {
  /** Number of rows used, and their total weight. */
  n: number;
  sumW: number;
  /** Weighted mean and standard deviation (1/Σw normalisation) of each column. */
  mean: Float64Array;
  std: Float64Array;
  /**
   * p×p, row-major: Σw(xj − x̄j)(xk − x̄k) / √(Σw(xj − x̄j)² · Σw(xk − x̄k)²). A column that does not vary (zero or
   * negative weighted variance) has NaN in its row and column, its diagonal included: its correlation is undefined.
   */
  matrix: Float64Array;
}

export interface CorrelationOptions {
  weights?: ArrayLike<number>;
  /** Only these rows (indices into X), e.g. one class's. */
  rows?: ArrayLike<number>;
}

/**
 * The weighted correlation matrix of X's columns, in two passes (means, then centred cross-products), so that
 * large offsets do not cancel digits. Weights may be negative; the total weight of the rows must be positive.
 */
export function correlationMatrix(X: DenseMatrix, options: CorrelationOptions = {}): CorrelationResult {
  if (!isDenseMatrix(X)) throw new DiscernError('INVALID_ARGUMENT', 'X must be a dense matrix { rows, cols, data }', {});
  const p = X.cols, d = X.data;
  const w = asWeights(options.weights, X.rows);
  let rows: Uint32Array;
  if (options.rows) {
    rows = new Uint32Array(options.rows.length);
    for (let t = 0; t < rows.length; t++) {
      const i = options.rows[t]!;
      if (!(Number.isInteger(i) && i >= 0 && i < X.rows)) throw new DiscernError('INVALID_ARGUMENT', `rows[${t}] is ${i}; expected a row index in 0..${X.rows - 1}`, { index: t, value: i });
      rows[t] = i;
    }
  } else {
    rows = new Uint32Array(X.rows);
    for (let i = 0; i < X.rows; i++) rows[i] = i;
  }
  if (rows.length === 0) throw new DiscernError('DATA_INVALID', 'a correlation matrix needs at least one row, got none', {});
  let sumW = 0;
  const mean = new Float64Array(p);
  for (let t = 0; t < rows.length; t++) {
    const i = rows[t]!;
    const wi = w ? w[i]! : 1;
    sumW += wi;
    for (let j = 0; j < p; j++) mean[j] = mean[j]! + wi * d[i * p + j]!;
  }
  if (!(sumW > 0)) throw new DiscernError('DATA_INVALID', `the total weight of the rows is ${sumW}; it must be positive for a correlation matrix`, { sumW });
  for (let j = 0; j < p; j++) mean[j] = mean[j]! / sumW;
  // upper triangle of Σw(x − x̄)(x − x̄)ᵀ
  const c = new Float64Array(p * p);
  const dx = new Float64Array(p);
  for (let t = 0; t < rows.length; t++) {
    const i = rows[t]!;
    const wi = w ? w[i]! : 1;
    for (let j = 0; j < p; j++) dx[j] = d[i * p + j]! - mean[j]!;
    for (let j = 0; j < p; j++) {
      const wj = wi * dx[j]!;
      const row = j * p;
      for (let k = j; k < p; k++) c[row + k] = c[row + k]! + wj * dx[k]!;
    }
  }
  const std = new Float64Array(p);
  for (let j = 0; j < p; j++) std[j] = c[j * p + j]! > 0 ? Math.sqrt(c[j * p + j]! / sumW) : 0;
  const matrix = new Float64Array(p * p);
  for (let j = 0; j < p; j++) {
    for (let k = j; k < p; k++) {
      const vj = c[j * p + j]!, vk = c[k * p + k]!;
      // the diagonal is 1 by definition, not by rounding
      const r = vj > 0 && vk > 0 ? (j === k ? 1 : Math.max(-1, Math.min(1, c[j * p + k]! / Math.sqrt(vj * vk)))) : NaN;
      matrix[j * p + k] = r;
      matrix[k * p + j] = r;
    }
  }
  return { n: rows.length, sumW, mean, std, matrix };
}

/** One correlation matrix per class 0..nClasses−1 (a class without rows gets undefined). */
export function correlationByClass(X: DenseMatrix, yTrue: ArrayLike<number>, nClasses: number, options: { weights?: ArrayLike<number> } = {}): (CorrelationResult | undefined)[] {
  checkLength(yTrue, X.rows, 'yTrue', 'X rows');
  const y = asLabels(yTrue, 'yTrue', nClasses);
  const byClass: number[][] = Array.from({ length: nClasses }, () => []);
  for (let i = 0; i < y.length; i++) byClass[y[i]!]!.push(i);
  const w = options.weights;
  return byClass.map((rows, k) => {
    if (rows.length === 0) return undefined;
    // said of the class (its rows and their total), not of "the rows": the total of all the data may be another
    let total = 0;
    if (w) for (const i of rows) total += w[i]!;
    if (w && !(total > 0))
      throw new DiscernError('DATA_INVALID', (n) => `${n.weights('the event weights')} of ${n.class(k)} (its ${rows.length} rows) sum to ${total}; its correlation matrix needs a positive total`, { class: k, sumW: total });
    return correlationMatrix(X, { ...(w ? { weights: w } : {}), rows });
  });
}
