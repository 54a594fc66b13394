import { type DenseMatrix } from '@discern/linalg';
import { DiscernError, isDiscernError } from '@discern/core';
import { type Calibration, checkCalibration } from './calibration/calibration.js';
import { type Classifier, type Estimator, type FitReport, type ModelJSON } from './estimator.js';
import { type ModelKind, MODEL_KINDS, isSupervised } from './kinds.js';
import { loadEstimator } from './load.js';
import { ModelReader, type ModelSource, modelInvalid } from './model-json.js';
import { readFitReport } from './mlp/serialize.js';

/**
 * The saved-model file (`models/<name>.json` of a run): one fitted estimator with what it needs to be applied to the
 * raw rows of a data file — the feature columns in order, the class names, the positive class, the standardisation
 * fitted before it, a decision rule — and a summary of its training data, so that an exporter can check an ONNX
 * graph against it without the data file. Written by `savedModelJSON`, read (and checked, once) by
 * `parseSavedModel`; pipeline, the ONNX exporter and the command all go through these two.
 */
export const SAVED_MODEL_FORMAT = 'discern-model';
export const SAVED_MODEL_VERSION = 1;

/** Per feature, in raw units (before any standardisation): what a parity check needs to draw plausible rows. */
export interface TrainingSummary {
  /** Training rows. */
  readonly rows: number;
  readonly min: readonly number[];
  readonly max: readonly number[];
  readonly mean: readonly number[];
  /** Standard deviation (≥ 0). */
  readonly std: readonly number[];
}

/**
 * The standardisation applied before the estimator: x' = (x − mean) / scale. Other fields a writer adds (data's
 * Standardizer.toJSON adds type, version and nSamples) are kept as they are, in the file and when it is read.
 */
export interface SavedStandardizer {
  readonly mean: readonly number[];
  readonly scale: readonly number[];
}

export interface SavedModel {
  readonly format: 'discern-model';
  readonly version: 1;
  /** The model's name in its run (`fit: { name }`). */
  readonly name: string;
  readonly model: ModelKind;
  /** The feature columns, in the estimator's order. */
  readonly features: readonly string[];
  /** The class names in the order of the class indices (of the data set; empty when it had no labels). */
  readonly classes: readonly string[];
  /** Index of the positive (signal) class in `classes`, or null. */
  readonly positive: number | null;
  readonly standardizer: SavedStandardizer | null;
  /** A decision rule (opaque here: @discern/decision's exporter checks it). null when none. */
  readonly decision: unknown;
  /** The calibration of the classifier's probabilities (`calibrate`), applied before the decision rule; absent when none. */
  readonly calibration?: Calibration;
  /** null in files written before the summary existed. */
  readonly training: TrainingSummary | null;
  readonly estimator: ModelJSON;
  readonly fit: FitReport | null;
}

/** What `savedModelJSON` is given: the file's fields but its format and version; decision, training and fit may be left out (null). */
export type SavedModelParts = Omit<SavedModel, 'format' | 'version' | 'decision' | 'training' | 'fit' | 'calibration'> & {
  readonly decision?: unknown;
  readonly calibration?: Calibration | null;
  readonly training?: TrainingSummary | null;
  readonly fit?: FitReport | null;
};

/** The per-feature summary of training rows (raw units; NaN cells, where a model allows them, are left out). */
export function summarizeTraining(X: DenseMatrix): TrainingSummary {
  const { rows: n, cols: p, data } = X;
  const min = new Array<number>(p).fill(Infinity);
  const max = new Array<number>(p).fill(-Infinity);
  const mean = new Array<number>(p).fill(0);
  const std = new Array<number>(p).fill(0);
  for (let j = 0; j < p; j++) {
    let count = 0, sum = 0;
    for (let i = 0; i < n; i++) {
      const v = data[i * p + j]!;
      if (Number.isNaN(v)) continue;
      count++;
      sum += v;
      if (v < min[j]!) min[j] = v;
      if (v > max[j]!) max[j] = v;
    }
    const m = count > 0 ? sum / count : 0;
    let ss = 0;
    for (let i = 0; i < n; i++) {
      const v = data[i * p + j]!;
      if (!Number.isNaN(v)) ss += (v - m) * (v - m);
    }
    mean[j] = m;
    std[j] = count > 0 ? Math.sqrt(ss / count) : 0;
    // a column with no value at all: an empty range at 0, so that the summary stays finite
    if (count === 0) min[j] = max[j] = 0;
  }
  return { rows: n, min, max, mean, std };
}

/**
 * The saved-model file as plain JSON data, in the field order of the format (format, version, name, model,
 * features, classes, positive, standardizer, decision, training, estimator, fit). It is checked as
 * `parseSavedModel` checks a file, so what is written can be read back: a mismatch (features that do not match the
 * estimator, duplicate class names...) is INVALID_ARGUMENT.
 */
export function savedModelJSON(parts: SavedModelParts): SavedModel {
  const s = parts.standardizer;
  const saved: SavedModel = {
    format: SAVED_MODEL_FORMAT,
    version: SAVED_MODEL_VERSION,
    name: parts.name,
    model: parts.model,
    features: [...parts.features],
    classes: [...parts.classes],
    positive: parts.positive ?? null,
    standardizer: s ? { ...s, mean: Array.from(s.mean), scale: Array.from(s.scale) } : null,
    decision: parts.decision ?? null,
    // written only when there is one, so that the files of uncalibrated models stay as they were
    ...(parts.calibration ? { calibration: parts.calibration } : {}),
    training: parts.training ?? null,
    estimator: parts.estimator,
    fit: parts.fit ?? null,
  };
  try {
    checkSavedModel(saved, {});
  } catch (err) {
    if (isDiscernError(err) && err.code === 'MODEL_INVALID') throw new DiscernError('INVALID_ARGUMENT', `savedModelJSON: ${err.message}`, { ...err.context });
    throw err;
  }
  return saved;
}

/**
 * Reads a saved-model file (its text, or the value JSON.parse made of it) and checks all of it, once: the format and
 * its version, a name, a known model kind, unique non-empty feature and class names, `positive` an index into the
 * classes (or null), a standardisation with one finite mean and one positive scale per feature, a training summary
 * with one value per feature, and the estimator (loadEstimator's checks) fitted on as many features as the file
 * names, with as many classes for a classifier. Every failure is MODEL_INVALID naming `file` and the field.
 * `decision` is returned as it is (the decision rule's own exporter checks it).
 */
export function parseSavedModel(text: string | unknown, file?: string): { saved: SavedModel; estimator: Estimator } {
  const source: ModelSource = file === undefined ? {} : { file };
  let json: unknown = text;
  if (typeof text === 'string') {
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new DiscernError('MODEL_INVALID', `${file ? `${file}: ` : ''}not JSON (${(e as Error).message}); expected a model saved by discern run (runs/<name>/models/<model>.json)`, { ...(file ? { file } : {}) });
    }
  }
  return checkSavedModel(json, source);
}

function checkSavedModel(json: unknown, source: ModelSource): { saved: SavedModel; estimator: Estimator } {
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw modelInvalid(source, 'the file', `holds ${Array.isArray(json) ? 'an array' : json === null ? 'null' : typeof json}; expected a model saved by discern run (an object with format "discern-model")`);
  const field = (name: string): ModelReader => ModelReader.of((json as Record<string, unknown>)[name], { ...source, path: name });
  const format = field('format');
  if (format.value !== SAVED_MODEL_FORMAT) format.fail(`"${SAVED_MODEL_FORMAT}" (a model file written by discern run, models/<name>.json)`);
  const version = field('version');
  if (version.value !== SAVED_MODEL_VERSION)
    throw modelInvalid(source, 'version', `is ${JSON.stringify(version.value) ?? 'missing'}: format version ${JSON.stringify(version.value) ?? '(none)'} is not supported; this discern reads version ${SAVED_MODEL_VERSION}`, { value: version.value as never });
  const name = field('name').string();
  if (name.length === 0) field('name').fail('a non-empty name');
  const model = field('model').string(MODEL_KINDS) as ModelKind;
  const features = names(field('features'), 'feature', true);
  const classes = field('classes').value === undefined ? [] : names(field('classes'), 'class', false);
  const p = features.length;
  if (isSupervised(model) && classes.length < 2) field('classes').fail(`the names of a classifier's classes, at least two (a ${model} model)`);

  const pos = field('positive');
  const positive = pos.value === null || pos.value === undefined ? null : classes.length === 0 ? pos.fail('null (the file names no classes)') : pos.int(0, classes.length - 1);

  const er = field('estimator');
  er.object();
  const estimator = loadEstimator(er.value, { ...source, path: 'estimator' });
  if (estimator.kind !== model) er.get('kind').fail(`"${model}" (the file's model)`, estimator.kind);
  if (er.get('fitted').value === false) er.get('fitted').invalid('is false: a saved model must be a fitted one');
  if (estimator.nFeatures !== p) er.get('nFeatures').fail(`${p}, the number of features the file names (${features.slice(0, 3).join(', ')}${p > 3 ? ', …' : ''})`, estimator.nFeatures);
  if (isSupervised(model)) {
    const K = (estimator as Classifier).nClasses;
    if (K !== classes.length) er.get('nClasses').fail(`${classes.length}, the number of classes the file names (${classes.join(', ')})`, K);
  }

  const st = field('standardizer');
  let standardizer: SavedStandardizer | null = null;
  if (st.value !== null && st.value !== undefined) {
    const o = st.object();
    if (o.type !== undefined && o.type !== 'standardizer') st.get('type').fail('"standardizer"');
    if (o.version !== undefined && o.version !== 1) st.get('version').fail('1');
    const mean = Array.from(st.get('mean').numbers([p]));
    const scale = Array.from(st.get('scale').numbers([p], (v) => (v > 0 ? undefined : 'a positive scale')));
    if (o.nSamples !== undefined) st.get('nSamples').int(1);
    standardizer = { ...o, mean, scale };
  }

  const tr = field('training');
  let training: TrainingSummary | null = null;
  if (tr.value !== null && tr.value !== undefined) {
    const rows = tr.get('rows').int(1);
    const min = Array.from(tr.get('min').numbers([p]));
    const max = Array.from(tr.get('max').numbers([p]));
    min.forEach((lo, j) => {
      if (!(lo <= max[j]!)) tr.get('max').at(j).fail(`a number ≥ training.min[${j}] (${lo})`, max[j]);
    });
    training = { rows, min, max, mean: Array.from(tr.get('mean').numbers([p])), std: Array.from(tr.get('std').numbers([p], (v) => (v >= 0 ? undefined : 'a standard deviation ≥ 0'))) };
  }

  const fr = field('fit');
  const fit = fr.value === null || fr.value === undefined ? null : readFitReport(fr);
  const o = json as Record<string, unknown>;
  let calibration: Calibration | undefined;
  if (o.calibration !== undefined && o.calibration !== null) {
    try {
      calibration = checkCalibration(o.calibration);
    } catch (e) {
      throw isDiscernError(e) ? modelInvalid(source, String(e.context.field ?? 'calibration'), e.message.replace(/^[^:]*: /, '')) : e;
    }
    if (calibration.classes !== classes.length)
      throw modelInvalid(source, 'calibration.classes', `is ${calibration.classes}, but the model has ${classes.length} classes`);
  }
  const saved: SavedModel = {
    format: SAVED_MODEL_FORMAT,
    version: SAVED_MODEL_VERSION,
    name,
    model,
    features,
    classes,
    positive,
    standardizer,
    decision: o.decision ?? null,
    ...(calibration ? { calibration } : {}),
    training,
    estimator: er.value as ModelJSON,
    fit,
  };
  return { saved, estimator };
}

/** A list of unique names ('feature' or 'class'); `nonEmpty`: at least one. */
function names(r: ModelReader, what: string, nonEmpty: boolean): string[] {
  const items = r.items();
  if (nonEmpty && items.length === 0) r.fail(`at least one ${what} name`);
  const seen = new Map<string, number>();
  return items.map((item, i): string => {
    const s = item.value;
    if (typeof s !== 'string' || s.length === 0) return item.fail(`a non-empty ${what} name`);
    const first = seen.get(s);
    if (first !== undefined) return item.invalid(`is ${JSON.stringify(s)}, the same name as ${r.path}[${first}]; ${what} names must be unique`, { value: s });
    seen.set(s, i);
    return s;
  });
}
