import { type CancelSignal, DiscernError, interruptedError } from '@discern/core';
import { strongWolfe, type LineSearchOptions } from './linesearch.js';

/**
 * Objective and gradient in one call: writes ∇f(x) into `grad` (same length as x) and returns f(x).
 * Fusing the two lets an estimator compute both in one pass over its data.
 */
export type ObjectiveFn = (x: Float64Array, grad: Float64Array) => number;

export interface MinimizeOptions {
  /** Number of correction pairs kept (history size). Default 10. */
  readonly m?: number;
  /** Maximum iterations (one iteration = one line search). Default 1000. */
  readonly maxIter?: number;
  /** Stop when max_i |∇f(x)_i| ≤ gtol (the infinity norm, as scipy's L-BFGS-B `pgtol` without bounds). Default 1e-6. */
  readonly gtol?: number;
  /**
   * Stop when (f_k − f_{k+1}) / max(|f_k|, |f_{k+1}|, 1) ≤ ftol (scipy's `factr·eps` test). Default 64·eps ≈ 1.4e-14,
   * the value scikit-learn passes; it only fires when the loss no longer changes at working precision.
   */
  readonly ftol?: number;
  /** Strong-Wolfe line search settings. */
  readonly lineSearch?: LineSearchOptions;
  /** Called after every iteration with the new loss and gradient norm; never affects the result. */
  readonly onIteration?: (iteration: number, f: number, gradNorm: number) => void;
  /**
   * Checked before every evaluation of the objective (line searches included): when set, minimize throws
   * INTERRUPTED saying "<what> at L-BFGS iteration i of maxIter". Any estimator fitted through minimize is
   * cancellable this way for free.
   */
  readonly signal?: CancelSignal;
  /** Names the work in that message (an estimator's kind). Default 'minimize'. */
  readonly what?: string;
}

/** Why the minimiser stopped: gradient test, loss-change test, iteration limit, or a line search that found no decrease. */
export type MinimizeReason = 'gtol' | 'ftol' | 'max_iter' | 'line_search';

export interface MinimizeResult {
  readonly x: Float64Array;
  readonly f: number;
  /** max_i |∇f(x)_i| at the returned x. */
  readonly gradNorm: number;
  readonly iterations: number;
  /** Objective/gradient evaluations, line searches included. */
  readonly evaluations: number;
  /** true for 'gtol' and 'ftol'. */
  readonly converged: boolean;
  readonly reason: MinimizeReason;
  /** f after each iteration (history[0] is after the first step; f(x0) is not included). */
  readonly history: number[];
}

function maxAbs(g: Float64Array): number {
  let m = 0;
  for (let i = 0; i < g.length; i++) {
    const a = Math.abs(g[i]!);
    if (a > m || a !== a) m = a; // NaN propagates, so a NaN gradient never passes the gtol test
  }
  return m;
}

function dotN(a: Float64Array, b: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[i]! * b[i]!;
  return s;
}

function positiveInt(v: number, name: string, min: number): number {
  if (!Number.isInteger(v) || v < min) throw new DiscernError('INVALID_ARGUMENT', `minimize: ${name} must be an integer ≥ ${min}, got ${v}`, { option: name, value: v });
  return v;
}

function nonNegative(v: number, name: string): number {
  if (!(v >= 0) || !Number.isFinite(v)) throw new DiscernError('INVALID_ARGUMENT', `minimize: ${name} must be a finite number ≥ 0, got ${v}`, { option: name, value: v });
  return v;
}

/**
 * Limited-memory BFGS (Nocedal & Wright, Numerical Optimization, 2nd ed., Alg. 7.4 two-loop recursion and
 * Alg. 7.5) with a strong-Wolfe line search (Alg. 3.5/3.6). The initial Hessian scaling is γ = sᵀy / yᵀy of the
 * newest pair (eq. 7.20); pairs with sᵀy ≤ eps·yᵀy are skipped so the inverse-Hessian approximation stays
 * positive definite. `x0` is not modified. Throws FIT_DIVERGED when f(x0) or ∇f(x0) is not finite.
 */
export function minimize(fg: ObjectiveFn, x0: ArrayLike<number>, options: MinimizeOptions = {}): MinimizeResult {
  const m = positiveInt(options.m ?? 10, 'm', 1);
  const maxIter = positiveInt(options.maxIter ?? 1000, 'maxIter', 0);
  const gtol = nonNegative(options.gtol ?? 1e-6, 'gtol');
  const ftol = nonNegative(options.ftol ?? 64 * Number.EPSILON, 'ftol');
  const n = x0.length;
  let iterations = 0;
  const signal = options.signal;
  if (signal) {
    const inner = fg;
    const what = options.what ?? 'minimize';
    fg = (x, g) => {
      if (signal.aborted) throw interruptedError(`${what} at L-BFGS iteration ${iterations + 1} of ${maxIter}`, signal.reason);
      return inner(x, g);
    };
  }

  let x = Float64Array.from(x0);
  let g = new Float64Array(n);
  let xNew = new Float64Array(n);
  let gNew = new Float64Array(n);
  const d = new Float64Array(n);
  // Correction pairs in a ring buffer: S[k*n..], Y[k*n..], rho[k] = 1 / yᵀs.
  const S = new Float64Array(m * n);
  const Y = new Float64Array(m * n);
  const rho = new Float64Array(m);
  const alpha = new Float64Array(m);
  let stored = 0;
  let head = 0; // slot the next pair goes into
  let gamma = 1;

  let f = fg(x, g);
  let evaluations = 1;
  let gnorm = maxAbs(g);
  if (!Number.isFinite(f) || !Number.isFinite(gnorm))
    throw new DiscernError('FIT_DIVERGED', `minimize: the objective at the starting point is ${f} (max |gradient| ${gnorm}); it must be finite there`, { f, gradNorm: gnorm });

  const history: number[] = [];
  let reason: MinimizeReason = 'max_iter';
  if (gnorm <= gtol) reason = 'gtol';

  while (reason === 'max_iter' && iterations < maxIter) {
    // Two-loop recursion: d = −H·g.
    for (let i = 0; i < n; i++) d[i] = -g[i]!;
    for (let j = 0; j < stored; j++) {
      const k = (head - 1 - j + m) % m;
      const off = k * n;
      let a = 0;
      for (let i = 0; i < n; i++) a += S[off + i]! * d[i]!;
      a *= rho[k]!;
      alpha[k] = a;
      for (let i = 0; i < n; i++) d[i]! -= a * Y[off + i]!;
    }
    for (let i = 0; i < n; i++) d[i]! *= gamma;
    for (let j = stored - 1; j >= 0; j--) {
      const k = (head - 1 - j + m) % m;
      const off = k * n;
      let b = 0;
      for (let i = 0; i < n; i++) b += Y[off + i]! * d[i]!;
      b *= rho[k]!;
      const c = alpha[k]! - b;
      for (let i = 0; i < n; i++) d[i]! += c * S[off + i]!;
    }
    let dg = dotN(d, g, n);
    if (!(dg < 0)) {
      // Not a descent direction (rounding in a badly conditioned H): restart from steepest descent.
      stored = 0;
      gamma = 1;
      for (let i = 0; i < n; i++) d[i] = -g[i]!;
      dg = dotN(d, g, n);
    }
    // First step: scaled so that ‖step‖∞ ≤ 1, as L-BFGS-B; afterwards the quasi-Newton step α = 1.
    const step0 = stored === 0 ? Math.min(1, 1 / maxAbs(d)) : 1;
    const ls = strongWolfe(fg, x, f, d, dg, step0, xNew, gNew, options.lineSearch);
    evaluations += ls.evaluations;
    if (!ls.ok) {
      if (stored > 0) {
        // The quasi-Newton model may be stale: drop it and retry once along −g before giving up.
        stored = 0;
        gamma = 1;
        continue;
      }
      reason = 'line_search';
      break;
    }
    iterations++;
    const fNew = ls.f;
    // New correction pair s = x⁺ − x, y = g⁺ − g, stored only if sᵀy > 0 (else it would overwrite the oldest
    // pair still in use with one that breaks positive definiteness).
    let sy = 0;
    let yy = 0;
    for (let i = 0; i < n; i++) {
      const s = xNew[i]! - x[i]!;
      const y = gNew[i]! - g[i]!;
      sy += s * y;
      yy += y * y;
    }
    if (sy > Number.EPSILON * yy && yy > 0) {
      const off = head * n;
      for (let i = 0; i < n; i++) {
        S[off + i] = xNew[i]! - x[i]!;
        Y[off + i] = gNew[i]! - g[i]!;
      }
      rho[head] = 1 / sy;
      gamma = sy / yy;
      head = (head + 1) % m;
      if (stored < m) stored++;
    }
    [x, xNew] = [xNew, x];
    [g, gNew] = [gNew, g];
    const fOld = f;
    f = fNew;
    gnorm = maxAbs(g);
    history.push(f);
    options.onIteration?.(iterations, f, gnorm);
    if (gnorm <= gtol) reason = 'gtol';
    else if ((fOld - f) / Math.max(Math.abs(fOld), Math.abs(f), 1) <= ftol) reason = 'ftol';
  }
  return { x, f, gradNorm: gnorm, iterations, evaluations, converged: reason === 'gtol' || reason === 'ftol', reason, history };
}
