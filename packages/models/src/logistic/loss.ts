import { gemvInto, gemvTInto } from '@discern/linalg';
import { type ObjectiveFn } from '../optim/index.js';

export type LogisticLoss = 'log' | 'mse';

/**
 * The data of one fit. Parameters θ are `rows` blocks of `stride` = p (+1 with intercept) numbers: for each
 * score row k, the p coefficients then the intercept. rows = 1 for two classes (score = logit of class 1),
 * K for the multinomial model (sklearn's full K×(p+1) parametrisation).
 */
export interface LogisticProblem {
  /** n×p row-major features. */
  readonly X: Float64Array;
  readonly n: number;
  readonly p: number;
  readonly y: Int32Array;
  readonly nClasses: number;
  /** Per-row weights (event × class weight) normalised to sum to one, so the data term is a weighted mean. */
  readonly w: Float64Array;
  /** L2 strength: (l2/2)·‖coef‖², intercepts not penalised. */
  readonly l2: number;
  readonly fitIntercept: boolean;
  readonly loss: LogisticLoss;
}

export function paramRows(nClasses: number): number {
  return nClasses === 2 ? 1 : nClasses;
}

/**
 * Adds the L2 term's gradient l2·coef into `grad` and returns (l2/2)·‖coef‖² (intercepts not penalised).
 * A module-level function, not a closure per objective: V8 inlines a called closure by identity, so a fresh one per
 * fit made the optimised loss pass deoptimise ("wrong call target") and recompile on every fit.
 */
function l2Penalty(theta: Float64Array, grad: Float64Array, l2: number, rows: number, stride: number, p: number): number {
  if (l2 === 0) return 0;
  let s = 0;
  for (let k = 0; k < rows; k++) {
    const off = k * stride;
    for (let j = 0; j < p; j++) {
      const t = theta[off + j]!;
      s += t * t;
      grad[off + j]! += l2 * t;
    }
  }
  return 0.5 * l2 * s;
}

/**
 * Loss and gradient:
 *   f(θ) = Σ_i w_i ℓ_i(z_i) + (l2/2) Σ coef²,   z_i = coef·x_i + intercept.
 * 'log': binary ℓ = softplus(z) − y·z (stable for any z), multinomial ℓ = logsumexp(z) − z_y.
 * 'mse': binary ℓ = (σ(z) − y)², multinomial ℓ = Σ_k (softmax(z)_k − [k = y])² (the perceptron exercise).
 * Three passes per score row: z = X·coef + intercept (gemvInto), then ℓ_i and ∂ℓ_i/∂z_i element by element (written
 * over z), then the coefficients' gradient Xᵀ·∂ℓ/∂z (gemvTInto). The loss is summed with Neumaier compensation, so
 * it is accurate to ~eps and L-BFGS's loss-change test is not fooled by rounding.
 * Returns a closure with its own scratch buffers (n × score rows numbers): not re-entrant, allocation-free per call.
 */
export function logisticObjective(P: LogisticProblem): ObjectiveFn {
  const { X, n, p, y, w, l2, fitIntercept } = P;
  const rows = paramRows(P.nClasses);
  const stride = p + (fitIntercept ? 1 : 0);
  const mse = P.loss === 'mse';
  // z, then ∂ℓ/∂z in place: score row k's n values at k·n (class-major, so each kernel reads one contiguous vector)
  const Z = new Float64Array(rows * n);
  const Zk = Array.from({ length: rows }, (_, k) => Z.subarray(k * n, (k + 1) * n));

  const linear = (theta: Float64Array): void => {
    for (let k = 0; k < rows; k++) gemvInto(X, n, p, theta, k * stride, fitIntercept ? theta[k * stride + p]! : 0, Zk[k]!);
  };
  const backward = (theta: Float64Array, grad: Float64Array): number => {
    for (let k = 0; k < rows; k++) {
      const d = Zk[k]!;
      gemvTInto(X, n, p, d, grad, k * stride);
      if (fitIntercept) {
        let gb = 0;
        for (let i = 0; i < n; i++) gb += d[i]!;
        grad[k * stride + p] = gb;
      }
    }
    return l2Penalty(theta, grad, l2, rows, stride, p);
  };

  if (rows === 1) {
    return (theta, grad) => {
      linear(theta);
      let f = 0;
      let fc = 0;
      for (let i = 0; i < n; i++) {
        const wi = w[i]!;
        if (wi === 0) {
          Z[i] = 0;
          continue;
        }
        const zi = Z[i]!;
        // one exp serves both σ(z) and softplus(z): with t = e^{−|z|}, softplus(z) = max(z,0) + log1p(t)
        const t = Math.exp(-Math.abs(zi));
        const r1 = 1 / (1 + t);
        const sig = zi >= 0 ? r1 : t * r1;
        const yi = y[i]! === 1 ? 1 : 0;
        let li: number;
        if (mse) {
          const r = sig - yi;
          li = wi * r * r;
          Z[i] = wi * 2 * r * sig * (1 - sig);
        } else {
          li = wi * ((zi > 0 ? zi : 0) + Math.log1p(t) - yi * zi);
          Z[i] = wi * (sig - yi);
        }
        const ft = f + li;
        fc += Math.abs(f) >= Math.abs(li) ? f - ft + li : li - ft + f;
        f = ft;
      }
      return f + fc + backward(theta, grad);
    };
  }

  const e = new Float64Array(rows);
  return (theta, grad) => {
    linear(theta);
    let f = 0;
    let fc = 0;
    for (let i = 0; i < n; i++) {
      const wi = w[i]!;
      if (wi === 0) {
        for (let k = 0; k < rows; k++) Z[k * n + i] = 0;
        continue;
      }
      let zmax = -Infinity;
      for (let k = 0; k < rows; k++) if (Z[k * n + i]! > zmax) zmax = Z[k * n + i]!;
      let sum = 0;
      for (let k = 0; k < rows; k++) {
        const v = Math.exp(Z[k * n + i]! - zmax);
        e[k] = v;
        sum += v;
      }
      const yi = y[i]!;
      // e[k] becomes softmax p_k; then Z[k, i] becomes ∂ℓ_i/∂z_k (times w_i)
      for (let k = 0; k < rows; k++) e[k]! /= sum;
      let li = 0;
      if (mse) {
        let c = 0;
        for (let k = 0; k < rows; k++) {
          const r = e[k]! - (k === yi ? 1 : 0);
          li += r * r;
          c += r * e[k]!;
        }
        li *= wi;
        for (let k = 0; k < rows; k++) Z[k * n + i] = wi * 2 * e[k]! * (e[k]! - (k === yi ? 1 : 0) - c);
      } else {
        li = wi * (zmax + Math.log(sum) - Z[yi * n + i]!);
        for (let k = 0; k < rows; k++) Z[k * n + i] = wi * (e[k]! - (k === yi ? 1 : 0));
      }
      const ft = f + li;
      fc += Math.abs(f) >= Math.abs(li) ? f - ft + li : li - ft + f;
      f = ft;
    }
    return f + fc + backward(theta, grad);
  };
}

/** Scores z = X·coefᵀ + intercept: n×rows row-major. coef is rows×p row-major. */
export function linearScores(X: Float64Array, n: number, p: number, coef: Float64Array, intercept: Float64Array): Float64Array {
  const rows = intercept.length;
  const out = new Float64Array(n * rows);
  for (let i = 0; i < n; i++) {
    const xo = i * p;
    for (let k = 0; k < rows; k++) {
      const co = k * p;
      let s = intercept[k]!;
      for (let j = 0; j < p; j++) s += coef[co + j]! * X[xo + j]!;
      out[i * rows + k] = s;
    }
  }
  return out;
}
