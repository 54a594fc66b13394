import { sigmoid, softmaxRowsInPlace, stableSum, type DenseMatrix } from '@discern/linalg';
import { DiscernError, defaultThreads } from '@discern/core';
import { checkNotCancelled, checkpoint, fitCancellation, fitThreads } from '../cancel.js';
import { argmaxRows, type Classifier, type FitOptions, type FitReport, type ModelJSON } from '../estimator.js';
import { checkMemory, doubles, ints } from '../resources.js';
import { checkFinite, checkPredictX, checkWeights, checkXy, notFitted, weightSumOverflow } from '../validate.js';
import { ModelReader, type ModelSource } from '../model-json.js';
import { minimize, type MinimizeResult } from '../optim/index.js';
import { linearScores, logisticObjective, paramRows } from './loss.js';
import { resolveOptions, resolveThreads, type LogisticRegressionOptions, type ResolvedLogisticOptions } from './options.js';

const NAME = 'LogisticRegression';
const JSON_VERSION = 1;
/**
 * Gradient descent counts as diverged when the loss is no longer finite, or when it exceeds this many times the
 * starting loss (at least 1): a weighted-mean loss 1000× that of the starting point means steps overshoot by
 * orders of magnitude. Needed because the log loss grows only linearly in |z|, so an unstable learning rate
 * can oscillate at huge but finite losses forever without ever producing NaN.
 */
const DIVERGENCE_FACTOR = 1e3;

/**
 * Logistic regression: binary (sigmoid of one linear score) or multinomial (softmax over K scores, sklearn's
 * full K×(p+1) parametrisation, made identifiable by l2 > 0). Fitted by L-BFGS (default) or gradient descent.
 * See LogisticRegressionOptions for the objective and its relation to scikit-learn's C.
 */
export class LogisticRegression implements Classifier {
  readonly kind = 'logistic';
  readonly options: ResolvedLogisticOptions;
  private readonly threadsOption: number | undefined;
  private coef_: Float64Array | undefined; // rows×p row-major
  private intercept_: Float64Array | undefined; // rows
  private nClasses_ = 0;
  private nFeatures_ = 0;
  private report_: FitReport | undefined;

  /** Threads for the loss passes (see LogisticRegressionOptions.threads; the default is read at fit time). */
  get threads(): number {
    return this.threadsOption ?? defaultThreads();
  }

  constructor(options: LogisticRegressionOptions = {}) {
    this.options = resolveOptions(options);
    this.threadsOption = resolveThreads(options);
  }

  get nClasses(): number {
    return this.nClasses_;
  }

  get nFeatures(): number {
    return this.nFeatures_;
  }

  get fitReport(): FitReport | undefined {
    return this.report_;
  }

  /** Coefficients, one row per score (1×p for two classes, K×p otherwise), as sklearn's coef_. A copy. */
  get coef(): DenseMatrix {
    if (!this.coef_) throw notFitted(NAME);
    return { rows: this.coef_.length / this.nFeatures_, cols: this.nFeatures_, data: this.coef_.slice() };
  }

  /** Intercepts, one per score (zeros when fitIntercept is false), as sklearn's intercept_. A copy. */
  get intercept(): Float64Array {
    if (!this.intercept_) throw notFitted(NAME);
    return this.intercept_.slice();
  }

  fit(X: DenseMatrix, y: Int32Array, options: FitOptions = {}): this {
    checkNotCancelled(options, this.kind);
    // X's values are checked as the loss copies them into its kernels' memory (below), or, where it does not, by checkFinite
    const K = checkXy(X, y, NAME, 2, { finiteLater: true });
    const threads = fitThreads(options, this.threadsOption, NAME);
    const n = X.rows, p = X.cols;
    {
      // what the fit allocates: per score row a value per training row (scores, then their gradients), the weights,
      // the optimiser's vectors (L-BFGS keeps 10 correction pairs), and shared copies of the data for worker threads
      const P = paramRows(K) * (p + 1);
      checkMemory(
        NAME,
        [
          ['scores of the training rows', doubles(paramRows(K) * n)],
          ['row weights', doubles(2 * n)],
          [this.options.solver === 'lbfgs' ? 'L-BFGS history' : 'gradient-descent vectors', doubles(this.options.solver === 'lbfgs' ? 25 * P : 2 * P)],
          ['copies for worker threads', threads > 1 ? doubles(n * p + n) + ints(n) : 0],
        ],
        () => `use fewer features or classes (${K} classes × ${p} features), or fewer rows`,
      );
    }
    const ev = options.weights;
    if (ev && ev.length === n)
      for (let i = 0; i < n; i++)
        if (ev[i]! < 0)
          throw new DiscernError(
            'DATA_INVALID',
            (nm) =>
              `${NAME}: the event weight of ${nm.row(i)} is negative (${ev[i]}); logistic regression accepts only non-negative weights, because a negative weight makes the log-loss objective unbounded below (the fit would run off to infinite coefficients)`,
            { estimator: NAME, row: i, value: ev[i] },
          );
    checkWeights(ev, n, NAME);
    const o = this.options;
    const cw = classWeights(o.classWeight, y, K);
    const w = rowWeights(ev, cw, y);
    // compensated: a plain running sum of 19,020 'balanced' weights is off by ~2e-13 relative, which shifts the loss
    const total = stableSum(w);
    if (!Number.isFinite(total)) {
      let largest = 0;
      for (let i = 0; i < n; i++) largest = Math.max(largest, Math.abs(w[i]!));
      throw weightSumOverflow(NAME, 'the event weights times the class weights', total, largest);
    }
    if (!(total > 0))
      throw new DiscernError('DATA_INVALID', (nm) => `${NAME}: the event weights times the class weights (${nm.option('classWeight')}) sum to ${total}; at least one row needs a positive weight`, { estimator: NAME, total, option: 'classWeight' });
    divideInPlace(w, total);

    const rows = paramRows(K);
    const stride = p + (o.fitIntercept ? 1 : 0);
    const theta0 = new Float64Array(rows * stride);
    if (o.initialWeights) {
      if (o.initialWeights.length !== theta0.length)
        throw new DiscernError(
          'INVALID_ARGUMENT',
          (nm) =>
            `${NAME}: ${nm.option('initialWeights')} has ${o.initialWeights!.length} values, expected ${theta0.length} (${rows} score row${rows === 1 ? '' : 's'} × (${p} coefficients${o.fitIntercept ? ' + intercept' : ''}))`,
          { estimator: NAME, option: 'initialWeights', got: o.initialWeights.length, expected: theta0.length },
        );
      theta0.set(o.initialWeights);
    }
    const fg = logisticObjective({ X: X.data, n, p, y, nClasses: K, w, l2: o.l2, fitIntercept: o.fitIntercept, loss: o.loss }, threads);
    checkFinite(X, NAME, fg.inputFinite);

    let theta: Float64Array;
    let report: FitReport;
    const details = (gradNorm: number, extra: Record<string, unknown> = {}) => ({ gradNorm, solver: o.solver, loss: o.loss, l2: o.l2, sumWeights: total, ...extra });
    if (o.solver === 'lbfgs') {
      const r: MinimizeResult = fg.withThreads(() =>
        minimize(fg, theta0, {
          maxIter: o.maxIter,
          gtol: o.tol,
          // The loss is summed with compensation (accurate to ~eps), so the loss-change test can be eps rather than
          // minimize's default 64·eps: it then stops ~10× closer to the optimum (max |gradient| ~1e-9 on MAGIC).
          ftol: Number.EPSILON,
          onIteration: options.onProgress ? (step, f) => options.onProgress!({ phase: 'iteration', step, total: o.maxIter, value: f }) : undefined,
          ...(options.signal ? { signal: options.signal, what: this.kind } : {}),
        }),
      );
      theta = r.x;
      if (!Number.isFinite(r.f) || !theta.every(Number.isFinite))
        throw new DiscernError('FIT_DIVERGED', (nm) => `${NAME}: L-BFGS ended at a non-finite loss (${r.f}) after ${r.iterations} iterations; check the features for extreme values or add ${nm.option('l2')}`, { estimator: NAME, iterations: r.iterations, option: 'l2' });
      report = {
        iterations: r.iterations,
        converged: r.converged,
        reason: r.reason === 'gtol' || r.reason === 'ftol' ? 'tol' : r.reason,
        history: r.history,
        historyLabel: `${o.loss === 'log' ? 'log loss' : 'mean squared error'}${o.l2 > 0 ? ' + L2 penalty' : ''} (weighted mean per event) after each iteration`,
        details: details(r.gradNorm, { stop: r.reason, evaluations: r.evaluations }),
      };
    } else {
      const r = fg.withThreads(() => gradientDescent(fg, theta0, o.learningRate, o.epochs, o.tol, options));
      theta = r.theta;
      report = {
        iterations: r.epochs,
        converged: r.converged,
        reason: r.converged ? 'tol' : 'epochs',
        history: r.history,
        historyLabel: `${o.loss === 'log' ? 'log loss' : 'mean squared error'}${o.l2 > 0 ? ' + L2 penalty' : ''} (weighted mean per event) after each epoch`,
        details: details(r.gradNorm),
      };
    }
    const coef = new Float64Array(rows * p);
    const intercept = new Float64Array(rows);
    for (let k = 0; k < rows; k++) {
      coef.set(theta.subarray(k * stride, k * stride + p), k * p);
      if (o.fitIntercept) intercept[k] = theta[k * stride + p]!;
    }
    this.coef_ = coef;
    this.intercept_ = intercept;
    this.nClasses_ = K;
    this.nFeatures_ = p;
    this.report_ = report;
    return this;
  }

  /** Linear scores: binary → the logit of class 1 per row (Float64Array); multinomial → n×K matrix. */
  decisionFunction(X: DenseMatrix): Float64Array | DenseMatrix {
    const z = this.scores(X);
    return this.nClasses_ === 2 ? z : { rows: X.rows, cols: this.nClasses_, data: z };
  }

  /** n×K class probabilities; binary columns are [1 − σ(z), σ(z)]. */
  predictProba(X: DenseMatrix): DenseMatrix {
    const z = this.scores(X);
    const K = this.nClasses_;
    const n = X.rows;
    if (K === 2) {
      const out = new Float64Array(2 * n);
      for (let i = 0; i < n; i++) {
        const p1 = sigmoid(z[i]!);
        out[2 * i] = 1 - p1;
        out[2 * i + 1] = p1;
      }
      return { rows: n, cols: 2, data: out };
    }
    softmaxRowsInPlace(z, n, K);
    return { rows: n, cols: K, data: z };
  }

  predict(X: DenseMatrix): Int32Array {
    if (this.nClasses_ === 2) {
      // σ(z) > ½ ⇔ z > 0; ties (z = 0) go to class 0, as argmax of [½, ½] and as sklearn
      const z = this.scores(X);
      const out = new Int32Array(X.rows);
      for (let i = 0; i < X.rows; i++) out[i] = z[i]! > 0 ? 1 : 0;
      return out;
    }
    return argmaxRows(this.predictProba(X));
  }

  toJSON(): LogisticRegressionJSON {
    if (!this.coef_ || !this.intercept_) throw notFitted(NAME);
    const rows = this.intercept_.length;
    const coef: number[][] = [];
    for (let k = 0; k < rows; k++) coef.push(Array.from(this.coef_.subarray(k * this.nFeatures_, (k + 1) * this.nFeatures_)));
    return {
      kind: 'logistic',
      version: JSON_VERSION,
      nClasses: this.nClasses_,
      nFeatures: this.nFeatures_,
      options: { ...this.options },
      coef,
      intercept: Array.from(this.intercept_),
    };
  }

  /**
   * Rebuilds a fitted model from toJSON's output (numbers survive JSON text exactly, so predictions are
   * bit-identical), checked as loadEstimator does: MODEL_INVALID naming the field for a wrong version or shape, a
   * non-finite number or an option the constructor refuses.
   */
  static fromJSON(json: unknown, source?: ModelSource): LogisticRegression {
    const r = ModelReader.of(json, source).kind('logistic').version();
    const K = r.get('nClasses').int(2);
    const p = r.get('nFeatures').int(1);
    const rows = paramRows(K);
    const coef = r.get('coef').numbers([rows, p]);
    const intercept = r.get('intercept').numbers([rows]);
    const options = r.get('options');
    const m = options.construct(() => new LogisticRegression(options.object() as LogisticRegressionOptions));
    m.coef_ = coef;
    m.intercept_ = intercept;
    m.nClasses_ = K;
    m.nFeatures_ = p;
    return m;
  }

  private scores(X: DenseMatrix): Float64Array {
    if (!this.coef_ || !this.intercept_) throw notFitted(NAME);
    checkPredictX(X, this.nFeatures_, NAME);
    return linearScores(X.data, X.rows, X.cols, this.coef_, this.intercept_);
  }
}

export interface LogisticRegressionJSON extends ModelJSON {
  readonly kind: 'logistic';
  readonly version: number;
  readonly nClasses: number;
  readonly nFeatures: number;
  readonly options: ResolvedLogisticOptions;
  /** One row per score: 1×p for two classes, K×p otherwise. */
  readonly coef: number[][];
  readonly intercept: number[];
}

/*
 * rowWeights and divideInPlace are loops of their own rather than loops in fit: V8 compiled fit's loops on entering
 * them and threw that code away on the next line for want of type feedback, fit after fit, so that they ran at
 * ~25 ns a row (~1 ms of a 10 ms fit on MAGIC); in small functions they are compiled whole, ~1 ns a row.
 */

/** w_i = (event weight, or 1) × the class weight of y_i. */
function rowWeights(ev: Float64Array | undefined, cw: Float64Array, y: Int32Array): Float64Array {
  const w = new Float64Array(y.length);
  if (ev) for (let i = 0; i < y.length; i++) w[i] = ev[i]! * cw[y[i]!]!;
  else for (let i = 0; i < y.length; i++) w[i] = cw[y[i]!]!;
  return w;
}

function divideInPlace(a: Float64Array, d: number): void {
  for (let i = 0; i < a.length; i++) a[i]! /= d;
}

/** Per-class multipliers: 'balanced' = n/(K·n_c) with unweighted counts (as sklearn), or the user's list. */
function classWeights(cw: ResolvedLogisticOptions['classWeight'], y: Int32Array, K: number): Float64Array {
  const out = new Float64Array(K).fill(1);
  if (cw === undefined) return out;
  if (cw === 'balanced') {
    const counts = new Float64Array(K);
    for (let i = 0; i < y.length; i++) counts[y[i]!]!++;
    // a class with no rows gets weight 0; it multiplies nothing
    for (let k = 0; k < K; k++) out[k] = counts[k]! > 0 ? y.length / (K * counts[k]!) : 0;
    return out;
  }
  if (cw.length !== K)
    throw new DiscernError('INVALID_ARGUMENT', (n) => `${NAME}: ${n.option('classWeight')} has ${cw.length} values but the labels have ${K} classes; give one weight per class (or 'balanced')`, { estimator: NAME, option: 'classWeight', got: cw.length, expected: K });
  out.set(cw);
  return out;
}

interface GdResult {
  theta: Float64Array;
  epochs: number;
  converged: boolean;
  gradNorm: number;
  history: number[];
}

function maxAbs(g: Float64Array): number {
  let m = 0;
  for (let i = 0; i < g.length; i++) {
    const a = Math.abs(g[i]!);
    if (a > m || a !== a) m = a;
  }
  return m;
}

/**
 * Full-batch gradient descent θ ← θ − η∇L(θ). history[e−1] is the loss after epoch e's update (one fused
 * loss+gradient pass per epoch, plus one at the start). Stops when max|∇L| ≤ tol; throws FIT_DIVERGED as soon as
 * the loss stops being finite or blows up (see DIVERGENCE_FACTOR), so NaN coefficients are never returned.
 */
function gradientDescent(
  fg: (theta: Float64Array, grad: Float64Array) => number,
  theta: Float64Array,
  lr: number,
  epochs: number,
  tol: number,
  options: FitOptions,
): GdResult {
  const g = new Float64Array(theta.length);
  const f0 = fg(theta, g);
  if (!Number.isFinite(f0))
    throw new DiscernError('FIT_DIVERGED', (n) => `${NAME}: the loss at the initial weights is ${f0}; use smaller ${n.option('initialWeights')} (default zeros)`, { estimator: NAME, epoch: 0, option: 'initialWeights' });
  const limit = DIVERGENCE_FACTOR * Math.max(f0, 1);
  const history: number[] = [];
  let last = f0;
  let gnorm = maxAbs(g);
  const cancel = fitCancellation(options, 'logistic');
  for (let e = 1; e <= epochs; e++) {
    if (gnorm <= tol) return { theta, epochs: e - 1, converged: true, gradNorm: gnorm, history };
    checkpoint(cancel, () => `gradient-descent epoch ${e} of ${epochs}`);
    for (let i = 0; i < theta.length; i++) theta[i]! -= lr * g[i]!;
    const f = fg(theta, g);
    gnorm = maxAbs(g);
    if (!Number.isFinite(f) || !Number.isFinite(gnorm) || f > limit) {
      const what = Number.isFinite(f) ? `grew to ${f} (from ${f0} at the start)` : `became ${f}`;
      throw new DiscernError(
        'FIT_DIVERGED',
        (n) => `${NAME}: gradient descent diverged at epoch ${e} of ${epochs}: the loss ${what}; last finite loss ${last} (epoch ${e - 1}); lower ${n.option('learningRate')} (now ${lr}) or standardise the features`,
        { estimator: NAME, epoch: e, loss: f, lastFiniteLoss: last, learningRate: lr, option: 'learningRate' },
      );
    }
    history.push(f);
    last = f;
    options.onProgress?.({ phase: 'epoch', step: e, total: epochs, value: f });
  }
  return { theta, epochs, converged: gnorm <= tol, gradNorm: gnorm, history };
}
