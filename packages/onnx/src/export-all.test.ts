import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { type DiscernError } from '@discern/core';
import { type DenseMatrix } from '@discern/linalg';
import {
  AdaBoostClassifier,
  CategoricalNB,
  FoldEnsemble,
  GaussianMixture,
  GaussianNB,
  GenerativeClassifier,
  HistGradientBoostingClassifier,
  KMeans,
  LDA,
  LatentClassModel,
  LogisticRegression,
  MLPClassifier,
  MultinomialMixture,
  MultinomialNB,
  QDA,
} from '@discern/models';
import { type ExportModelOptions, type ExportableKind, EXPORTABLE_KINDS, exportModelChecked, exportModelFile } from './export.js';
import { DataType, decodeModel } from './proto.js';
import { type TrainingSummary } from '@discern/models';
import { dataPath, exportBoth, loadCsv, meanScale, standardised } from './testing.test-helpers.js';

/** Per feature min, max, mean and population std of the non-missing values: what the fit step records. */
function summarise(X: DenseMatrix): TrainingSummary {
  const { rows: n, cols: p, data } = X;
  const min = Array<number>(p).fill(Infinity), max = Array<number>(p).fill(-Infinity), mean = Array<number>(p).fill(0), std = Array<number>(p).fill(0);
  const count = Array<number>(p).fill(0);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < p; j++) {
      const v = data[i * p + j]!;
      if (Number.isNaN(v)) continue;
      min[j] = Math.min(min[j]!, v);
      max[j] = Math.max(max[j]!, v);
      mean[j]! += v;
      count[j]!++;
    }
  for (let j = 0; j < p; j++) mean[j]! /= count[j]!;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < p; j++) {
      const v = data[i * p + j]!;
      if (!Number.isNaN(v)) std[j]! += (v - mean[j]!) ** 2;
    }
  return { rows: n, min, max, mean, std: std.map((s, j) => Math.sqrt(s / count[j]!)) };
}

/** The house votes: y = 1, n = 0, ? = NaN (missing); class democrat = 1. */
function houseVotes(): { X: DenseMatrix; y: Int32Array; features: string[] } {
  const lines = readFileSync(dataPath('house-votes-84.csv'), 'utf8').trim().split(/\r?\n/);
  const features = lines[0]!.split(',').slice(1);
  const rows = lines.slice(1).map((l) => l.split(','));
  const p = features.length;
  const data = new Float64Array(rows.length * p);
  const y = new Int32Array(rows.length);
  rows.forEach((r, i) => {
    y[i] = r[0] === 'democrat' ? 1 : 0;
    r.slice(1).forEach((c, j) => (data[i * p + j] = c === 'y' ? 1 : c === 'n' ? 0 : NaN));
  });
  return { X: { rows: rows.length, cols: p, data }, y, features };
}

const magic = loadCsv('magic04.csv', 'class', { take: 10, classes: ['h', 'g'] }); // 1 902 rows; g = signal
const magicStd = meanScale(magic.X);
const magicS = standardised(magic.X, magicStd);
const iris = loadCsv('iris.csv', 'label');
const digits = loadCsv('digits.csv', 'label', { take: 3 });
const votes = houseVotes();

type Case = Omit<ExportModelOptions, 'dtype'> & { readonly raw: DenseMatrix };

// One entry per exportable kind: a new family is a type error here until it has a row in this table.
const TABLE: Record<ExportableKind, () => Case> = {
  logistic: () => ({ estimator: new LogisticRegression({ l2: 1e-3 }).fit(magicS, magic.y), featureNames: magic.features, classNames: magic.classes, positive: 'g', standardizer: magicStd, raw: magic.X }),
  mlp: () => ({ estimator: new MLPClassifier({ hiddenLayers: [8], maxIter: 20, seed: 1 }).fit(magicS, magic.y), featureNames: magic.features, classNames: magic.classes, standardizer: magicStd, raw: magic.X }),
  gmm: () => ({ estimator: new GaussianMixture({ nComponents: 3, covarianceType: 'full', seed: 1, maxIter: 50 }).fit(magic.X), featureNames: magic.features, raw: magic.X }),
  kmeans: () => ({ estimator: new KMeans({ nClusters: 3, seed: 5 }).fit(iris.X), featureNames: iris.features, raw: iris.X }),
  'gaussian-nb': () => ({ estimator: new GaussianNB().fit(magic.X, magic.y), featureNames: magic.features, classNames: magic.classes, raw: magic.X }),
  lda: () => ({ estimator: new LDA().fit(magic.X, magic.y), featureNames: magic.features, classNames: magic.classes, raw: magic.X }),
  qda: () => ({ estimator: new QDA().fit(iris.X, iris.y), featureNames: iris.features, classNames: iris.classes, raw: iris.X }),
  generative: () => ({
    estimator: new GenerativeClassifier({ density: { kind: 'gmm', nComponents: 2, covarianceType: 'full', maxIter: 30, seed: 1 } }).fit(magicS, magic.y),
    featureNames: magic.features,
    classNames: magic.classes,
    positive: 'g',
    standardizer: magicStd,
    raw: magic.X,
  }),
  'multinomial-nb': () => ({ estimator: new MultinomialNB().fit(digits.X, digits.y), featureNames: digits.features, classNames: digits.classes, raw: digits.X }),
  'categorical-nb': () => ({ estimator: new CategoricalNB().fit(votes.X, votes.y), featureNames: votes.features, classNames: ['republican', 'democrat'], raw: votes.X }),
  'multinomial-mixture': () => ({ estimator: new MultinomialMixture({ nComponents: 4, seed: 1, maxIter: 50 }).fit(digits.X), featureNames: digits.features, raw: digits.X }),
  'latent-class': () => ({ estimator: new LatentClassModel({ nComponents: 2, nInit: 2, seed: 1 }).fit(votes.X), featureNames: votes.features, raw: votes.X }),
  // by fold (the harder graph: the fold of each drawn row computed from its fAlpha, the model of that fold selected)
  'fold-ensemble': () => ({
    estimator: new FoldEnsemble({
      k: 3,
      mode: 'by-fold',
      rule: { expression: 'floor(fAlpha * 100) % 3', tree: { op: '%', args: [{ op: 'floor', args: [{ op: '*', args: [{ op: 'input', index: 8 }, { op: 'number', value: 100 }] }] }, { op: 'number', value: 3 }] } },
      base: () => new LogisticRegression({ l2: 1e-3 }),
    }).fit(magicS, magic.y),
    featureNames: magic.features,
    classNames: magic.classes,
    positive: 'g',
    standardizer: magicStd,
    raw: magic.X,
  }),
  // the trees on standardised MAGIC rows: the standardisation is folded into their thresholds
  bdt: () => ({
    estimator: new HistGradientBoostingClassifier({ maxIter: 30, earlyStopping: false }).fit(magicS, magic.y),
    featureNames: magic.features,
    classNames: magic.classes,
    positive: 'g',
    standardizer: magicStd,
    raw: magic.X,
  }),
  adaboost: () => ({ estimator: new AdaBoostClassifier({ nEstimators: 40, algorithm: 'real' }).fit(iris.X, iris.y), featureNames: iris.features, classNames: iris.classes, raw: iris.X }),
};

// The families whose float32 graphs compute in float64 inside (measured: see export-bayes.ts, export-mixture.ts,
// export-discrete.ts); logistic, MLP and k-means met the tolerance in float32 arithmetic.
const COMPUTES_IN_FLOAT64 = new Set(['gmm', 'gaussian-nb', 'lda', 'qda', 'generative', 'multinomial-nb', 'categorical-nb', 'multinomial-mixture', 'latent-class', 'fold-ensemble']);

describe('every family exports from its training summary alone, at float32 and float64, within the parity tolerance', () => {
  test('the table covers every exportable kind', () => {
    expect(Object.keys(TABLE).sort()).toEqual([...EXPORTABLE_KINDS].sort());
  });

  for (const kind of EXPORTABLE_KINDS)
    test(kind, async () => {
      const { raw, ...o } = TABLE[kind]();
      // exportBoth asserts float32 ≤ 1e-5 and float64 ≤ 1e-12 on every output, and the ONNX checker where present
      const r = await exportBoth({ ...o, training: summarise(raw) });
      const d = decodeModel(r.float32.bytes);
      // the interface stays float32 whatever the arithmetic inside
      expect(d.graph.input.map((i) => i.type.tensor_type.elem_type)).toEqual([DataType.FLOAT]);
      for (const out of d.graph.output) expect([DataType.FLOAT, DataType.INT64]).toContain(out.type.tensor_type.elem_type);
      expect(d.metadata.compute).toBe(COMPUTES_IN_FLOAT64.has(kind) ? 'float64' : undefined);
      expect(decodeModel(r.float64.bytes).metadata.compute).toBeUndefined();
      // the count and category models were checked on non-negative integer rows (their inputs are counts or codes)
      expect(r.float32.parity.rows).toBe(2000);
    });
});

describe('configs/magic-gmm-likelihood.yaml: the generative classifier exports at float32', () => {
  test('4-component full-covariance GMM per class on all of MAGIC (standardised, as the config): parity on the training rows and on drawn rows', async () => {
    const all = loadCsv('magic04.csv', 'class', { classes: ['h', 'g'] });
    const s = meanScale(all.X);
    const m = new GenerativeClassifier({ density: { kind: 'gmm', nComponents: 4, covarianceType: 'full', nInit: 1, maxIter: 200, seed: 7 } }).fit(standardised(all.X, s), all.y);
    const base = { estimator: m, featureNames: all.features, classNames: all.classes, positive: 'g', standardizer: s, dtype: 'float32' as const };
    for (const rows of [{ sample: all.X }, { training: summarise(all.X) }]) {
      const r = await exportModelChecked({ ...base, ...rows });
      const score = r.parity.outputs.find((o) => o.output === 'score')!;
      // the log-likelihood ratio, compared relatively above magnitude 1: float32 arithmetic left 5.8e-5 here
      expect(score.relative).toBe(true);
      for (const o of r.parity.outputs) expect(o.maxDiff, o.output).toBeLessThanOrEqual(1e-5);
    }
  });
});

describe('the parity rows: sample or training, one of them', () => {
  const m = new LDA().fit(iris.X, iris.y);
  const base = { estimator: m, featureNames: iris.features };
  test('neither, both, or a summary of the wrong width: INVALID_ARGUMENT', async () => {
    await expect(exportModelChecked(base as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: /needs rows: give sample .* or training/ });
    await expect(exportModelChecked({ ...base, sample: iris.X, training: summarise(iris.X) } as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: /not both/ });
    const narrow = summarise({ rows: 150, cols: 3, data: iris.X.data.slice(0, 450) });
    await expect(exportModelChecked({ ...base, training: narrow })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: /describes 3 features, the model has 4/ });
  });
});

describe('exportModelFile checks its path before building anything', () => {
  test('a folder, a missing folder, an input file: coded errors, and the unfitted model is never reached', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'discern-export-'));
    mkdirSync(join(dir, 'sub'));
    const data = join(dir, 'data.csv');
    writeFileSync(data, 'a,b\n1,2\n');
    // not fitted: building the graph would throw MODEL_NOT_FITTED, so each error below comes from the path check
    const o = { estimator: new LDA(), featureNames: ['a', 'b'], sample: { rows: 1, cols: 2, data: Float64Array.of(1, 2) } };
    const asTyped = (e: unknown) => (e as DiscernError).renamed({ option: (n) => (n === 'out' ? '--out' : n) }).message;
    const folder = await exportModelFile(join(dir, 'sub'), o).catch((e: unknown) => e);
    expect(folder).toMatchObject({ code: 'IO_ERROR', context: { option: 'out' } });
    expect(asTyped(folder)).toMatch(/^--out: cannot write .*sub: it is a folder; give a file$/);
    const missing = await exportModelFile(join(dir, 'none', 'm.onnx'), o).catch((e: unknown) => e);
    expect(asTyped(missing)).toMatch(/its folder does not exist$/);
    const over = await exportModelFile(data, o, { what: '--out', inputs: [{ path: data, what: '--data' }] }).catch((e: unknown) => e);
    expect(over).toMatchObject({ code: 'OUTPUT_IS_INPUT', message: expect.stringMatching(/^--out .*data\.csv is the file read as --data/) });
    expect(readFileSync(data, 'utf8')).toBe('a,b\n1,2\n');
    expect(readdirSync(dir).sort()).toEqual(['data.csv', 'sub']);
  });
});
