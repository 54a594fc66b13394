import { describe, expect, test } from 'vitest';
import { AdaBoostClassifier, GaussianNB, HistGradientBoostingClassifier, LogisticRegression, applyCalibration, fitCalibration } from '@discern/models';
import { exportBoth, hasPythonOnnx, loadCsv, meanScale, onnxCheckAll, standardised } from './testing.test-helpers.js';

// A calibrated classifier exports as one graph: the family's posteriors, then the calibration maps, then the rule.
// Parity (max |Δ| ≤ 1e-5 at float32, ≤ 1e-12 at float64) is held against applyCalibration of the TypeScript model.

const magic = loadCsv('magic04.csv', 'class', { take: 10, classes: ['h', 'g'] }); // 1 903 rows
const iris = loadCsv('iris.csv', 'label');

describe('calibrated classifiers in ONNX', () => {
  test('isotonic on a naive Bayes model of MAGIC (badly calibrated: its scores cluster at 0 and 1), with a threshold rule on the calibrated P(g)', async () => {
    const nb = new GaussianNB().fit(magic.X, magic.y);
    const calibration = fitCalibration(nb.predictProba(magic.X), magic.y, 'isotonic');
    expect(calibration.maps[0]!.method).toBe('isotonic');
    const r = await exportBoth({
      estimator: nb,
      featureNames: magic.features,
      classNames: magic.classes,
      positive: 'g',
      calibration,
      decision: { kind: 'threshold', on: 'score', threshold: 0.5, positive: 1, negative: 0, inclusive: true },
      sample: magic.X,
    });
    expect(r.float64.outputs).toEqual(['probabilities', 'score', 'label']);
    for (const dtype of ['float32', 'float64'] as const) {
      const worst = Math.max(...r[dtype].parity.outputs.map((o) => o.maxDiff));
      expect(worst, dtype).toBeLessThanOrEqual(dtype === 'float32' ? 1e-5 : 1e-12);
    }
    if (hasPythonOnnx()) expect(onnxCheckAll([r.float32.bytes, r.float64.bytes])).toEqual(['', '']);
  });

  test('Platt on logistic regression of MAGIC, and isotonic per class on iris (normalised), both dtypes', async () => {
    const s = meanScale(magic.X);
    const lr = new LogisticRegression({ l2: 1e-3 }).fit(standardised(magic.X, s), magic.y);
    const platt = fitCalibration(lr.predictProba(standardised(magic.X, s)), magic.y, 'platt');
    const a = await exportBoth({ estimator: lr, featureNames: magic.features, classNames: magic.classes, standardizer: s, calibration: platt, sample: magic.X });
    expect(Math.max(...a.float64.parity.outputs.map((o) => o.maxDiff))).toBeLessThanOrEqual(1e-12);
    const is = meanScale(iris.X);
    const lri = new LogisticRegression({ l2: 1e-1 }).fit(standardised(iris.X, is), iris.y);
    const iso = fitCalibration(lri.predictProba(standardised(iris.X, is)), iris.y, 'isotonic');
    expect(iso.maps).toHaveLength(3);
    const b = await exportBoth({ estimator: lri, featureNames: iris.features, classNames: iris.classes, standardizer: is, calibration: iso, sample: iris.X });
    expect(b.float64.outputs).toEqual(['probabilities', 'label']);
    expect(Math.max(...b.float32.parity.outputs.map((o) => o.maxDiff))).toBeLessThanOrEqual(1e-5);
    // the calibrated probabilities are those of applyCalibration (the parity reference), rows summing to one
    const P = applyCalibration(iso, lri.predictProba(standardised(iris.X, is)));
    for (let i = 0; i < P.rows; i++) expect(P.data[i * 3]! + P.data[i * 3 + 1]! + P.data[i * 3 + 2]!).toBeCloseTo(1, 12);
  });

  test('calibrated boosted trees fitted on standardised inputs: the trees take the raw input (standardisation folded into their thresholds) inside the calibrated graph too', async () => {
    // the calibrated family once dropped the standardizer it was handed, so the trees compared raw inputs with
    // thresholds of the standardised space (float32 parity failed at 0.93)
    const s = meanScale(magic.X);
    const Z = standardised(magic.X, s);
    for (const model of [new HistGradientBoostingClassifier({ maxIter: 20, seed: 1 }).fit(Z, magic.y), new AdaBoostClassifier({ nEstimators: 20 }).fit(Z, magic.y)]) {
      for (const method of ['isotonic', 'platt'] as const) {
        const calibration = fitCalibration(model.predictProba(Z), magic.y, method);
        const r = await exportBoth({ estimator: model, featureNames: magic.features, classNames: magic.classes, standardizer: s, calibration, sample: magic.X });
        for (const dtype of ['float32', 'float64'] as const) {
          const worst = Math.max(...r[dtype].parity.outputs.map((o) => o.maxDiff));
          expect(worst, `${model.kind} ${method} ${dtype}`).toBeLessThanOrEqual(dtype === 'float32' ? 1e-5 : 1e-12);
        }
      }
    }
  });

  test('a calibration that does not fit the model is refused', async () => {
    const nb = new GaussianNB().fit(iris.X, iris.y);
    const two = { method: 'platt' as const, classes: 2, maps: [{ method: 'platt' as const, a: -1, b: 0 }] };
    await expect(exportBoth({ estimator: nb, featureNames: iris.features, classNames: iris.classes, calibration: two, sample: iris.X })).rejects.toThrow(/a calibration of 2 classes was given for a 3-class classifier/);
  });
});
