import { DiscernError, assertArg } from '@discern/core';

export interface CholeskyResult {
  /** Lower-triangular factor L (row-major n×n, upper part zero) with A + jitter·I = L·Lᵀ. */
  readonly L: Float64Array;
  readonly n: number;
  /** The jitter added to the diagonal to make the factorisation succeed (0 when none was needed). */
  readonly jitter: number;
}

export interface CholeskyOptions {
  /**
   * When the matrix is not numerically positive definite, retry with jitter·I added, starting at
   * `initialJitter` (relative to the mean diagonal) and growing ×10 up to `maxTries` times. 0 tries = strict.
   */
  maxTries?: number;
  initialJitter?: number;
  /** Named in the SINGULAR_COVARIANCE error (e.g. "component 2"). */
  what?: string;
}

function tryCholesky(a: ArrayLike<number>, n: number, jitter: number, L: Float64Array): boolean {
  L.fill(0);
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j]! + jitter;
    for (let k = 0; k < j; k++) d -= L[j * n + k]! * L[j * n + k]!;
    if (!(d > 0) || !Number.isFinite(d)) return false;
    const ljj = Math.sqrt(d);
    L[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j]!;
      for (let k = 0; k < j; k++) s -= L[i * n + k]! * L[j * n + k]!;
      L[i * n + j] = s / ljj;
    }
  }
  return true;
}

/**
 * Cholesky factorisation of a symmetric positive-definite n×n matrix (row-major; only the lower triangle is read).
 * With `maxTries` > 0 a matrix that is singular to working precision gets a growing diagonal jitter, and the jitter
 * used is reported; otherwise (or when every try fails) it throws SINGULAR_COVARIANCE.
 */
export function cholesky(a: ArrayLike<number>, n: number, options: CholeskyOptions = {}): CholeskyResult {
  assertArg(a.length === n * n, `cholesky: expected ${n}×${n} = ${n * n} values, got ${a.length}`);
  const L = new Float64Array(n * n);
  if (tryCholesky(a, n, 0, L)) return { L, n, jitter: 0 };
  const maxTries = options.maxTries ?? 0;
  let meanDiag = 0;
  for (let i = 0; i < n; i++) meanDiag += Math.abs(a[i * n + i]!);
  meanDiag = n > 0 ? meanDiag / n : 0;
  let jitter = (options.initialJitter ?? 1e-10) * (meanDiag > 0 && Number.isFinite(meanDiag) ? meanDiag : 1);
  for (let t = 0; t < maxTries; t++, jitter *= 10) {
    if (tryCholesky(a, n, jitter, L)) return { L, n, jitter };
  }
  const what = options.what ? ` of ${options.what}` : '';
  throw new DiscernError(
    'SINGULAR_COVARIANCE',
    `the ${n}×${n} matrix${what} is not positive definite${maxTries > 0 ? ` even with ${maxTries} diagonal jitter tries` : ''}; a constant or duplicated feature, or too few samples, makes a covariance singular — increase the regularisation or remove the feature`,
    { n, what: options.what },
  );
}

/** log det(A) = 2 Σ log L_ii from a Cholesky factor. */
export function logDetFromCholesky(c: CholeskyResult): number {
  let s = 0;
  for (let i = 0; i < c.n; i++) s += Math.log(c.L[i * c.n + i]!);
  return 2 * s;
}

/** Solves L·x = b (forward substitution) for lower-triangular L; writes into out (may alias b). */
export function solveLower(L: Float64Array, n: number, b: ArrayLike<number>, out: Float64Array = new Float64Array(n)): Float64Array {
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= L[i * n + k]! * out[k]!;
    out[i] = s / L[i * n + i]!;
  }
  return out;
}

/** Solves Lᵀ·x = b (back substitution) for lower-triangular L; writes into out (may alias b). */
export function solveUpperT(L: Float64Array, n: number, b: ArrayLike<number>, out: Float64Array = new Float64Array(n)): Float64Array {
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i]!;
    for (let k = i + 1; k < n; k++) s -= L[k * n + i]! * out[k]!;
    out[i] = s / L[i * n + i]!;
  }
  return out;
}

/** Solves A·x = b given A's Cholesky factor. */
export function choleskySolve(c: CholeskyResult, b: ArrayLike<number>): Float64Array {
  const y = solveLower(c.L, c.n, b);
  return solveUpperT(c.L, c.n, y, y);
}

/** A⁻¹ from its Cholesky factor (used only for small matrices where an explicit inverse is needed, e.g. export). */
export function choleskyInverse(c: CholeskyResult): Float64Array {
  const n = c.n;
  const inv = new Float64Array(n * n);
  const e = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    e.fill(0);
    e[j] = 1;
    const x = choleskySolve(c, e);
    for (let i = 0; i < n; i++) inv[i * n + j] = x[i]!;
  }
  return inv;
}

/** L⁻¹ (lower triangular), the precision Cholesky factor used by Gaussian log-densities and ONNX export. */
export function lowerInverse(L: Float64Array, n: number): Float64Array {
  const inv = new Float64Array(n * n);
  const e = new Float64Array(n);
  const x = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    e.fill(0);
    e[j] = 1;
    solveLower(L, n, e, x);
    for (let i = 0; i < n; i++) inv[i * n + j] = x[i]!;
  }
  return inv;
}
