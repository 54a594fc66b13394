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
   * Cancels the fit: every long loop (iterations, epochs, mini-batches, restarts) checks it and throws INTERRUPTED.
   * A fit never yields, so set it from another thread (`CancelFlag` of @discern/core) or from `onProgress`.
   */
  readonly signal?: CancelSignal;
  /** Worker threads for this fit (overrides the estimator's `threads` option and the default); results never depend on it. */
  readonly threads?: number;
}

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

/** A fitted model as plain JSON data; `kind` selects the class that `fromJSON` rebuilds. */
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
