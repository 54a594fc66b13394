import { DiscernError } from '@discern/core';
import { categoricalNbModel, gaussianNbModel, generativeModel, ldaModel, multinomialNbModel, qdaModel } from './bayes.js';
import { logisticModel } from './logistic.js';
import { gmmModel, kmeansModel, latentClassModel, multinomialMixtureModel } from './mixture.js';
import { mlpModel } from './mlp.js';
import { type ModelSpec } from './spec.js';

/** Every model family the `fit` step knows, in the order `discern plugins` lists them. */
export const builtinModels: readonly ModelSpec[] = [
  logisticModel,
  mlpModel,
  gaussianNbModel,
  multinomialNbModel,
  categoricalNbModel,
  ldaModel,
  qdaModel,
  generativeModel,
  gmmModel,
  kmeansModel,
  multinomialMixtureModel,
  latentClassModel,
] as unknown as ModelSpec[];

export function findModel(name: string): ModelSpec | undefined {
  return builtinModels.find((m) => m.name === name);
}

/** Rebuilds a fitted estimator from its JSON (the `estimator` of a saved model). */
export function estimatorFromJSON(model: string, json: unknown): ReturnType<ModelSpec['fromJSON']> {
  const spec = findModel(model);
  if (!spec)
    throw new DiscernError('DATA_INVALID', `unknown model family ${JSON.stringify(model)} in a saved model; known: ${builtinModels.map((m) => m.name).join(', ')}`, { model });
  return spec.fromJSON(json as never);
}
