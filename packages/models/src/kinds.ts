/**
 * The model families of discern by the `kind` their saved JSON carries — the same names as the config's
 * `fit: { model: ... }` — and whether each is a supervised classifier (fitted on labels; its JSON has nClasses) or
 * an unsupervised density or clustering model.
 */
export const MODEL_KINDS = ['logistic', 'mlp', 'gaussian-nb', 'multinomial-nb', 'categorical-nb', 'lda', 'qda', 'generative', 'gmm', 'kmeans', 'multinomial-mixture', 'latent-class', 'fold-ensemble', 'bdt', 'adaboost'] as const;

export type ModelKind = (typeof MODEL_KINDS)[number];

const SUPERVISED: Readonly<Record<ModelKind, boolean>> = {
  logistic: true,
  mlp: true,
  'gaussian-nb': true,
  'multinomial-nb': true,
  'categorical-nb': true,
  lda: true,
  qda: true,
  generative: true,
  gmm: false,
  kmeans: false,
  'multinomial-mixture': false,
  'latent-class': false,
  'fold-ensemble': true,
  bdt: true,
  adaboost: true,
};

export function isModelKind(value: unknown): value is ModelKind {
  return typeof value === 'string' && (MODEL_KINDS as readonly string[]).includes(value);
}

/** Whether a kind is a classifier fitted on labels (its estimator has nClasses and predictProba). */
export function isSupervised(kind: ModelKind): boolean {
  return SUPERVISED[kind];
}

/**
 * The kinds whose estimators take a missing cell (NaN) as it is: the categorical models marginalise it, the boosted
 * trees route it down the branch learned in training. Every other kind needs every feature.
 */
const TAKES_MISSING: ReadonlySet<ModelKind> = new Set<ModelKind>(['categorical-nb', 'latent-class', 'multinomial-mixture', 'bdt', 'adaboost']);

export function takesMissing(kind: string): boolean {
  return TAKES_MISSING.has(kind as ModelKind);
}
