import { DiscernError } from '@discern/core';
import { type LogisticLoss } from './loss.js';

export type LogisticSolver = 'lbfgs' | 'gd';

/**
 * Options of LogisticRegression (camelCase; the YAML layer maps snake_case onto them). The objective is
 *
 *   L(W) = Σ_i s_i ℓ_i / Σ_i s_i + (l2/2)·‖coef‖²,   s_i = event weight × class weight, intercepts not penalised,
 *
 * which has the same minimiser as scikit-learn's C·Σ_i s_i ℓ_i + ½‖coef‖² when C = 1/(l2·Σ_i s_i)
 * (with unit weights and no class weights: C = 1/(l2·n)).
 */
export interface LogisticRegressionOptions {
  /** 'lbfgs' (default): L-BFGS with a strong-Wolfe line search. 'gd': full-batch gradient descent. */
  readonly solver?: LogisticSolver;
  /** 'log' (default): cross-entropy. 'mse': mean squared error between σ(z) and the 0/1 target; 'gd' only. */
  readonly loss?: LogisticLoss;
  /** gd step size. Default 0.1. */
  readonly learningRate?: number;
  /** gd: number of full passes. Default 1000. */
  readonly epochs?: number;
  /**
   * Stop when max_i |∂L/∂θ_i| ≤ tol (the infinity norm of the gradient of L above, i.e. of the weighted *mean*
   * loss; scipy calls it the projected gradient, with no bounds it is the gradient). lbfgs also stops when the
   * relative loss change per iteration is ≤ 64·eps. Default 1e-6.
   */
  readonly tol?: number;
  /** lbfgs: maximum iterations. Default 1000. */
  readonly maxIter?: number;
  /** L2 strength (see above). Default 0: unpenalised. */
  readonly l2?: number;
  /** Fit an intercept per score (unpenalised). Default true. */
  readonly fitIntercept?: boolean;
  /** Per-class weights multiplying the event weights: 'balanced' = n/(K·n_c) (unweighted counts, as sklearn), or one number per class. */
  readonly classWeight?: 'balanced' | readonly number[];
  /**
   * Starting parameters (both solvers; default zeros, so fits are deterministic): for each score row (one row for
   * two classes, K rows otherwise) the p coefficients, then the intercept if fitIntercept.
   */
  readonly initialWeights?: readonly number[];
  /**
   * Threads for the loss passes of large fits, the calling thread included (default: DISCERN_THREADS, or the cores
   * Node reports, at most 8). Rows are summed in fixed chunks added in order, so every number of threads gives the
   * same bits. Not stored by toJSON.
   */
  readonly threads?: number;
}

/** Options after defaults; what toJSON stores. */
export interface ResolvedLogisticOptions {
  readonly solver: LogisticSolver;
  readonly loss: LogisticLoss;
  readonly learningRate: number;
  readonly epochs: number;
  readonly tol: number;
  readonly maxIter: number;
  readonly l2: number;
  readonly fitIntercept: boolean;
  readonly classWeight?: 'balanced' | readonly number[];
  readonly initialWeights?: readonly number[];
}

const NAME = 'LogisticRegression';
const KEYS = ['solver', 'loss', 'learningRate', 'epochs', 'tol', 'maxIter', 'l2', 'fitIntercept', 'classWeight', 'initialWeights', 'threads'];

function bad(option: string, value: unknown, accepted: string): DiscernError {
  const shown = typeof value === 'string' ? `'${value}'` : Array.isArray(value) ? `[${value.join(', ')}]` : String(value);
  return new DiscernError('INVALID_ARGUMENT', (n) => `${NAME}: ${n.option(option)} is ${shown}; expected ${accepted}`, { estimator: NAME, option, value });
}

function finiteAtLeast(v: unknown, option: string, min: number, strict: boolean): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || (strict ? v <= min : v < min)) throw bad(option, v, `a finite number ${strict ? '>' : '≥'} ${min}`);
  return v;
}

function intAtLeast(v: unknown, option: string, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw bad(option, v, `an integer ≥ ${min}`);
  return v;
}

/** The threads option checked; undefined means defaultThreads(), read when fitting. */
export function resolveThreads(o: LogisticRegressionOptions = {}): number | undefined {
  return o.threads === undefined ? undefined : intAtLeast(o.threads, 'threads', 1);
}

/** Applies defaults and checks every option; throws INVALID_ARGUMENT naming the option, its value and what is accepted. */
export function resolveOptions(o: LogisticRegressionOptions = {}): ResolvedLogisticOptions {
  if (typeof o !== 'object' || o === null) throw new DiscernError('INVALID_ARGUMENT', `${NAME}: options must be an object, got ${String(o)}`, { estimator: NAME });
  for (const key of Object.keys(o))
    if (!KEYS.includes(key)) throw new DiscernError('INVALID_ARGUMENT', (n) => `${NAME}: unknown option '${key}'; accepted: ${KEYS.map((k) => n.option(k)).join(', ')}`, { estimator: NAME, option: key });
  const solver = o.solver ?? 'lbfgs';
  if (solver !== 'lbfgs' && solver !== 'gd') throw bad('solver', solver, "'lbfgs' or 'gd'");
  const loss = o.loss ?? 'log';
  if (loss !== 'log' && loss !== 'mse') throw bad('loss', loss, "'log' or 'mse'");
  if (loss === 'mse' && solver !== 'gd')
    throw new DiscernError(
      'INVALID_ARGUMENT',
      (n) =>
        `${NAME}: ${n.option('loss')} 'mse' is only available with ${n.option('solver')} 'gd' (got '${solver}'): the squared error of σ(z) is not convex, so the L-BFGS fit is offered for the log loss only; use ${n.option('loss')} 'log' with lbfgs, or ${n.option('solver')} 'gd' with ${n.option('loss')} 'mse'`,
      { estimator: NAME, option: 'loss', value: loss, solver },
    );
  const fitIntercept = o.fitIntercept ?? true;
  if (typeof fitIntercept !== 'boolean') throw bad('fitIntercept', fitIntercept, 'true or false');
  const out: ResolvedLogisticOptions = {
    solver,
    loss,
    learningRate: finiteAtLeast(o.learningRate ?? 0.1, 'learningRate', 0, true),
    epochs: intAtLeast(o.epochs ?? 1000, 'epochs', 1),
    tol: finiteAtLeast(o.tol ?? 1e-6, 'tol', 0, false),
    maxIter: intAtLeast(o.maxIter ?? 1000, 'maxIter', 1),
    l2: finiteAtLeast(o.l2 ?? 0, 'l2', 0, false),
    fitIntercept,
  };
  let classWeight: ResolvedLogisticOptions['classWeight'];
  if (o.classWeight !== undefined) {
    const cw = o.classWeight;
    if (cw === 'balanced') classWeight = cw;
    else if (Array.isArray(cw) && cw.length > 0 && cw.every((v) => typeof v === 'number' && Number.isFinite(v) && v >= 0)) classWeight = [...(cw as number[])];
    else throw bad('classWeight', cw, "'balanced' or an array of finite, non-negative numbers, one per class");
  }
  let initialWeights: readonly number[] | undefined;
  if (o.initialWeights !== undefined) {
    const iw = o.initialWeights as unknown;
    const ok = (Array.isArray(iw) || iw instanceof Float64Array) && Array.from(iw as ArrayLike<unknown>).every((v) => typeof v === 'number' && Number.isFinite(v));
    if (!ok) throw bad('initialWeights', iw, 'an array of finite numbers');
    initialWeights = Array.from(iw as ArrayLike<number>);
  }
  return { ...out, ...(classWeight !== undefined ? { classWeight } : {}), ...(initialWeights !== undefined ? { initialWeights } : {}) };
}
