import { type DenseMatrix, sigmoid, softmaxInto } from '@discern/linalg';
import { DiscernError } from '@discern/core';
import { type ModelReader } from '../model-json.js';
import { type Tree, leafOf, treeFromJSON } from './tree.js';

/**
 * A fitted tree ensemble, the form both boosted models predict with and export from: raw scores
 *
 *   F(x) = baseline + Σ_t tree_t(x)        (`outputs` numbers per row: 1 for two classes, K otherwise)
 *
 * summed in tree order, then the link: two classes P(class 1) = σ(F), K classes softmax(F). A tree of width 1 adds
 * its leaf value to output `t mod outputs` (gradient boosting grows one tree per class and iteration, in that order);
 * a tree of width `outputs` adds its leaf's vector to every output (AdaBoost's class votes).
 */
export interface TreeEnsemble {
  readonly nFeatures: number;
  readonly nClasses: number;
  /** 1 for two classes, K otherwise. */
  readonly outputs: number;
  readonly baseline: Float64Array;
  readonly trees: readonly Tree[];
  /** Leaf values per tree: 1 (a tree per output) or `outputs` (a vector per leaf). */
  readonly width: number;
}

export function outputsOf(K: number): number {
  return K === 2 ? 1 : K;
}

/** n × outputs raw scores F (row-major). `rows` values of X must not be ±∞ (checked by the callers). */
export function rawScores(e: TreeEnsemble, X: Float64Array, n: number): Float64Array {
  const D = e.outputs, p = e.nFeatures;
  const F = new Float64Array(n * D);
  for (let i = 0; i < n; i++) for (let d = 0; d < D; d++) F[i * D + d] = e.baseline[d]!;
  const trees = e.trees;
  for (let t = 0; t < trees.length; t++) {
    const tree = trees[t]!;
    const value = tree.value;
    if (e.width === 1) {
      const d = t % D;
      for (let i = 0; i < n; i++) F[i * D + d]! += value[leafOf(tree, X, i * p)]!;
    } else {
      for (let i = 0; i < n; i++) {
        const leaf = leafOf(tree, X, i * p) * D;
        for (let d = 0; d < D; d++) F[i * D + d]! += value[leaf + d]!;
      }
    }
  }
  return F;
}

/** Class probabilities from raw scores: [1 − σ(F), σ(F)] for two classes, softmax(F) otherwise. */
export function probaFromRaw(F: Float64Array, n: number, K: number): DenseMatrix {
  const out = new Float64Array(n * K);
  if (K === 2) {
    for (let i = 0; i < n; i++) {
      const p1 = sigmoid(F[i]!);
      out[2 * i] = 1 - p1;
      out[2 * i + 1] = p1;
    }
  } else for (let i = 0; i < n; i++) softmaxInto(F, i * K, K, out, i * K);
  return { rows: n, cols: K, data: out };
}

/** Feature importance of an ensemble: per feature, the share of the total split gain and of the number of splits. */
export interface FeatureImportance {
  /** Σ gain of the feature's splits / Σ gain of all splits (zeros when no tree split). */
  readonly gain: number[];
  /** The feature's number of splits / all splits. */
  readonly splits: number[];
  /** Number of splits per feature (not normalised). */
  readonly splitCount: number[];
}

export function featureImportance(e: TreeEnsemble): FeatureImportance {
  const p = e.nFeatures;
  const gain = new Float64Array(p), count = new Float64Array(p);
  for (const t of e.trees)
    for (let i = 0; i < t.feature.length; i++) {
      const f = t.feature[i]!;
      if (f < 0) continue;
      gain[f]! += t.gain[i]!;
      count[f]!++;
    }
  let G = 0, C = 0;
  for (let j = 0; j < p; j++) {
    G += gain[j]!;
    C += count[j]!;
  }
  return {
    gain: Array.from(gain, (g) => (G > 0 ? g / G : 0)),
    splits: Array.from(count, (c) => (C > 0 ? c / C : 0)),
    splitCount: Array.from(count),
  };
}

/** Rejects ±∞ at predict time (NaN is a missing value and is routed by each split). */
export function checkNoInfinity(X: DenseMatrix, estimator: string): void {
  const d = X.data;
  for (let k = 0; k < d.length; k++) {
    const v = d[k]!;
    if (v === Infinity || v === -Infinity) {
      const row = Math.floor(k / X.cols), col = k % X.cols;
      throw new DiscernError(
        'DATA_INVALID',
        (n) => `${estimator} input has an infinite value ${v} at ${n.row(row)}, ${n.feature(col)}; values must be finite numbers or missing (NaN)`,
        { estimator, row, feature: col, value: v },
      );
    }
  }
}

/** Reads `count` trees at r (an array), each of at most maxNodes nodes with `width` leaf values. */
export function treesFromJSON(r: ModelReader, count: number, p: number, width: number, maxNodes: number): Tree[] {
  return r.items(count).map((t) => treeFromJSON(t, p, width, maxNodes));
}
