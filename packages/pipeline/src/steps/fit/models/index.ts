import { type ModelKind } from '@discern/models';
import { categoricalNbModel, gaussianNbModel, generativeModel, ldaModel, multinomialNbModel, qdaModel } from './bayes.js';
import { logisticModel } from './logistic.js';
import { gmmModel, kmeansModel, latentClassModel, multinomialMixtureModel } from './mixture.js';
import { mlpModel } from './mlp.js';
import { adaboostModel, bdtModel } from './trees.js';
import { type ModelSpec } from './spec.js';

/**
 * Kinds that no `fit` step makes, and what makes them: `fit: { model: fold-ensemble }` is refused with this reason
 * (a fold ensemble is the k fold models of a crossvalidate step, not a family with options of its own).
 */
export const NOT_FITTED_BY_FIT: Readonly<Partial<Record<ModelKind, string>>> = {
  'fold-ensemble': 'a fold ensemble is made by the crossvalidate step (its k fold models, applied by average or by fold), not by fit; write `- crossvalidate: { model: <family>, folds: 5, name: <name> }`',
};

type FittedKind = Exclude<ModelKind, 'fold-ensemble'>;

/** Every model family the `fit` step knows, one per ModelKind but those above (a new kind is a type error here until it has one). */
const byKind: Readonly<Record<FittedKind, ModelSpec>> = {
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
  bdt: bdtModel,
  adaboost: adaboostModel,
} as unknown as Record<FittedKind, ModelSpec>;

/** In the order `discern plugins` lists them. */
export const builtinModels: readonly ModelSpec[] = Object.values(byKind);

export function findModel(name: string): ModelSpec | undefined {
  return Object.hasOwn(byKind, name) ? byKind[name as FittedKind] : undefined;
}
