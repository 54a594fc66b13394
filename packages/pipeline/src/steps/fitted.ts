import { savedModelJSON } from '@discern/models';
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
      calibration: m.calibration ?? null,
      training: m.training,
      estimator: m.estimator.toJSON(),
      fit: m.estimator.fitReport ?? null,
    }),
  );
}
