import { CategoricalNB, GaussianNB, GenerativeClassifier, LDA, MultinomialNB, QDA } from './bayes/index.js';
import { type Estimator } from './estimator.js';
import { FoldEnsemble } from './ensemble/index.js';
import { MODEL_KINDS, type ModelKind } from './kinds.js';
import { LogisticRegression } from './logistic/index.js';
import { GaussianMixture, KMeans, LatentClassModel, MultinomialMixture } from './mixture/index.js';
import { MLPClassifier } from './mlp/index.js';
import { AdaBoostClassifier, HistGradientBoostingClassifier } from './trees/index.js';
import { ModelReader, type ModelSource } from './model-json.js';

const LOADERS: Readonly<Record<ModelKind, (json: unknown, source: ModelSource) => Estimator>> = {
  logistic: (j, s) => LogisticRegression.fromJSON(j, s),
  mlp: (j, s) => MLPClassifier.fromJSON(j, s),
  'gaussian-nb': (j, s) => GaussianNB.fromJSON(j, s),
  'multinomial-nb': (j, s) => MultinomialNB.fromJSON(j, s),
  'categorical-nb': (j, s) => CategoricalNB.fromJSON(j, s),
  lda: (j, s) => LDA.fromJSON(j, s),
  qda: (j, s) => QDA.fromJSON(j, s),
  generative: (j, s) => GenerativeClassifier.fromJSON(j, {}, s),
  gmm: (j, s) => GaussianMixture.fromJSON(j, s),
  kmeans: (j, s) => KMeans.fromJSON(j, s),
  'multinomial-mixture': (j, s) => MultinomialMixture.fromJSON(j, s),
  'latent-class': (j, s) => LatentClassModel.fromJSON(j, s),
  'fold-ensemble': (j, s) => FoldEnsemble.fromJSON(j, s),
  bdt: (j, s) => HistGradientBoostingClassifier.fromJSON(j, s),
  adaboost: (j, s) => AdaBoostClassifier.fromJSON(j, s),
};

/**
 * Rebuilds a fitted estimator from its JSON (`toJSON()`'s output, the `estimator` of a saved model file), by its
 * kind, with one check of everything in it: the kind and format version, every shape against nFeatures, nClasses
 * and nComponents, finite numbers, positive variances and weights, probabilities that sum to one, symmetric
 * positive-definite covariances, options the estimator accepts. Any failure is MODEL_INVALID naming the file
 * (`where.file`) and the field (`estimator.means[2][1]`; `where.path` replaces `estimator`). Each estimator's own
 * `fromJSON` runs the same checks.
 */
export function loadEstimator(json: unknown, where: ModelSource = {}): Estimator {
  const r = ModelReader.of(json, where);
  const kind = r.get('kind');
  const k = kind.string(MODEL_KINDS) as ModelKind;
  return LOADERS[k](json, where);
}
