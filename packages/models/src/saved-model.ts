import { DiscernError, isDiscernError } from '@discern/core';
import { CategoricalNB } from './bayes/categorical-nb.js';
import { GaussianNB } from './bayes/gaussian-nb.js';
import { GenerativeClassifier } from './bayes/generative.js';
import { LDA } from './bayes/lda.js';
import { MultinomialNB } from './bayes/multinomial-nb.js';
import { QDA } from './bayes/qda.js';
import { type Estimator, type FitReport, type ModelJSON } from './estimator.js';
import { LogisticRegression } from './logistic/logistic.js';
import { GaussianMixture } from './mixture/gmm.js';
import { KMeans } from './mixture/kmeans.js';
import { LatentClassModel } from './mixture/latent-class.js';
import { MultinomialMixture } from './mixture/multinomial.js';
import { MLPClassifier } from './mlp/mlp.js';

/**
 * The model families, by the `kind` each estimator's JSON carries (the config's `model:` names). A table keyed by
 * ModelKind (`Record<ModelKind, …>`) makes a new family a type error wherever it is not handled yet.
 */
export const MODEL_KINDS = [
  'logistic',
  'mlp',
  'gaussian-nb',
  'multinomial-nb',
  'categorical-nb',
  'lda',
  'qda',
  'generative',
  'gmm',
  'kmeans',
  'multinomial-mixture',
  'latent-class',
] as const;

export type ModelKind = (typeof MODEL_KINDS)[number];

interface Family {
  readonly supervised: boolean;
  fromJSON(json: unknown): Estimator;
}

const FAMILIES: Readonly<Record<ModelKind, Family>> = {
  logistic: { supervised: true, fromJSON: (j) => LogisticRegression.fromJSON(j) },
  mlp: { supervised: true, fromJSON: (j) => MLPClassifier.fromJSON(j) },
  'gaussian-nb': { supervised: true, fromJSON: (j) => GaussianNB.fromJSON(j) },
  'multinomial-nb': { supervised: true, fromJSON: (j) => MultinomialNB.fromJSON(j) },
  'categorical-nb': { supervised: true, fromJSON: (j) => CategoricalNB.fromJSON(j) },
  lda: { supervised: true, fromJSON: (j) => LDA.fromJSON(j) },
  qda: { supervised: true, fromJSON: (j) => QDA.fromJSON(j) },
  generative: { supervised: true, fromJSON: (j) => GenerativeClassifier.fromJSON(j) },
  gmm: { supervised: false, fromJSON: (j) => GaussianMixture.fromJSON(j as ModelJSON) },
  kmeans: { supervised: false, fromJSON: (j) => KMeans.fromJSON(j as ModelJSON) },
  'multinomial-mixture': { supervised: false, fromJSON: (j) => MultinomialMixture.fromJSON(j as ModelJSON) },
  'latent-class': { supervised: false, fromJSON: (j) => LatentClassModel.fromJSON(j as ModelJSON) },
};

export function isModelKind(k: unknown): k is ModelKind {
  return typeof k === 'string' && (MODEL_KINDS as readonly string[]).includes(k);
}

/** Whether a family is a classifier (class probabilities) rather than a density or clustering model. */
export function isSupervised(kind: ModelKind): boolean {
  return FAMILIES[kind].supervised;
}

function invalid(file: string | undefined, field: string, message: string): DiscernError {
  return new DiscernError('MODEL_INVALID', `${file ? `${file}: ` : ''}${field}: ${message}`, { ...(file ? { file } : {}), field });
}

/**
 * A fitted estimator from its JSON (`toJSON()`), for every family: the `kind` chooses the family, whose checks
 * (shapes against nFeatures and nClasses, finite numbers, positive variances and weights) apply. Any failure is
 * MODEL_INVALID naming the file and the field.
 */
export function loadEstimator(json: unknown, where: { readonly file?: string; readonly field?: string } = {}): Estimator {
  const field = where.field ?? 'estimator';
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw invalid(where.file, field, 'expected a fitted model as a JSON object');
  const kind = (json as { kind?: unknown }).kind;
  if (!isModelKind(kind)) throw invalid(where.file, `${field}.kind`, `unknown model family ${JSON.stringify(kind)}; known: ${MODEL_KINDS.join(', ')}`);
  try {
    return FAMILIES[kind].fromJSON(json);
  } catch (e) {
    if (isDiscernError(e)) {
      const detail = e.message.replace(/^[A-Za-z]+\.fromJSON: /, '');
      throw new DiscernError('MODEL_INVALID', `${where.file ? `${where.file}: ` : ''}${field} (${kind}): ${detail}`, { ...e.context, ...(where.file ? { file: where.file } : {}), field }, { cause: e });
    }
    throw e;
  }
}

/** Per-feature ranges and moments of the raw training rows: what an export's parity check draws rows from. */
export interface TrainingSummary {
  readonly rows: number;
  readonly min: readonly number[];
  readonly max: readonly number[];
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

/**
 * The saved-model file (`models/<name>.json` of a run): the estimator and what applying it to raw rows of a file
 * needs — feature names in order, class names, the signal class, the standardisation, the decision rule recorded by
 * `decide` (validated by @discern/decision where it is applied), the training summary, and the fit report.
 */
export interface SavedModel {
  readonly format: 'discern-model';
  readonly version: 1;
  readonly name: string;
  readonly model: ModelKind;
  readonly features: readonly string[];
  readonly classes: readonly string[];
  readonly positive: number | null;
  readonly standardizer: { readonly mean: readonly number[]; readonly scale: readonly number[] } | null;
  readonly decision: unknown;
  readonly training: TrainingSummary | null;
  readonly estimator: ModelJSON;
  readonly fit: FitReport | null;
}

export const SAVED_MODEL_FORMAT = 'discern-model';
export const SAVED_MODEL_VERSION = 1;

/** The saved-model file's content, keys in a fixed order (the same model gives the same bytes). */
export function savedModelJSON(m: Omit<SavedModel, 'format' | 'version'>): SavedModel {
  return {
    format: SAVED_MODEL_FORMAT,
    version: SAVED_MODEL_VERSION,
    name: m.name,
    model: m.model,
    features: m.features,
    classes: m.classes,
    positive: m.positive,
    standardizer: m.standardizer,
    decision: m.decision ?? null,
    training: m.training,
    estimator: m.estimator,
    fit: m.fit,
  };
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function names(v: unknown, field: string, file: string | undefined, unique: boolean): string[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string' && x.length > 0)) throw invalid(file, field, 'expected a list of non-empty names');
  if (unique) {
    const seen = new Set<string>();
    for (const x of v as string[]) {
      if (seen.has(x)) throw invalid(file, field, `${JSON.stringify(x)} appears twice; every name must be unique`);
      seen.add(x);
    }
  }
  return v as string[];
}

function numbers(v: unknown, field: string, file: string | undefined, length: number, ok: (x: number) => boolean = Number.isFinite, accepted = 'finite numbers'): number[] {
  if (!Array.isArray(v) || v.length !== length) throw invalid(file, field, `expected a list of ${length} numbers (one per feature)`);
  v.forEach((x, i) => {
    if (typeof x !== 'number' || !ok(x)) throw invalid(file, `${field}[${i}]`, `is ${JSON.stringify(x)}; expected ${accepted}`);
  });
  return v as number[];
}

/**
 * Reads a saved-model file (its text, or its parsed JSON) and checks every field, once, for every consumer (the
 * export command, the onnx package, a pipeline reading a model back): format and version, unique non-empty feature
 * and class names, `positive` an index into the classes, the standardisation and training summary one number per
 * feature, and the estimator (by `loadEstimator`) fitted on as many features — and, for a classifier, classes — as
 * the file names. A failure is MODEL_INVALID naming the file and the field.
 */
export function parseSavedModel(input: string | unknown, file?: string): { saved: SavedModel; estimator: Estimator } {
  let json: unknown = input;
  if (typeof input === 'string') {
    try {
      json = JSON.parse(input);
    } catch (e) {
      throw new DiscernError('MODEL_INVALID', `${file ?? 'the model file'} is not JSON (${(e as Error).message}); expected a model saved by discern run (runs/<name>/models/<model>.json)`, { ...(file ? { file } : {}) });
    }
  }
  if (!isObject(json) || json.format !== SAVED_MODEL_FORMAT)
    throw new DiscernError('MODEL_INVALID', `${file ?? 'the model file'} is not a discern model file: expected format "discern-model" with model, features and estimator (as written by discern run in models/<name>.json)`, { ...(file ? { file } : {}), field: 'format' });
  if (json.version !== SAVED_MODEL_VERSION)
    throw invalid(file, 'version', `format version ${JSON.stringify(json.version)} is not supported; this discern reads version ${SAVED_MODEL_VERSION}`);
  if (!isModelKind(json.model)) throw invalid(file, 'model', `unknown model family ${JSON.stringify(json.model)}; known: ${MODEL_KINDS.join(', ')}`);
  const model = json.model;
  if (typeof json.name !== 'string' || json.name === '') throw invalid(file, 'name', 'expected the model name');
  const features = names(json.features, 'features', file, true);
  if (features.length === 0) throw invalid(file, 'features', 'expected at least one feature');
  const classes = json.classes === undefined ? [] : names(json.classes, 'classes', file, true);
  const positive = json.positive ?? null;
  if (positive !== null && !(typeof positive === 'number' && Number.isInteger(positive) && positive >= 0 && positive < classes.length))
    throw invalid(file, 'positive', `is ${JSON.stringify(positive)}; expected null or a class index in 0..${classes.length - 1}`);
  let standardizer: SavedModel['standardizer'] = null;
  if (json.standardizer !== null && json.standardizer !== undefined) {
    if (!isObject(json.standardizer)) throw invalid(file, 'standardizer', 'expected { mean, scale } or null');
    standardizer = {
      mean: numbers(json.standardizer.mean, 'standardizer.mean', file, features.length),
      scale: numbers(json.standardizer.scale, 'standardizer.scale', file, features.length, (x) => Number.isFinite(x) && x > 0, 'finite numbers > 0'),
    };
  }
  let training: TrainingSummary | null = null;
  if (json.training !== null && json.training !== undefined) {
    const t = json.training;
    if (!isObject(t)) throw invalid(file, 'training', 'expected { rows, min, max, mean, std } or null');
    if (typeof t.rows !== 'number' || !Number.isInteger(t.rows) || t.rows < 1) throw invalid(file, 'training.rows', `is ${JSON.stringify(t.rows)}; expected a whole number ≥ 1`);
    const min = numbers(t.min, 'training.min', file, features.length);
    const max = numbers(t.max, 'training.max', file, features.length);
    max.forEach((x, j) => {
      if (x < min[j]!) throw invalid(file, `training.max[${j}]`, `is ${x}, below training.min[${j}] = ${min[j]}`);
    });
    training = {
      rows: t.rows,
      min,
      max,
      mean: numbers(t.mean, 'training.mean', file, features.length),
      std: numbers(t.std, 'training.std', file, features.length, (x) => Number.isFinite(x) && x >= 0, 'finite numbers ≥ 0'),
    };
  }
  const estimator = loadEstimator(json.estimator, { ...(file ? { file } : {}), field: 'estimator' });
  if (estimator.kind !== model) throw invalid(file, 'estimator.kind', `is ${JSON.stringify(estimator.kind)} but the file says model ${JSON.stringify(model)}`);
  if (estimator.nFeatures !== features.length)
    throw invalid(file, 'estimator', `was fitted on ${estimator.nFeatures} features but the file names ${features.length} (${features.join(', ')})`);
  if (FAMILIES[model].supervised) {
    const K = (estimator as { nClasses?: number }).nClasses;
    if (K !== classes.length) throw invalid(file, 'classes', `names ${classes.length} classes but the estimator has ${K}`);
  }
  const saved: SavedModel = {
    format: SAVED_MODEL_FORMAT,
    version: SAVED_MODEL_VERSION,
    name: json.name,
    model,
    features,
    classes,
    positive: positive as number | null,
    standardizer,
    decision: json.decision ?? null,
    training,
    estimator: json.estimator as ModelJSON,
    fit: (json.fit ?? null) as FitReport | null,
  };
  return { saved, estimator };
}
