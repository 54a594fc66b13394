import { adjustedRandIndex, matchClusters } from '@discern/metrics';
import { type ClusterModel } from '@discern/models';
import { type Dataset } from '@discern/data';
import { type FittedModel } from '../../context.js';
import { type RunView } from '../../report/view.js';
import { type ClusterFigures } from './result.js';

/** What optional methods a fitted unsupervised model offers (GMMs have all; k-means only predict and inertia). */
interface ClusterCapabilities extends ClusterModel {
  scoreSamples?(X: { rows: number; cols: number; data: Float64Array }): Float64Array;
  predictProba?(X: { rows: number; cols: number; data: Float64Array }): { rows: number; cols: number; data: Float64Array };
  bic?(X: { rows: number; cols: number; data: Float64Array }): number;
  aic?(X: { rows: number; cols: number; data: Float64Array }): number;
  readonly inertia?: number;
  readonly weights?: ArrayLike<number>;
  readonly means?: ArrayLike<ArrayLike<number>> | ArrayLike<number>;
}

function mean(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  return s / a.length;
}

const assignments = new WeakMap<object, WeakMap<Dataset, Int32Array>>();

/** Cluster assignments of a fitted clustering model on a dataset, computed once (evaluate and its plot share them). */
export function clusterAssignments(view: Pick<RunView, 'fittedModel' | 'dataset'>, model: string, dataset: string): Int32Array {
  const est = view.fittedModel(model).estimator as ClusterModel;
  const ds = view.dataset(dataset).whole();
  let byData = assignments.get(est);
  if (!byData) assignments.set(est, (byData = new WeakMap()));
  let labels = byData.get(ds);
  if (!labels) byData.set(ds, (labels = est.predict(ds.X)));
  return labels;
}

/**
 * Figures of a clustering/density model on one dataset: log-likelihood, BIC/AIC, inertia, cluster sizes, how soft the
 * assignments are, and — when the data are labelled — the best one-to-one matching of clusters to classes and the
 * adjusted Rand index; `compare` names other cluster models whose assignments are compared (hard vs soft clustering).
 */
export function evaluateClusters(view: Pick<RunView, 'fittedModel' | 'dataset'>, fitted: FittedModel, dsName: string, compare: readonly string[]): ClusterFigures {
  const ds = view.dataset(dsName).whole();
  const est = fitted.estimator as ClusterCapabilities;
  const labels = clusterAssignments(view, fitted.name, dsName);
  const out: Omit<ClusterFigures, 'cluster_sizes'> & { cluster_sizes?: number[] } = { n: ds.X.rows };
  if (est.scoreSamples) out.mean_log_likelihood = mean(est.scoreSamples(ds.X));
  if (est.bic) out.bic = est.bic(ds.X);
  if (est.aic) out.aic = est.aic(ds.X);
  if (typeof est.inertia === 'number') out.inertia = est.inertia;
  let K = 0;
  for (const l of labels) K = Math.max(K, l + 1);
  const sizes = new Array<number>(K).fill(0);
  for (const l of labels) sizes[l]!++;
  out.cluster_sizes = sizes;
  if (est.predictProba) {
    const R = est.predictProba(ds.X);
    let soft = 0, maxSum = 0;
    for (let i = 0; i < R.rows; i++) {
      let m = 0;
      for (let k = 0; k < R.cols; k++) m = Math.max(m, R.data[i * R.cols + k]!);
      maxSum += m;
      if (m < 0.9) soft++;
    }
    // How hard the soft assignment is: mean of the largest responsibility, and the share of rows no component claims at 90 %.
    out.mean_max_responsibility = maxSum / R.rows;
    out.ambiguous_fraction = soft / R.rows;
  }
  if (ds.classNames.length > 0 && ds.y.every((c) => c >= 0)) {
    const m = matchClusters(ds.y, labels);
    out.matching_accuracy = m.accuracy;
    out.adjusted_rand_index = adjustedRandIndex(ds.y, labels);
    out.cluster_to_class = Array.from(m.clusterToClass, (c) => (c >= 0 ? ds.classNames[c]! : null));
    out.contingency = { classes: ds.classNames, counts: m.contingency };
  }
  if (compare.length > 0) {
    const agreement: NonNullable<ClusterFigures['agreement']> = {};
    for (const other of compare) {
      const b = clusterAssignments(view, other, dsName);
      agreement[other] = { adjusted_rand_index: adjustedRandIndex(labels, b), matching_agreement: matchClusters(b, labels).accuracy };
    }
    out.agreement = agreement;
  }
  return out as ClusterFigures;
}
