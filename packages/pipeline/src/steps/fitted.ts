import { type DenseMatrix } from '@discern/linalg';
import { type Standardizer } from '@discern/data';
import { type TrainingSummary, savedModelJSON } from '@discern/models';
import { type FittedModel, type RunContext } from '../context.js';

/** Writes a fitted model to models/<name>.json in the saved-model format of @discern/models (again after a `decide`). */
export function saveModel(ctx: RunContext, m: FittedModel): void {
  ctx.artifacts.writeJson(
    `models/${m.name}.json`,
    savedModelJSON({
      name: m.name,
      model: m.model,
      features: [...m.featureNames],
      classes: [...m.classNames],
      positive: m.positive ?? null,
      standardizer: m.standardizer ? m.standardizer.toJSON() : null,
      decision: m.decision ?? null,
      training: m.training,
      estimator: m.estimator.toJSON(),
      fit: m.estimator.fitReport ?? null,
    }),
  );
}

/**
 * Per-feature minimum, maximum, mean and standard deviation of the training rows in raw units (a standardisation
 * undone): what an ONNX export's parity check draws rows from when no data file is given. Missing values are skipped.
 */
export function trainingSummary(X: DenseMatrix, standardizer: Standardizer | undefined): TrainingSummary {
  const p = X.cols;
  const min = new Array<number>(p).fill(Infinity), max = new Array<number>(p).fill(-Infinity);
  const sum = new Float64Array(p), sum2 = new Float64Array(p), n = new Float64Array(p);
  for (let i = 0; i < X.rows; i++) {
    for (let j = 0; j < p; j++) {
      const v = X.data[i * p + j]!;
      if (Number.isNaN(v)) continue;
      if (v < min[j]!) min[j] = v;
      if (v > max[j]!) max[j] = v;
      sum[j]! += v;
      n[j]!++;
    }
  }
  const mean = Array.from(sum, (s, j) => (n[j]! > 0 ? s / n[j]! : 0));
  for (let i = 0; i < X.rows; i++) {
    for (let j = 0; j < p; j++) {
      const v = X.data[i * p + j]!;
      if (!Number.isNaN(v)) sum2[j]! += (v - mean[j]!) ** 2;
    }
  }
  const std = Array.from(sum2, (s, j) => (n[j]! > 1 ? Math.sqrt(s / (n[j]! - 1)) : 0));
  const raw = (v: number, j: number) => (standardizer ? v * standardizer.scale[j]! + standardizer.mean[j]! : v);
  return {
    rows: X.rows,
    min: min.map((v, j) => (Number.isFinite(v) ? raw(v, j) : 0)),
    max: max.map((v, j) => (Number.isFinite(v) ? raw(v, j) : 0)),
    mean: mean.map((v, j) => raw(v, j)),
    std: std.map((v, j) => (standardizer ? v * standardizer.scale[j]! : v)),
  };
}
