import { createRng, zeros } from '@discern/linalg';
import { describe, expect, it } from 'vitest';
import { QDA } from './bayes/index.js';
import { MODEL_KINDS, isModelKind, isSupervised } from './kinds.js';
import { LogisticRegression } from './logistic/index.js';
import { GaussianMixture } from './mixture/index.js';
import { type SavedModel, parseSavedModel, savedModelJSON, summarizeTraining } from './saved-model.js';
import { errorOf } from './errors.test-helpers.js';

const rng = createRng(4);
const X = zeros(60, 3);
for (let i = 0; i < X.data.length; i++) X.data[i] = rng.normal() + (Math.floor(i / 3) % 2);
const y = Int32Array.from({ length: 60 }, (_, i) => i % 2);
const qda = new QDA().fit(X, y);

const STANDARDIZER = { type: 'standardizer', version: 1, mean: [0.5, 0.5, 0.5], scale: [1, 2, 3], nSamples: 60 };

/** A valid saved file of a 2-class QDA with a standardisation, a decision and a training summary, as JSON text. */
function goodFile(): Record<string, unknown> {
  const saved = savedModelJSON({
    name: 'model',
    model: 'qda',
    features: ['a', 'b', 'c'],
    classes: ['h', 'g'],
    positive: 1,
    // what data's Standardizer.toJSON() writes
    standardizer: STANDARDIZER,
    decision: { rule: 'threshold', threshold: 0.5 },
    training: summarizeTraining(X),
    estimator: qda.toJSON(),
    fit: qda.fitReport ?? null,
  });
  return JSON.parse(JSON.stringify(saved)) as Record<string, unknown>;
}

describe('ModelKind', () => {
  it('lists the fourteen families and the fold ensemble, with the classifiers marked supervised', () => {
    expect(MODEL_KINDS).toHaveLength(15);
    expect(MODEL_KINDS.filter(isSupervised)).toEqual(['logistic', 'mlp', 'gaussian-nb', 'multinomial-nb', 'categorical-nb', 'lda', 'qda', 'generative', 'fold-ensemble', 'bdt', 'adaboost']);
    expect([isModelKind('gmm'), isModelKind('gaussian'), isModelKind(3)]).toEqual([true, false, false]);
  });
});

describe('savedModelJSON and parseSavedModel', () => {
  it('write the fields in the format order, and read back the same model', () => {
    const file = goodFile();
    expect(Object.keys(file)).toEqual(['format', 'version', 'name', 'model', 'features', 'classes', 'positive', 'standardizer', 'decision', 'training', 'estimator', 'fit']);
    const { saved, estimator } = parseSavedModel(JSON.stringify(file), 'm.json');
    expect(saved).toEqual(file);
    expect(Array.from((estimator as QDA).predictProba(X).data)).toEqual(Array.from(qda.predictProba(X).data));
    // the standardisation keeps what Standardizer.toJSON wrote around mean and scale
    expect(Object.keys(saved.standardizer!)).toEqual(['type', 'version', 'mean', 'scale', 'nSamples']);
  });

  it('an older file without a training summary (or decision, or fit report) reads them as null', () => {
    const file = goodFile();
    delete file.training;
    delete file.decision;
    delete file.fit;
    const { saved } = parseSavedModel(file);
    expect([saved.training, saved.decision, saved.fit]).toEqual([null, null, null]);
  });

  it('an unsupervised model may name the classes of its data set, or none', () => {
    const g = new GaussianMixture({ nComponents: 2 }).fit(X);
    for (const classes of [[], ['h', 'g']]) {
      const { saved } = parseSavedModel(JSON.stringify(savedModelJSON({ name: 'gmm', model: 'gmm', features: ['a', 'b', 'c'], classes, positive: null, standardizer: null, estimator: g.toJSON() })));
      expect(saved.model).toBe('gmm');
    }
  });

  it('summarizeTraining: per feature min, max, mean and standard deviation (ddof 0), NaN cells left out', () => {
    const t = summarizeTraining({ rows: 4, cols: 2, data: Float64Array.of(1, 10, 3, Number.NaN, 5, 20, 7, 30) });
    expect(t).toEqual({ rows: 4, min: [1, 10], max: [7, 30], mean: [4, 20], std: [Math.sqrt(5), Math.sqrt(200 / 3)] });
  });

  it('savedModelJSON refuses to write what parseSavedModel would refuse (INVALID_ARGUMENT)', () => {
    const e = errorOf(() => savedModelJSON({ name: 'm', model: 'qda', features: ['a', 'b'], classes: ['h', 'g'], positive: null, standardizer: null, estimator: qda.toJSON() }));
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toMatch(/^savedModelJSON: estimator\.nFeatures is 3; expected 2, the number of features the file names/);
  });

  /** One corruption per field: [what, how to spoil the file, the field named, the message]. */
  const CORRUPT: [string, (f: Record<string, unknown>) => void, string, RegExp][] = [
    ['format', (f) => (f.format = 'onnx'), 'format', /format is "onnx"; expected "discern-model"/],
    ['version 99', (f) => (f.version = 99), 'version', /version is 99: format version 99 is not supported; this discern reads version 1$/],
    ['version missing', (f) => delete f.version, 'version', /format version \(none\) is not supported/],
    ['name', (f) => (f.name = ''), 'name', /name is ""; expected a non-empty name/],
    ['model', (f) => (f.model = 'svm'), 'model', /model is "svm"; expected one of "logistic"/],
    ['features: none', (f) => (f.features = []), 'features', /features is an array of 0 values; expected at least one feature name/],
    ['features: duplicate', (f) => (f.features = ['a', 'b', 'a']), 'features[2]', /features\[2\] is "a", the same name as features\[0\]; feature names must be unique/],
    ['features: empty name', (f) => (f.features = ['a', '', 'c']), 'features[1]', /features\[1\] is ""; expected a non-empty feature name/],
    ['features: not a list', (f) => (f.features = 'a,b,c'), 'features', /features is "a,b,c"; expected an array/],
    ['classes: [g, g]', (f) => (f.classes = ['g', 'g']), 'classes[1]', /classes\[1\] is "g", the same name as classes\[0\]; class names must be unique/],
    ['classes: a number', (f) => (f.classes = ['h', 7]), 'classes[1]', /classes\[1\] is 7; expected a non-empty class name/],
    ['positive: out of range', (f) => (f.positive = 2), 'positive', /positive is 2; expected an integer in 0\.\.1/],
    ['positive: not an integer', (f) => (f.positive = 0.5), 'positive', /positive is 0\.5/],
    ['standardizer: short mean', (f) => ((f.standardizer as Record<string, unknown>).mean = [0, 0]), 'standardizer.mean', /standardizer\.mean is an array of 2 values; expected an array of 3 numbers/],
    ['standardizer: zero scale', (f) => ((f.standardizer as Record<string, unknown>).scale = [1, 0, 1]), 'standardizer.scale[1]', /standardizer\.scale\[1\] is 0; expected a positive scale/],
    // JSON.stringify writes an infinite scale as null
    ['standardizer: infinite scale', (f) => ((f.standardizer as Record<string, unknown>).scale = [1, null, 1]), 'standardizer.scale[1]', /is null; expected a finite number/],
    ['standardizer: type', (f) => ((f.standardizer as Record<string, unknown>).type = 'minmax'), 'standardizer.type', /expected "standardizer"/],
    ['training: rows', (f) => ((f.training as Record<string, unknown>).rows = 0), 'training.rows', /training\.rows is 0; expected an integer ≥ 1/],
    ['training: short min', (f) => ((f.training as Record<string, unknown>).min = [0]), 'training.min', /training\.min is an array of 1 value; expected an array of 3 numbers/],
    ['training: max below min', (f) => ((f.training as Record<string, unknown>).max = [-100, 100, 100]), 'training.max[0]', /training\.max\[0\] is -100; expected a number ≥ training\.min\[0\]/],
    ['training: negative std', (f) => ((f.training as Record<string, unknown>).std = [1, -1, 1]), 'training.std[1]', /expected a standard deviation ≥ 0/],
    ['estimator: missing', (f) => delete f.estimator, 'estimator', /estimator is missing; expected an object/],
    ['estimator: another kind', (f) => (f.model = 'lda'), 'estimator.kind', /estimator\.kind is "qda"; expected "lda" \(the file's model\)/],
    ['estimator: a number', (f) => ((f.estimator as { means: number[][] }).means[1]![2] = null as never), 'estimator.means[1][2]', /estimator\.means\[1\]\[2\] is null; expected a finite number/],
    ['estimator: features', (f) => (f.features = ['a', 'b', 'c', 'd']), 'estimator.nFeatures', /estimator\.nFeatures is 3; expected 4, the number of features the file names/],
    ['estimator: classes', (f) => (f.classes = ['h', 'g', 'x']), 'estimator.nClasses', /estimator\.nClasses is 2; expected 3, the number of classes the file names \(h, g, x\)/],
    ['estimator: unfitted', (f) => (f.estimator = new QDA().toJSON()), 'estimator.fitted', /estimator\.fitted is false: a saved model must be a fitted one/],
    ['fit: a string', (f) => (f.fit = 'converged'), 'fit', /fit is "converged"; expected an object/],
  ];

  it.each(CORRUPT)('refuses a corrupt file: %s', (_what, spoil, field, message) => {
    const file = goodFile();
    spoil(file);
    const e = errorOf(() => parseSavedModel(JSON.stringify(file), 'runs/x/models/model.json'));
    expect(e.code).toBe('MODEL_INVALID');
    expect(e.context).toMatchObject({ file: 'runs/x/models/model.json', field });
    expect(e.message.startsWith(`runs/x/models/model.json: ${field} `)).toBe(true);
    expect(e.message).toMatch(message);
  });

  it('refuses text that is not JSON, and JSON that is not an object', () => {
    const a = errorOf(() => parseSavedModel('{"format": ', 'm.json'));
    expect([a.code, a.context.file]).toEqual(['MODEL_INVALID', 'm.json']);
    expect(a.message).toMatch(/^m\.json: not JSON \(.*\); expected a model saved by discern run/);
    expect(errorOf(() => parseSavedModel('[1, 2]')).message).toMatch(/^the file holds an array; expected a model saved by discern run/);
  });

  it('checks a logistic model against its classes too (a binary model saved with three class names)', () => {
    const m = new LogisticRegression().fit(X, y);
    const file = JSON.parse(JSON.stringify(savedModelJSON({ name: 'l', model: 'logistic', features: ['a', 'b', 'c'], classes: ['h', 'g'], positive: 1, standardizer: null, estimator: m.toJSON() }))) as SavedModel;
    expect(parseSavedModel({ ...file }).estimator.kind).toBe('logistic');
    expect(errorOf(() => parseSavedModel({ ...file, classes: ['a', 'b', 'c'] })).context.field).toBe('estimator.nClasses');
    // one class name: said as such, not as a positive index out of 0..0
    const one = errorOf(() => parseSavedModel({ ...file, classes: ['h'] }));
    expect(one.context.field).toBe('classes');
    expect(one.message).toContain("the names of a classifier's classes, at least two");
  });

  it('a standardisation that says how many rows it was fitted on says a positive whole number', () => {
    for (const nSamples of [-5, 0, 2.5, 'many']) {
      const e = errorOf(() => parseSavedModel({ ...goodFile(), standardizer: { ...STANDARDIZER, nSamples } }));
      expect(e.context.field).toBe('standardizer.nSamples');
    }
    expect(parseSavedModel(goodFile()).saved.standardizer).not.toBeNull();
  });
});
