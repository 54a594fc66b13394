import { type ModelKind } from '@discern/models';
import { categoricalNbModel, gaussianNbModel, generativeModel, ldaModel, multinomialNbModel, qdaModel } from './bayes.js';
import { logisticModel } from './logistic.js';
import { gmmModel, kmeansModel, latentClassModel, multinomialMixtureModel } from './mixture.js';
import { mlpModel } from './mlp.js';
import { type ModelSpec } from './spec.js';

/** Every model family the `fit` step knows, one per ModelKind (a new kind is a type error here until it has one). */
const byKind: Readonly<Record<ModelKind, ModelSpec>> = {
  logistic: logisticModel,
  mlp: mlpModel,
  'gaussian-nb': gaussianNbModel,
  'multinomial-nb': multinomialNbModel,
  'categorical-nb': categoricalNbModel,
  lda: ldaModel,
  qda: qdaModel,
  generative: generativeModel,
  gmm: gmmModel,
  kmeans: kmeansModel,
  'multinomial-mixture': multinomialMixtureModel,
  'latent-class': latentClassModel,
} as unknown as Record<ModelKind, ModelSpec>;

/** In the order `discern plugins` lists them. */
export const builtinModels: readonly ModelSpec[] = Object.values(byKind);

export function findModel(name: string): ModelSpec | undefined {
  return Object.hasOwn(byKind, name) ? byKind[name as ModelKind] : undefined;
}
