import { type CancelSignal } from '@discern/core';
import { type DenseMatrix } from '@discern/linalg';

/** Progress of a long fit (epochs, EM iterations, restarts), for progress bars; never affects the result. */
export interface Progress {
  /** What is being counted: 'epoch', 'iteration', 'init' (restart)... */
  readonly phase: string;
  readonly step: number;
  readonly total: number;
  /** The current loss or log-likelihood, when there is one. */
  readonly value?: number;
}

export interface FitOptions {
  /** Per-event weights (physics samples are weighted; see each estimator for negative weights). */
  readonly weights?: Float64Array;
  readonly onProgress?: (p: Progress) => void;
  /**
   * Cancels the fit: every long loop (iterations, epochs, mini-batches, restarts) checks it and throws INTERRUPTED
   * naming what it stopped ("SIGINT: stopped gmm at EM iteration 12 of restart 2"); a signal already set stops the
   * fit before any work. The estimator keeps what it had before (unfitted, or its previous fit). A fit never yields,
   * so set it from another thread (`CancelFlag` of @discern/core, in shared memory) or from `onProgress`.
   * See "Cancellation" below for how a loop checks it.
   */
  readonly signal?: CancelSignal;
  /**
   * Worker threads for this fit, the calling thread included: overrides the estimator's own `threads` option and
   * defaultThreads() (DISCERN_THREADS, or the cores). A positive integer; estimators without threaded passes ignore
   * it. Results never depend on it (fixed chunks summed in order).
   */
  readonly threads?: number;
  /**
   * A validation set for estimators that stop early on a held-out loss (the boosted trees, kind 'bdt'): used instead
   * of a fraction of the training rows. Same features as X, labels in the same classes; weights optional. Estimators
   * without early stopping ignore it.
   */
  readonly validation?: ValidationSet;
}

/** Rows held out for early stopping (FitOptions.validation). */
export interface ValidationSet {
  readonly X: DenseMatrix;
  readonly y: Int32Array;
  readonly weights?: Float64Array;
}

/*
 * Cancellation, designed once (src/cancel.ts). The shared loops check `FitOptions.signal` for every estimator that
 * uses them: `bestRestart` before each restart and `emIterations` before each EM iteration (mixture/common.ts), the
 * L-BFGS driver `minimize` before each objective evaluation (optim/lbfgs.ts, given `signal`), the MLP's `train`
 * before each mini-batch, k-means' `lloyd` and `kmeansPlusPlus` (also inside a mixture's k-means initialisation), and
 * a GenerativeClassifier hands the signal to each class density. A new estimator that fits through them is
 * cancellable for free. Its own long loop does two things:
 *
 *   fit(X, y, options = {}) {
 *     checkNotCancelled(options, this.kind);               // a signal already set: stop before any work
 *     const cancel = fitCancellation(options, this.kind);  // says 'kind at <place>'
 *     for (let round = 1; round <= this.rounds; round++) {
 *       checkpoint(cancel, () => `boosting round ${round} of ${this.rounds}`);  // once per unit of work
 *       ...
 *     }
 *     this.state = ...;                                    // commit only at the end
 *   }
 *
 * A unit of work between two checks should take well under a second on large inputs (one pass over the data at
 * most). Inside a restart, `within(cancel, 'of restart 2')` adds where the loop sits.
 */

/** What every fit reports: enough to tell a converged fit from one that ran out of iterations. */
export interface FitReport {
  readonly iterations: number;
  readonly converged: boolean;
  /** Why it stopped: 'tol', 'max_iter', 'epochs', 'early_stopping'... */
  readonly reason: string;
  /** Loss (or negative mean log-likelihood, or mean log-likelihood for EM: see `historyLabel`) per iteration. */
  readonly history: readonly number[];
  readonly historyLabel: string;
  /** Estimator-specific extras (final gradient norm, regularised components, best restart...). */
  readonly details?: Readonly<Record<string, unknown>>;
}

/**
 * A fitted model as plain JSON data; `kind` (a ModelKind) selects the class that `loadEstimator` rebuilds, with one
 * check of every field (MODEL_INVALID naming the field; see model-json.ts). Each class's `fromJSON` runs the same.
 */
export interface ModelJSON {
  readonly kind: string;
  readonly [key: string]: unknown;
}

/** A supervised classifier: class indices 0..K-1 in, posterior probabilities out. */
export interface Classifier {
  readonly kind: string;
  /** Number of classes seen in fit (0 before fit). */
  readonly nClasses: number;
  readonly nFeatures: number;
  fit(X: DenseMatrix, y: Int32Array, options?: FitOptions): this;
  /** n×K matrix of P(class k | x); rows sum to one. */
  predictProba(X: DenseMatrix): DenseMatrix;
  /** argmax of predictProba. */
  predict(X: DenseMatrix): Int32Array;
  readonly fitReport: FitReport | undefined;
  toJSON(): ModelJSON;
}

/** An unsupervised density or clustering model. */
export interface DensityModel {
  readonly kind: string;
  readonly nFeatures: number;
  fit(X: DenseMatrix, options?: FitOptions): this;
  /** log p(x) per row. */
  scoreSamples(X: DenseMatrix): Float64Array;
  readonly fitReport: FitReport | undefined;
  toJSON(): ModelJSON;
}

/** A clustering model: fitted on unlabelled rows, assigns each row to a cluster (k-means; mixtures too). */
export interface ClusterModel {
  readonly kind: string;
  readonly nFeatures: number;
  fit(X: DenseMatrix, options?: FitOptions): this;
  /** Cluster index per row. */
  predict(X: DenseMatrix): Int32Array;
  readonly fitReport: FitReport | undefined;
  toJSON(): ModelJSON;
}

/** Any fitted discern estimator. */
export type Estimator = Classifier | DensityModel | ClusterModel;

/** argmax per row of an n×K matrix (first index wins ties, as numpy's argmax). */
export function argmaxRows(P: DenseMatrix): Int32Array {
  const out = new Int32Array(P.rows);
  const k = P.cols;
  for (let i = 0; i < P.rows; i++) {
    let best = 0;
    let bv = P.data[i * k]!;
    for (let j = 1; j < k; j++) {
      const v = P.data[i * k + j]!;
      if (v > bv) {
        bv = v;
        best = j;
      }
    }
    out[i] = best;
  }
  return out;
}
