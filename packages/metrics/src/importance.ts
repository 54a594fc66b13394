import { type DenseMatrix, createRng } from '@discern/linalg';
import { type CancelSignal, DiscernError, betaIncInv, checkLevel, throwIfCancelled } from '@discern/core';
import { logLoss } from './probabilistic.js';
import { rocAuc, rocAucOvr } from './roc.js';
import { asLabels, asWeights, checkLength, checkRowsSumToOne, isDenseMatrix } from './validate.js';

/**
 * Permutation importance (Breiman 2001; scikit-learn's permutation_importance): how much a model's score drops when
 * one feature's column is shuffled, breaking its link with the class while keeping its distribution.
 */

export type ImportanceMetric = 'auc' | 'log_loss' | 'accuracy';

/** What permutationImportance needs of random numbers: an integer uniform on [0, n) (linalg's Rng has it). */
export interface IntSource {
  int(n: number): number;
}

export interface PermutationImportanceOptions {
  metric?: ImportanceMetric;
  /** Permutations per feature (default 10). */
  nRepeats?: number;
  /** Seed of the permutations (default 0), or a source of random integers (tests replay a recorded one). */
  seed?: number;
  rng?: IntSource;
  weights?: ArrayLike<number>;
  /** Binary problems: the signal class (default 1); accuracy calls an event signal when P(signal) ≥ threshold. */
  positive?: number;
  threshold?: number;
  /** Confidence level of the interval on the mean drop (default 0.95). */
  cl?: number;
  /** Checked before each permutation. */
  signal?: CancelSignal;
}

export interface FeatureImportance {
  /** Mean drop of the score over the repeats (score with the feature intact − score with it shuffled; for log loss, shuffled − intact). */
  mean: number;
  /** Sample standard deviation of the drops (n − 1; scikit-learn's importances_std divides by n). */
  sd: number;
  /** mean ± t_{R−1}·sd/√R: Student's interval on the mean over R repeats (NaN for R = 1). */
  lower: number;
  upper: number;
  /** The drop of each repeat. */
  drops: Float64Array;
}

export interface PermutationImportanceResult {
  metric: ImportanceMetric;
  /** The score with every feature intact. */
  baseline: number;
  nRepeats: number;
  cl: number;
  /** One per column of X, in column order. */
  features: FeatureImportance[];
}

/** Student's t quantile: the t with P(|T| ≤ t) = cl for `dof` degrees of freedom (from the inverse incomplete beta). */
export function studentT(cl: number, dof: number): number {
  checkLevel(cl);
  if (!(dof > 0)) throw new DiscernError('INVALID_ARGUMENT', `dof is ${dof}; expected a positive number`, { dof });
  // P(|T| > t) = I_{ν/(ν+t²)}(ν/2, ½)
  const x = betaIncInv(1 - cl, dof / 2, 0.5);
  return Math.sqrt((dof * (1 - x)) / x);
}

/** The model's score on (X, y): higher is better for AUC and accuracy, lower for log loss. */
function scoreOf(metric: ImportanceMetric, y: Int32Array, P: DenseMatrix, w: Float64Array | undefined, positive: number, threshold: number): number {
  const K = P.cols;
  const wOpt = w ? { weights: w } : {};
  if (metric === 'log_loss') return logLoss(y, P, wOpt);
  if (metric === 'auc') {
    if (K === 2) {
      const s = new Float64Array(P.rows);
      for (let i = 0; i < P.rows; i++) s[i] = P.data[i * 2 + positive]!;
      return rocAuc(y, s, { ...wOpt, posLabel: positive });
    }
    return rocAucOvr(y, P, wOpt);
  }
  let hit = 0, total = 0;
  for (let i = 0; i < P.rows; i++) {
    let pred: number;
    if (K === 2) pred = P.data[i * 2 + positive]! >= threshold ? positive : 1 - positive;
    else {
      pred = 0;
      for (let k = 1; k < K; k++) if (P.data[i * K + k]! > P.data[i * K + pred]!) pred = k;
    }
    const wi = w ? w[i]! : 1;
    total += wi;
    if (pred === y[i]) hit += wi;
  }
  if (!(total > 0)) throw new DiscernError('DATA_INVALID', `the weights sum to ${total}; accuracy is undefined`, { total });
  return hit / total;
}

/**
 * Permutation importance of every column of X for a classifier given as `predictProba` (n×K class probabilities).
 * For each feature j and each repeat, the rows of column j are shuffled (Fisher–Yates, drawing from the end:
 * for i = n−1 … 1 swap i with rng.int(i + 1); the permutations of feature 0 first, repeat by repeat, then feature
 * 1, …), the model is scored again, and the drop from the baseline recorded; the other columns keep their values.
 * The seeded stream makes the result reproducible.
 */
export function permutationImportance(
  X: DenseMatrix,
  yTrue: ArrayLike<number>,
  predictProba: (X: DenseMatrix) => DenseMatrix,
  options: PermutationImportanceOptions = {},
): PermutationImportanceResult {
  if (!isDenseMatrix(X)) throw new DiscernError('INVALID_ARGUMENT', 'X must be a dense matrix { rows, cols, data }', {});
  const n = X.rows, p = X.cols;
  checkLength(yTrue, n, 'yTrue', 'X rows');
  if (n < 2) throw new DiscernError('DATA_INVALID', `permutation importance needs at least 2 rows, got ${n}`, { rows: n });
  const metric = options.metric ?? 'auc';
  if (metric !== 'auc' && metric !== 'log_loss' && metric !== 'accuracy') throw new DiscernError('INVALID_ARGUMENT', `metric is ${JSON.stringify(metric)}; expected auc, log_loss or accuracy`, { metric });
  const R = options.nRepeats ?? 10;
  if (!(Number.isInteger(R) && R >= 1)) throw new DiscernError('INVALID_ARGUMENT', `nRepeats is ${R}; expected a positive integer`, { nRepeats: R });
  const cl = options.cl ?? 0.95;
  checkLevel(cl);
  const positive = options.positive ?? 1;
  const threshold = options.threshold ?? 0.5;
  const w = asWeights(options.weights, n);
  const rng: IntSource = options.rng ?? createRng(options.seed ?? 0);
  const predict = (M: DenseMatrix): DenseMatrix => {
    const P = predictProba(M);
    if (P.rows !== n) throw new DiscernError('INVALID_ARGUMENT', `predictProba returned ${P.rows} rows for ${n}`, { rows: P.rows, expected: n });
    checkRowsSumToOne(P, 'predictProba(X)');
    return P;
  };
  const P0 = predict(X);
  const y = asLabels(yTrue, 'yTrue', P0.cols);
  const sign = metric === 'log_loss' ? -1 : 1;
  const baseline = scoreOf(metric, y, P0, w, positive, threshold);
  // One working copy: column j is overwritten by a permutation of the original and restored afterwards.
  const Xp: DenseMatrix = { rows: n, cols: p, data: Float64Array.from(X.data) };
  const perm = new Int32Array(n);
  const t = R > 1 ? studentT(cl, R - 1) : NaN;
  const features: FeatureImportance[] = [];
  for (let j = 0; j < p; j++) {
    const drops = new Float64Array(R);
    for (let r = 0; r < R; r++) {
      throwIfCancelled(options.signal, 'permutation importance');
      for (let i = 0; i < n; i++) perm[i] = i;
      for (let i = n - 1; i > 0; i--) {
        const k = rng.int(i + 1);
        const tmp = perm[i]!;
        perm[i] = perm[k]!;
        perm[k] = tmp;
      }
      for (let i = 0; i < n; i++) Xp.data[i * p + j] = X.data[perm[i]! * p + j]!;
      drops[r] = sign * (baseline - scoreOf(metric, y, predict(Xp), w, positive, threshold));
    }
    for (let i = 0; i < n; i++) Xp.data[i * p + j] = X.data[i * p + j]!;
    let mean = 0;
    for (let r = 0; r < R; r++) mean += drops[r]!;
    mean /= R;
    let ss = 0;
    for (let r = 0; r < R; r++) ss += (drops[r]! - mean) ** 2;
    const sd = R > 1 ? Math.sqrt(ss / (R - 1)) : NaN;
    const half = (t * sd) / Math.sqrt(R);
    features.push({ mean, sd, lower: mean - half, upper: mean + half, drops });
  }
  return { metric, baseline, nRepeats: R, cl, features };
}
