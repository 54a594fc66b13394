import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { applyRule, type DecisionRule } from '@discern/decision';
import { type DenseMatrix } from '@discern/linalg';
import { GaussianMixture, GenerativeClassifier, LogisticRegression, QDA } from '@discern/models';
import { discernVersion } from '@discern/core';
import { IR_VERSION, OPSET, createSession, decodeModel, exportModel, exportModelFile, runBatch } from './index.js';
import { exportBoth, loadCsv, meanScale, standardised, tempDir } from './testing.test-helpers.js';

const magic = loadCsv('magic04.csv', 'class', { take: 20, classes: ['h', 'g'] });
const magicStd = meanScale(magic.X);
const iris = loadCsv('iris.csv', 'label');
const logistic = new LogisticRegression({ l2: 1e-3 }).fit(standardised(magic.X, magicStd), magic.y);
const base = { estimator: logistic, featureNames: magic.features, classNames: magic.classes, positive: 'g', standardizer: magicStd, sample: magic.X };

async function labels(bytes: Uint8Array, X: DenseMatrix): Promise<Float64Array> {
  const ms = await createSession(bytes);
  try {
    return (await runBatch(ms, { features: X })).label!.data;
  } finally {
    await ms.session.release();
  }
}

describe('decision rules inside the graph (labels checked against @discern/decision applyRule)', () => {
  const rules: DecisionRule[] = [
    { kind: 'threshold', on: 'proba', threshold: 0.8, positive: 1 },
    { kind: 'threshold', on: 'score', threshold: 0.3, positive: 1, inclusive: false },
    { kind: 'neyman-pearson', alpha: 0.05, threshold: 0.9 },
    { kind: 'bayes-risk', cost: [[0, 5], [1, 0]], priors: [0.9, 0.1], trainPriors: [0.35, 0.65] },
    { kind: 'bayes-risk', cost: [[0, 1], [1, 0]], rejectCost: 0.2 },
    { kind: 'map' },
    { kind: 'ml', trainPriors: [0.35, 0.65] },
  ];
  for (const rule of rules) {
    test(`${rule.kind} ${JSON.stringify(rule)}`, async () => {
      const r = await exportBoth({ ...base, decision: rule });
      const got = await labels(r.float64.bytes, magic.X);
      const proba = logistic.predictProba(standardised(magic.X, magicStd));
      const want = applyRule(rule, { proba, score: Float64Array.from({ length: proba.rows }, (_, i) => proba.data[2 * i + 1]!) });
      expect(Array.from(got)).toEqual(Array.from(want));
    });
  }

  test('a stricter threshold labels fewer rows positive (the rule is really applied)', async () => {
    const loose = await labels(await exportModel({ ...base, decision: { kind: 'threshold', on: 'proba', threshold: 0.2 } }), magic.X);
    const strict = await labels(await exportModel({ ...base, decision: { kind: 'threshold', on: 'proba', threshold: 0.95 } }), magic.X);
    const count = (a: Float64Array) => a.reduce((s, v) => s + (v === 1 ? 1 : 0), 0);
    expect(count(strict)).toBeLessThan(count(loose));
    expect(count(strict)).toBeGreaterThan(0);
  });

  test('threshold on the log-likelihood ratio of the generative classifier', async () => {
    const m = new GenerativeClassifier({ density: { kind: 'gmm', nComponents: 2, covarianceType: 'diag', maxIter: 20, seed: 1 } }).fit(standardised(magic.X, magicStd), magic.y);
    await exportBoth({ ...base, estimator: m, decision: { kind: 'threshold', on: 'llr', threshold: 0.5, positive: 1, inclusive: false } });
  });

  test('three-class minimum risk with a reject option (QDA on iris)', async () => {
    const m = new QDA().fit(iris.X, iris.y);
    const rule: DecisionRule = { kind: 'bayes-risk', cost: [[0, 1, 4], [1, 0, 1], [4, 1, 0]], rejectCost: 0.05 };
    const r = await exportBoth({ estimator: m, featureNames: iris.features, classNames: iris.classes, decision: rule, sample: iris.X });
    const got = await labels(r.float64.bytes, iris.X);
    expect(got.some((v) => v === -1)).toBe(true);
  });

  test('rules a model cannot carry are refused, naming why', async () => {
    const gmm = new GaussianMixture({ nComponents: 2, seed: 1 }).fit(iris.X);
    await expect(exportModel({ estimator: gmm, featureNames: iris.features, sample: iris.X, decision: { kind: 'map' } })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: /class posteriors/ });
    const lr = new LogisticRegression().fit(iris.X, iris.y);
    await expect(exportModel({ estimator: lr, featureNames: iris.features, sample: iris.X, decision: { kind: 'threshold', on: 'score', threshold: 0.5 } })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: /two-class/ });
    await expect(exportModel({ ...base, decision: { kind: 'threshold', on: 'llr', threshold: 0 } })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: /log-likelihood ratio/ });
    await expect(exportModel({ ...base, decision: { kind: 'bayes-risk', cost: [[0, 1, 1], [1, 0, 1], [1, 1, 0]] } })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: /3×3 cost matrix/ });
  });
});

describe('model metadata and the file export', () => {
  test('metadata_props, opset, IR version and producer', async () => {
    const rule: DecisionRule = { kind: 'neyman-pearson', alpha: 0.01, threshold: 0.97 };
    const d = decodeModel(await exportModel({ ...base, decision: rule }));
    expect(d.irVersion).toBe(IR_VERSION);
    expect(d.opsets).toEqual([{ domain: '', version: OPSET }]);
    expect(d.producer).toBe('discern');
    expect(JSON.parse(d.metadata.features!)).toEqual(magic.features);
    expect(JSON.parse(d.metadata.classes!)).toEqual(['h', 'g']);
    expect(d.metadata.positive).toBe('g');
    expect(JSON.parse(d.metadata.decision!)).toMatchObject({ kind: 'neyman-pearson', alpha: 0.01, threshold: 0.97 });
    expect(JSON.parse(d.metadata.score!)).toEqual({ output: 'score', kind: 'probability' });
    expect(d.metadata.discern_version).toBe(discernVersion());
    expect(discernVersion()).toMatch(/^\d+\.\d+\.\d+/);
    expect(JSON.parse(d.metadata.standardizer!).mean).toHaveLength(magic.features.length);
    expect(d.graph.input[0]!.type.tensor_type.elem_type).toBe(1); // float32 by default
    const d64 = decodeModel(await exportModel({ ...base, dtype: 'float64' }));
    expect(d64.graph.input[0]!.type.tensor_type.elem_type).toBe(11);
    expect(d64.graph.initializer.every((t) => t.data_type === 11 || t.data_type === 7)).toBe(true);
  });

  test('exportModelFile writes the checked bytes; a parity failure throws ONNX_PARITY and writes nothing', async () => {
    const dir = tempDir();
    const ok = join(dir, 'model.onnx');
    const r = await exportModelFile(ok, base);
    expect(new Uint8Array(readFileSync(ok))).toEqual(r.bytes);

    // a model whose TypeScript probabilities are off by 1e-3 in one cell: the graph cannot agree with it
    class Skewed extends LogisticRegression {
      override predictProba(X: DenseMatrix): DenseMatrix {
        const P = super.predictProba(X);
        P.data[7 * 2 + 1]! += 1e-3;
        return P;
      }
    }
    const skewed = new Skewed({ l2: 1e-3 }).fit(standardised(magic.X, magicStd), magic.y);
    const bad = join(dir, 'bad.onnx');
    const err = await exportModelFile(bad, { ...base, estimator: skewed }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ONNX_PARITY' });
    expect((err as Error).message).toMatch(/'probabilities' max difference 1\.0\d*e-3 at row 7, column 1 .*tolerance 0\.00001/);
    expect(existsSync(bad)).toBe(false);
    expect(readdirSync(dir)).toEqual(['model.onnx']);
  });

  test('bad export options are INVALID_ARGUMENT or MODEL_NOT_FITTED', async () => {
    await expect(exportModel({ ...base, featureNames: ['a'] })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: /1 feature names for a model of 10 features/ });
    await expect(exportModel({ ...base, positive: 'q' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: /'q'/ });
    await expect(exportModel({ ...base, standardizer: { mean: magicStd.mean, scale: new Float64Array(10) } })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: /scale\[0\]/ });
    await expect(exportModel({ ...base, estimator: new LogisticRegression() })).rejects.toMatchObject({ code: 'MODEL_NOT_FITTED' });
    await expect(exportModel({ ...base, kind: 'mlp' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
