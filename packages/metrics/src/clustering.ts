import { DiscernError } from '@discern/core';
import { toLabels } from './validate.js';

/** Counts of (class, cluster) pairs: rows are the classes 0..C-1, columns the clusters 0..K-1. */
export function contingencyTable(classes: ArrayLike<number>, clusters: ArrayLike<number>): number[][] {
  if (classes.length !== clusters.length)
    throw new DiscernError('INVALID_ARGUMENT', `contingencyTable: ${classes.length} classes but ${clusters.length} cluster assignments`, {});
  const a = toLabels(classes, 'classes');
  const b = toLabels(clusters, 'clusters');
  let C = 0, K = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i]! + 1 > C) C = a[i]! + 1;
    if (b[i]! + 1 > K) K = b[i]! + 1;
  }
  const t = Array.from({ length: C }, () => new Array<number>(K).fill(0));
  for (let i = 0; i < a.length; i++) t[a[i]!]![b[i]!]!++;
  return t;
}

/**
 * The assignment of rows to columns that maximises the total of `score` (rectangular allowed: each row and each
 * column used at most once). Hungarian algorithm (Kuhn–Munkres, O(n³)) on costs max − score, padded to a square.
 * Returns, for each row, its column or -1.
 */
export function maxAssignment(score: readonly (readonly number[])[]): Int32Array {
  const R = score.length;
  const Cn = R === 0 ? 0 : score[0]!.length;
  const n = Math.max(R, Cn);
  let max = 0;
  for (const r of score) for (const v of r) if (v > max) max = v;
  // cost[i][j] (1-based in the classic potentials formulation)
  const cost = (i: number, j: number): number => (i < R && j < Cn ? max - score[i]![j]! : max);
  const u = new Float64Array(n + 1), v = new Float64Array(n + 1);
  const p = new Int32Array(n + 1), way = new Int32Array(n + 1);
  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    const minv = new Float64Array(n + 1).fill(Infinity);
    const used = new Uint8Array(n + 1);
    do {
      used[j0] = 1;
      const i0 = p[j0]!;
      let delta = Infinity, j1 = 0;
      for (let j = 1; j <= n; j++) {
        if (used[j]) continue;
        const cur = cost(i0 - 1, j - 1) - u[i0]! - v[j]!;
        if (cur < minv[j]!) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j]! < delta) {
          delta = minv[j]!;
          j1 = j;
        }
      }
      for (let j = 0; j <= n; j++) {
        if (used[j]) {
          u[p[j]!]! += delta;
          v[j]! -= delta;
        } else minv[j]! -= delta;
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0]!;
      p[j0] = p[j1]!;
      j0 = j1;
    } while (j0 !== 0);
  }
  const out = new Int32Array(R).fill(-1);
  for (let j = 1; j <= n; j++) if (p[j]! - 1 < R && j - 1 < Cn) out[p[j]! - 1] = j - 1;
  return out;
}

export interface ClusterMatching {
  /** For each cluster, the class it is matched to (-1 when there are more clusters than classes). */
  readonly clusterToClass: Int32Array;
  /** Fraction of rows whose cluster is matched to their class: the accuracy of the best one-to-one matching. */
  readonly accuracy: number;
  readonly contingency: number[][];
}

/** Best one-to-one matching of clusters to classes (Hungarian on the contingency table) and its accuracy. */
export function matchClusters(classes: ArrayLike<number>, clusters: ArrayLike<number>): ClusterMatching {
  const t = contingencyTable(classes, clusters);
  const K = t[0]?.length ?? 0;
  const byCluster = Array.from({ length: K }, (_, k) => t.map((row) => row[k]!));
  const clusterToClass = maxAssignment(byCluster);
  let hit = 0;
  for (let k = 0; k < K; k++) if (clusterToClass[k]! >= 0) hit += t[clusterToClass[k]!]![k]!;
  const n = classes.length;
  return { clusterToClass, accuracy: n > 0 ? hit / n : 0, contingency: t };
}

const choose2 = (x: number): number => (x * (x - 1)) / 2;

/** Adjusted Rand index (Hubert & Arabie 1985): 1 for identical partitions, ≈ 0 for independent ones. */
export function adjustedRandIndex(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const t = contingencyTable(a, b);
  const n = a.length;
  let sumCells = 0, sumRows = 0, sumCols = 0;
  const cols = new Float64Array(t[0]?.length ?? 0);
  for (const row of t) {
    let r = 0;
    row.forEach((c, j) => {
      sumCells += choose2(c);
      r += c;
      cols[j]! += c;
    });
    sumRows += choose2(r);
  }
  for (const c of cols) sumCols += choose2(c);
  const expected = (sumRows * sumCols) / choose2(n);
  const maxIndex = (sumRows + sumCols) / 2;
  // Both partitions trivial (one cluster each, or all singletons): sklearn defines ARI = 1.
  if (maxIndex === expected) return 1;
  return (sumCells - expected) / (maxIndex - expected);
}
